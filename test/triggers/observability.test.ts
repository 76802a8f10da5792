// Every trigger invocation is logged (trigger source, function, duration, outcome) and counted
// (also in /metrics), and neither the log nor the metrics hold the event: no code, no ClientMetadata.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ConfirmForgotPasswordCommand, ForgotPasswordCommand, UnexpectedLambdaException } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { lastCode, makePool, makeUser } from '../reset/helpers.js';
import { answerWith, routes, startHookServer, type HookServer } from './helpers.js';

const lines: string[] = [];
let hook: HookServer;
let server: TestServer;

before(async () => {
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
  hook = await startHookServer((req) => answerWith(req, { emailMessage: 'Logged? {####}' }));
  server = await startTestServer({ dev: true, logLevel: 'trace', triggerRoutes: routes({ '*': { type: 'webhook', url: hook.url } }) }, { logStream: stream });
});
after(async () => {
  await server.cleanup();
  await hook.close();
});

test('each invocation is one log line and one count; the event is in neither', async () => {
  const f = await makePool(server.client, { LambdaConfig: { CustomMessage: 'arn:aws:lambda:us-east-1:000000000000:function:msg', PostConfirmation: 'arn:aws:lambda:us-east-1:000000000000:function:post' } });
  await makeUser(server.client, f.poolId, 'watched', 'watched@example.com');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'watched', ClientMetadata: { marker: 'metadata-marker-value' } }));
  const code = await lastCode(server, 'watched@example.com');
  hook.handler = () => ({ status: 503, body: '' });
  await assert.rejects(
    server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'watched', ConfirmationCode: code, Password: 'Watched-Pass1', ClientMetadata: { marker: 'metadata-marker-value' } })),
    UnexpectedLambdaException,
  );

  const invoked = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'trigger invoked');
  assert.equal(invoked.length, 2);
  assert.equal(invoked[0]!.triggerSource, 'CustomMessage_ForgotPassword');
  assert.equal(invoked[0]!.functionArn, 'arn:aws:lambda:us-east-1:000000000000:function:msg');
  assert.equal(invoked[0]!.outcome, 'answer');
  assert.equal(typeof invoked[0]!.durationMs, 'number');
  assert.equal(invoked[1]!.triggerSource, 'PostConfirmation_ConfirmForgotPassword');
  assert.equal(invoked[1]!.outcome, 'invokeFailure');
  assert.equal(invoked[1]!.reason, 'HTTP 503');

  const counts = server.app.services.triggers.counts;
  assert.equal(counts.get('CustomMessage_ForgotPassword answer'), 1);
  assert.equal(counts.get('PostConfirmation_ConfirmForgotPassword invokeFailure'), 1);

  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /^userpool_trigger_invocations_total\{trigger_source="CustomMessage_ForgotPassword",outcome="answer"\} 1$/m);
  assert.match(metrics, /^userpool_trigger_invocations_total\{trigger_source="PostConfirmation_ConfirmForgotPassword",outcome="invokeFailure"\} 1$/m);
  assert.match(metrics, /^userpool_trigger_duration_seconds_count\{trigger_source="CustomMessage_ForgotPassword"\} 1$/m);

  const log = lines.join('\n');
  assert.ok(!log.includes(code), 'the code is never logged');
  assert.ok(!log.includes('metadata-marker-value'), 'ClientMetadata is never logged');
  assert.ok(!log.includes('Watched-Pass1'), 'the password is never logged');
});
