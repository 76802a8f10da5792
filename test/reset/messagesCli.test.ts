// `userpool messages` against a running development server, and its refusal without --dev.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runCli } from '../helpers/cli.js';
import { lastCode, makePool, makeUser } from './helpers.js';

let server: TestServer;

before(async () => {
  server = await startTestServer({ dev: true });
});
after(async () => {
  await server.cleanup();
});

test('lists the reset message with its code, filtered by recipient, as a table and as JSON', async () => {
  const f = await makePool(server.client);
  await makeUser(server.client, f.poolId, 'mia', 'mia@example.com');
  await makeUser(server.client, f.poolId, 'ned', 'ned@example.com');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'mia' }));
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'ned' }));
  const code = await lastCode(server, 'mia@example.com');

  const table = await runCli(['messages', '--endpoint', server.url, '--email', 'mia@example.com']);
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stdout, /^TIME\s+CHANNEL\s+DESTINATION\s+SUBJECT\s+BODY/);
  assert.ok(table.stdout.includes(`Your verification code is ${code}.`));
  assert.ok(!table.stdout.includes('ned@example.com'));

  const json = await runCli(['messages', '--endpoint', server.url, '--json']);
  assert.equal(json.code, 0, json.stderr);
  const rows = JSON.parse(json.stdout) as Array<{ channel: string; destination: string }>;
  assert.deepEqual(rows.map((r) => r.destination), ['mia@example.com', 'ned@example.com']);
  assert.ok(rows.every((r) => r.channel === 'EMAIL'));
});

test('a server without --dev: a clear error and a failing exit code', async () => {
  const plain = await startTestServer({ dev: false });
  try {
    const out = await runCli(['messages', '--endpoint', plain.url]);
    assert.equal(out.code, 1);
    assert.match(out.stderr, /does not serve messages: start it with --dev/);
  } finally {
    await plain.cleanup();
  }
});
