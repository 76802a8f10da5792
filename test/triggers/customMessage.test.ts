// CustomMessage on the reset journey, through a real webhook: Cognito's exact event, the
// function's text in the message the user receives (the code filled in where the function put
// {####}), Cognito's checks of that text, and each way a function fails answered as Cognito
// answers it, with no code sent.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminResetUserPasswordCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InvalidLambdaResponseException,
  InvalidParameterException,
  UnexpectedLambdaException,
  UserLambdaValidationException,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { emailCount, lastCode, lastEmail, makePool, makeUser, passwordWorks, type ResetFixture } from '../reset/helpers.js';
import { answerWith, echo, lastSms, routes, startHookServer, wholeStore, type HookServer } from './helpers.js';

const ARN = 'arn:aws:lambda:us-east-1:000000000000:function:hook-message';
let hook: HookServer;
let server: TestServer;
let f: ResetFixture;

before(async () => {
  hook = await startHookServer();
  server = await startTestServer({ dev: true, triggerRoutes: routes({ 'arn:aws:lambda:*:*:function:hook-*': { type: 'webhook', url: `${hook.url}/cognito`, headers: { authorization: 'Bearer hook-token' } } }) });
  f = await makePool(server.client, { LambdaConfig: { CustomMessage: ARN } });
});
after(async () => {
  await server.cleanup();
  await hook.close();
});

const forgot = (username: string, clientMetadata?: Record<string, string>) =>
  server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: username, ClientMetadata: clientMetadata }));

test('ForgotPassword sends CustomMessage_ForgotPassword as Cognito shapes it, and the user gets the function\'s text with the code', async () => {
  await makeUser(server.client, f.poolId, 'msg-user', 'msg-user@example.com');
  hook.calls.length = 0;
  hook.handler = (req) => answerWith(req, { emailSubject: `Reset for ${req.event.userName}`, emailMessage: `<p>Hello ${req.event.userName}, your code is ${String(req.event.request.codeParameter)}.</p>`, smsMessage: null });
  const metadata = { app: 'web', 'odd key': 'ünïcode {####} value' };
  const out = await forgot('msg-user', metadata);
  assert.equal(out.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');

  assert.equal(hook.calls.length, 1);
  const [call] = hook.calls;
  assert.equal(call!.method, 'POST');
  assert.equal(call!.path, '/cognito');
  assert.equal(call!.headers['content-type'], 'application/json');
  assert.equal(call!.headers.authorization, 'Bearer hook-token');
  assert.equal(call!.headers['x-userpool-function-arn'], ARN);
  const event = call!.event;
  const sub = (await server.app.services.store.users.findUserByUsername(f.poolId, 'msg-user'))!.sub;
  assert.deepEqual(event, {
    version: '1',
    triggerSource: 'CustomMessage_ForgotPassword',
    region: 'us-east-1',
    userPoolId: f.poolId,
    userName: 'msg-user',
    callerContext: { awsSdkVersion: event.callerContext.awsSdkVersion, clientId: f.legacyClientId },
    request: {
      userAttributes: { sub, email: 'msg-user@example.com', email_verified: 'true', 'cognito:user_status': 'CONFIRMED' },
      codeParameter: '{####}',
      linkParameter: '{##Click Here##}',
      usernameParameter: null,
      clientMetadata: metadata,
    },
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  });
  assert.match(event.callerContext.awsSdkVersion, /^aws-sdk-js-\d+\.\d+\.\d+$/);

  const mail = await lastEmail(server, 'msg-user@example.com');
  assert.equal(mail?.Subject, 'Reset for msg-user');
  assert.match(mail!.Body.text_part, /^<p>Hello msg-user, your code is \d{6}\.<\/p>$/);
  // The code in the function's text is the real one: the reset goes through with it.
  const code = await lastCode(server, 'msg-user@example.com');
  await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'msg-user', ConfirmationCode: code, Password: 'Msg-New-Pass1' }));
  assert.ok(await passwordWorks(server, f.poolId, 'msg-user', 'Msg-New-Pass1'));
  // ClientMetadata reached the function and is stored nowhere.
  assert.ok(!(await wholeStore(server)).includes('odd key'));
});

test('a field the function leaves null keeps the pool\'s text', async () => {
  await makeUser(server.client, f.poolId, 'half', 'half@example.com');
  hook.handler = (req) => answerWith(req, { emailSubject: 'Only the subject', emailMessage: null, smsMessage: null });
  await forgot('half');
  const mail = await lastEmail(server, 'half@example.com');
  assert.equal(mail?.Subject, 'Only the subject');
  assert.match(mail!.Body.text_part, /^Your verification code is \d{6}\. $/);
  // A function that returns the event unchanged changes nothing.
  hook.handler = echo;
  await forgot('half');
  const again = await lastEmail(server, 'half@example.com');
  assert.equal(again?.Subject, 'Your verification code');
});

