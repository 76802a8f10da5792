// Cognito's 5 seconds, for every kind of invoker at once: a module handler spinning in a loop,
// one that sleeps 6 s, a webhook and a Lambda endpoint that answer after 6 s. Each caller gets
// Cognito's timeout answer at 5 s, and the server serves everyone else meanwhile.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { DescribeUserPoolCommand, ForgotPasswordCommand, UnexpectedLambdaException } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { lastCode, makePool, makeUser } from '../reset/helpers.js';
import { moduleDir, routes, startHookServer, type HookServer } from './helpers.js';

const handlers = moduleDir();
let slow: HookServer;
let server: TestServer;

before(async () => {
  handlers.write('spin.mjs', 'export async function handler() { for (;;) {} }');
  handlers.write('sleep.mjs', 'export async function handler(event) { await new Promise((r) => setTimeout(r, 6000)); return event; }');
  slow = await startHookServer((req) => ({ body: req.body, delayMs: 6000 }));
  server = await startTestServer({
    dev: true,
    triggerRoutes: routes({
      'arn:aws:lambda:us-east-1:000000000000:function:spin': { type: 'module', path: `${handlers.dir}/spin.mjs` },
      'arn:aws:lambda:us-east-1:000000000000:function:sleep': { type: 'module', path: `${handlers.dir}/sleep.mjs` },
      'arn:aws:lambda:us-east-1:000000000000:function:webhook': { type: 'webhook', url: slow.url },
      'arn:aws:lambda:us-east-1:000000000000:function:lambda': { type: 'lambda', endpoint: slow.url },
    }),
  });
});
after(async () => {
  await server.cleanup();
  await slow.close();
  handlers.remove();
});

test('a function that does not answer in 5 s is a timeout, and nobody else waits for it', async () => {
  const stuck: Array<Promise<number>> = [];
  for (const name of ['spin', 'sleep', 'webhook', 'lambda']) {
    const f = await makePool(server.client, { LambdaConfig: { CustomMessage: `arn:aws:lambda:us-east-1:000000000000:function:${name}` } });
    await makeUser(server.client, f.poolId, name, `${name}@example.com`);
    const started = performance.now();
    stuck.push(
      server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: name })).then(
        () => assert.fail(`${name}: answered`),
        (e: Error) => {
          assert.ok(e instanceof UnexpectedLambdaException, `${name}: ${e.name}`);
          assert.equal(e.message, 'CustomMessage invocation failed due to error Socket timeout while invoking Lambda function.');
          return performance.now() - started;
        },
      ),
    );
  }

  // Meanwhile: a whole reset on a pool without triggers, and admin reads, all prompt.
  const free = await makePool(server.client);
  await makeUser(server.client, free.poolId, 'free', 'free@example.com');
  const t0 = performance.now();
  await server.client.send(new ForgotPasswordCommand({ ClientId: free.legacyClientId, Username: 'free' }));
  assert.match(await lastCode(server, 'free@example.com'), /^\d{6}$/);
  for (let i = 0; i < 10; i++) await server.client.send(new DescribeUserPoolCommand({ UserPoolId: free.poolId }));
  assert.ok(performance.now() - t0 < 2000, `the other requests took ${Math.round(performance.now() - t0)} ms`);

  for (const elapsed of await Promise.all(stuck)) {
    assert.ok(elapsed >= 4900 && elapsed < 6500, `timed out after ${Math.round(elapsed)} ms`);
  }
  // The spinning worker was ended: a loop still running would burn a whole core of this process.
  await new Promise((r) => setTimeout(r, 100));
  const cpu = process.cpuUsage();
  await new Promise((r) => setTimeout(r, 500));
  const used = process.cpuUsage(cpu);
  assert.ok((used.user + used.system) / 1000 < 150, `${Math.round((used.user + used.system) / 1000)} ms of CPU in 500 ms while idle`);
});
