// The Lambda Invoke API invoker against a local server that speaks Lambda's REST API
// (POST /2015-03-31/functions/<name>/invocations), the way SAM local or an emulator does: the
// request as the AWS SDK signs and sends it, the function's answer used, and Lambda's ways of
// failing (the X-Amz-Function-Error header, service errors, no one listening) answered as
// Cognito answers them. No AWS is reached.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ForgotPasswordCommand,
  InvalidLambdaResponseException,
  UnexpectedLambdaException,
  UserLambdaValidationException,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { lastEmail, makePool, makeUser } from '../reset/helpers.js';
import { answerWith, closedPort, routes, startHookServer, type HookServer } from './helpers.js';

const MAPPED = 'arn:aws:lambda:eu-west-1:000000000000:function:mapped-message';
const SAM = 'arn:aws:lambda:us-east-1:000000000000:function:sam-message';
const UNMAPPED = 'arn:aws:lambda:us-east-1:000000000000:function:plain-message';
const KEY_ID = 'AKIALAMBDATEST000001';
let lambda: HookServer;
let server: TestServer;

before(async () => {
  lambda = await startHookServer();
  server = await startTestServer({
    dev: true,
    lambdaEndpoint: lambda.url,
    triggerRoutes: routes({
      [MAPPED]: { type: 'lambda', endpoint: lambda.url, credentials: { accessKeyId: KEY_ID, secretAccessKey: 'lambda-test-secret-0000000000' } },
      [SAM]: { type: 'lambda', endpoint: lambda.url, functionName: 'MessageFunction' },
    }),
  });
});
after(async () => {
  await server.cleanup();
  await lambda.close();
});

async function forgotWith(arn: string, username: string): Promise<{ email: string; send: () => Promise<unknown> }> {
  const f = await makePool(server.client, { LambdaConfig: { CustomMessage: arn } });
  const email = `${username}@example.com`;
  await makeUser(server.client, f.poolId, username, email);
  return { email, send: () => server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: username })) };
}

test('the function is invoked through the Lambda Invoke API, signed, with the event as payload', async () => {
  const p = await forgotWith(MAPPED, 'mapped');
  lambda.calls.length = 0;
  lambda.handler = (req) => answerWith(req, { emailMessage: 'Lambda API says {####}' });
  await p.send();
  const [call] = lambda.calls;
  assert.equal(call!.method, 'POST');
  assert.equal(call!.path, `/2015-03-31/functions/${encodeURIComponent(MAPPED)}/invocations`);
  assert.equal(call!.headers['x-amz-invocation-type'], 'RequestResponse');
  // SigV4 with the configured key, for Lambda in the ARN's region.
  assert.match(String(call!.headers.authorization), new RegExp(`^AWS4-HMAC-SHA256 Credential=${KEY_ID}/\\d{8}/eu-west-1/lambda/aws4_request, `));
  assert.equal(call!.event.triggerSource, 'CustomMessage_ForgotPassword');
  assert.equal(call!.event.userName, 'mapped');
  assert.deepEqual(call!.event.response, { smsMessage: null, emailMessage: null, emailSubject: null });
  assert.match((await lastEmail(server, p.email))!.Body.text_part, /^Lambda API says \d{6}$/);
});

test('functionName names the function for SAM local; unmapped ARNs go to --lambda-endpoint', async () => {
  lambda.handler = (req) => answerWith(req, { emailMessage: `Via ${req.path.split('/')[3]}: {####}` });
  const sam = await forgotWith(SAM, 'sam');
  await sam.send();
  assert.match((await lastEmail(server, sam.email))!.Body.text_part, /^Via MessageFunction: \d{6}$/);
  const plain = await forgotWith(UNMAPPED, 'plain');
  await plain.send();
  assert.match((await lastEmail(server, plain.email))!.Body.text_part, new RegExp(`^Via ${encodeURIComponent(UNMAPPED)}: \\d{6}$`));
  // Without configured credentials the request is still signed (placeholder credentials
  // when the machine has none), as a local endpoint requires.
  assert.match(String(lambda.calls.at(-1)!.headers.authorization), /^AWS4-HMAC-SHA256 Credential=[\w-]+\/\d{8}\/us-east-1\/lambda\/aws4_request, /);
});

test('Lambda\'s failures are answered as Cognito answers them', async () => {
  const p = await forgotWith(MAPPED, 'failing');
  const lambdaError = (status: number, type: string) => () => ({ status, headers: { 'x-amzn-errortype': type }, body: JSON.stringify({ Type: 'User', message: 'details that stay here' }) });
  const cases: Array<[HookServer['handler'], new (...a: never[]) => Error, string]> = [
    [
      () => ({ headers: { 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify({ errorType: 'Error', errorMessage: 'Lambda says no', trace: ['at handler'] }) }),
      UserLambdaValidationException,
      'CustomMessage failed with error Lambda says no.',
    ],
    [lambdaError(404, 'ResourceNotFoundException'), UnexpectedLambdaException, 'CustomMessage invocation failed due to error ResourceNotFoundException.'],
    [lambdaError(403, 'AccessDeniedException'), UnexpectedLambdaException, 'CustomMessage invocation failed due to error AccessDeniedException.'],
    [lambdaError(429, 'TooManyRequestsException'), UnexpectedLambdaException, 'CustomMessage invocation failed due to error TooManyRequestsException.'],
    [() => ({ body: 'this is not JSON' }), InvalidLambdaResponseException, 'Invalid lambda function output : Invalid JSON'],
    [() => ({ body: 'null' }), InvalidLambdaResponseException, 'Unrecognizable lambda output'],
  ];
  for (const [handler, cls, message] of cases) {
    lambda.handler = handler;
    await assert.rejects(p.send(), (e: Error) => e instanceof cls && e.message === message, message);
  }
});

test('an endpoint no one listens on is an invocation failure', async () => {
  const port = await closedPort();
  const other = await startTestServer({ dev: true, lambdaEndpoint: `http://127.0.0.1:${port}` });
  try {
    const f = await makePool(other.client, { LambdaConfig: { CustomMessage: UNMAPPED } });
    await makeUser(other.client, f.poolId, 'nobody-home', 'nobody-home@example.com');
    await assert.rejects(
      other.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'nobody-home' })),
      (e: Error) => e instanceof UnexpectedLambdaException && e.message === 'CustomMessage invocation failed due to error ECONNREFUSED.',
    );
  } finally {
    await other.cleanup();
  }
});