test('the function\'s text is checked as Cognito checks it: the code placeholder, lengths, characters', async () => {
  await makeUser(server.client, f.poolId, 'checked', 'checked@example.com');
  const cases: Array<[Record<string, unknown>, string]> = [
    [
      { emailMessage: 'Your code is below (it is not).' },
      "1 validation error detected: Value at 'emailBody' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{####\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*",
    ],
    [
      { emailMessage: `{####}${'x'.repeat(20_000)}` },
      "1 validation error detected: Value at 'emailBody' failed to satisfy constraint: Member must have length less than or equal to 20000",
    ],
    [
      { emailMessage: 'Code: {####}\u0000', emailSubject: '' },
      "3 validation errors detected: Value at 'emailBody' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*\\{####\\}[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s*]*; " +
        "Value at 'emailSubject' failed to satisfy constraint: Member must have length greater than or equal to 1; " +
        "Value at 'emailSubject' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}\\s]+",
    ],
  ];
  for (const [response, message] of cases) {
    hook.handler = (req) => answerWith(req, response);
    const before = await emailCount(server, 'checked@example.com');
    await assert.rejects(forgot('checked'), (e: Error) => e instanceof InvalidParameterException && e.message === message);
    assert.equal(await emailCount(server, 'checked@example.com'), before, 'nothing was sent');
  }
  hook.handler = (req) => answerWith(req, { emailMessage: 42 });
  await assert.rejects(forgot('checked'), (e: Error) => e instanceof InvalidLambdaResponseException && e.message === 'Unrecognizable lambda output');
});

test('an SMS code uses the function\'s smsMessage, held to 140 characters', async () => {
  const p = await makePool(server.client, {
    LambdaConfig: { CustomMessage: ARN },
    AutoVerifiedAttributes: ['phone_number'],
    SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sms' },
  });
  await server.client.send(
    new AdminCreateUserCommand({
      UserPoolId: p.poolId,
      Username: 'texter',
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'phone_number', Value: '+15555550123' },
        { Name: 'phone_number_verified', Value: 'true' },
      ],
    }),
  );
  hook.handler = (req) => answerWith(req, { smsMessage: `Code {####} for ${req.event.userName}`, emailMessage: 'ignored for SMS' });
  await server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: p.poolId, Username: 'texter' }));
  assert.match((await lastSms(server, '+15555550123'))!.Message, /^Code \d{6} for texter$/);

  hook.handler = (req) => answerWith(req, { smsMessage: `{####} ${'y'.repeat(140)}` });
  await assert.rejects(
    server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: p.poolId, Username: 'texter' })),
    (e: Error) => e instanceof InvalidParameterException && e.message === "1 validation error detected: Value at 'smsMessage' failed to satisfy constraint: Member must have length less than or equal to 140",
  );
});

test('AdminResetUserPassword asks the same function, with its ClientMetadata and no client', async () => {
  await makeUser(server.client, f.poolId, 'admin-reset', 'admin-reset@example.com');
  hook.calls.length = 0;
  hook.handler = (req) => answerWith(req, { emailMessage: 'Admin reset: {####}' });
  await server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: f.poolId, Username: 'admin-reset', ClientMetadata: { reason: 'helpdesk' } }));
  const event = hook.calls.at(-1)!.event;
  assert.equal(event.triggerSource, 'CustomMessage_ForgotPassword');
  assert.equal(event.callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
  assert.deepEqual(event.request.clientMetadata, { reason: 'helpdesk' });
  assert.equal((event.request.userAttributes as Record<string, string>)['cognito:user_status'], 'RESET_REQUIRED');
  assert.match((await lastEmail(server, 'admin-reset@example.com'))!.Body.text_part, /^Admin reset: \d{6}$/);
});

test('each way the function fails is answered as Cognito answers it, and no code is sent', async () => {
  await makeUser(server.client, f.poolId, 'failing', 'failing@example.com');
  const cases: Array<[HookServer['handler'], new (...a: never[]) => Error, string]> = [
    [() => ({ headers: { 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify({ errorType: 'Error', errorMessage: 'No messages today' }) }), UserLambdaValidationException, 'CustomMessage failed with error No messages today.'],
    [() => ({ status: 500, body: 'oops' }), UnexpectedLambdaException, 'CustomMessage invocation failed due to error HTTP 500.'],
    [() => ({ body: '{"version": "1", "response": ' }), InvalidLambdaResponseException, 'Invalid lambda function output : Invalid JSON'],
    [() => ({ body: '"just a string"' }), InvalidLambdaResponseException, 'Unrecognizable lambda output'],
    [(req) => ({ body: JSON.stringify({ ...req.event, version: '2' }) }), InvalidLambdaResponseException, 'Invalid version. Version should be 1'],
  ];
  for (const [handler, cls, message] of cases) {
    hook.handler = handler;
    const before = await emailCount(server, 'failing@example.com');
    await assert.rejects(forgot('failing'), (e: Error) => e instanceof cls && e.message === message);
    assert.equal(await emailCount(server, 'failing@example.com'), before, `${message}: nothing was sent`);
  }
  hook.handler = echo;
});
