// The trigger seam on ConfirmForgotPassword: the PostConfirmation event as Cognito shapes it,
// ClientMetadata untouched, and each way a function can fail answered as Cognito answers it,
// without undoing the reset.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InvalidLambdaResponseException,
  UnexpectedLambdaException,
  UserLambdaValidationException,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { InvokeResult } from '../../src/triggers/runner.js';
import type { TriggerEvent } from '../../src/triggers/events.js';
import { lastCode, makePool, makeUser, passwordWorks, type ResetFixture } from './helpers.js';
import { closedPort } from '../triggers/helpers.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:post-confirm';
const seen: Array<{ arn: string; event: TriggerEvent }> = [];
let answer: (event: TriggerEvent) => InvokeResult = (event) => ({ kind: 'answer', payload: event });
let server: TestServer;
let f: ResetFixture;

before(async () => {
  server = await startTestServer(
    { dev: true },
    {
      triggerInvoker: async (arn, event) => {
        seen.push({ arn, event: structuredClone(event) });
        return answer(event);
      },
    },
  );
  f = await makePool(server.client, { LambdaConfig: { PostConfirmation: ARN } });
});
after(async () => {
  await server.cleanup();
});

async function resetWith(username: string, password: string, clientMetadata?: Record<string, string>): Promise<void> {
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: username }));
  const code = await lastCode(server, `${username}@example.com`);
  await server.client.send(
    new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: username, ConfirmationCode: code, Password: password, ClientMetadata: clientMetadata }),
  );
}

test('PostConfirmation_ConfirmForgotPassword gets Cognito\'s event with ClientMetadata untouched', async () => {
  await makeUser(server.client, f.poolId, 'trig', 'trig@example.com');
  const metadata = { source: 'mobile', 'weird key': 'ünïcode value {####}' };
  await resetWith('trig', 'Trig-New-Pass1', metadata);
  const { arn, event } = seen.at(-1)!;
  assert.equal(arn, ARN);
  assert.equal(event.version, '1');
  assert.equal(event.triggerSource, 'PostConfirmation_ConfirmForgotPassword');
  assert.equal(event.region, 'us-east-1');
  assert.equal(event.userPoolId, f.poolId);
  assert.equal(event.userName, 'trig');
  assert.equal(event.callerContext.clientId, f.legacyClientId);
  assert.match(event.callerContext.awsSdkVersion, /^aws-sdk-/);
  assert.deepEqual(event.request.clientMetadata, metadata);
  const attrs = event.request.userAttributes as Record<string, string>;
  assert.equal(attrs.email, 'trig@example.com');
  assert.equal(attrs.email_verified, 'true');
  assert.equal(attrs['cognito:user_status'], 'CONFIRMED');
  assert.match(attrs.sub!, /^[0-9a-f-]{36}$/);
  assert.deepEqual(event.response, {});
  // ClientMetadata is never stored.
  const rows = JSON.stringify(await server.app.services.store.db.selectFrom('audit_events').selectAll().execute());
  assert.ok(!rows.includes('weird key'));
});

test('each failure is answered as Cognito answers it, and the new password stays', async () => {
  const cases: Array<[string, InvokeResult, new (...a: never[]) => Error, string]> = [
    ['thrower', { kind: 'functionError', message: 'nope' }, UserLambdaValidationException, 'PostConfirmation failed with error nope.'],
    ['sleeper', { kind: 'invokeFailure', reason: 'Socket timeout while invoking Lambda function' }, UnexpectedLambdaException, 'PostConfirmation invocation failed due to error Socket timeout while invoking Lambda function.'],
    ['garbler', { kind: 'answer', payload: 'not json' }, InvalidLambdaResponseException, 'Unrecognizable lambda output'],
    ['versioner', { kind: 'answer', payload: { version: '2' } }, InvalidLambdaResponseException, 'Invalid version. Version should be 1'],
  ];
  for (const [name, result, cls, message] of cases) {
    await makeUser(server.client, f.poolId, name, `${name}@example.com`);
    answer = () => result;
    await assert.rejects(resetWith(name, `${name}-New-Pass1A`), (e: Error) => e instanceof cls && e.message === message);
    assert.ok(await passwordWorks(server, f.poolId, name, `${name}-New-Pass1A`), `${name}: the reset stands`);
  }
  answer = (event) => ({ kind: 'answer', payload: event });
});

test('a pool whose trigger cannot be invoked answers UnexpectedLambdaException', async () => {
  // No invoker injected: the ARN goes to the Lambda Invoke API, here an endpoint no one serves.
  const plain = await startTestServer({ dev: true, lambdaEndpoint: `http://127.0.0.1:${await closedPort()}` });
  try {
    const p = await makePool(plain.client, { LambdaConfig: { PostConfirmation: ARN } });
    await makeUser(plain.client, p.poolId, 'lonely', 'lonely@example.com');
    await plain.client.send(new ForgotPasswordCommand({ ClientId: p.legacyClientId, Username: 'lonely' }));
    const code = await lastCode(plain, 'lonely@example.com');
    await assert.rejects(
      plain.client.send(new ConfirmForgotPasswordCommand({ ClientId: p.legacyClientId, Username: 'lonely', ConfirmationCode: code, Password: 'Lonely-Pass1!' })),
      (e: Error) => e instanceof UnexpectedLambdaException && e.message === 'PostConfirmation invocation failed due to error ECONNREFUSED.',
    );
  } finally {
    await plain.cleanup();
  }
});
