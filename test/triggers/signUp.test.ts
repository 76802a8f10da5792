// The sign-up family's triggers through a real webhook: PreSignUp_SignUp (refuse, auto-confirm,
// auto-verify), CustomMessage_SignUp / _ResendCode / _AdminCreateUser with the function's text
// delivered, and PostConfirmation_ConfirmSignUp after ConfirmSignUp and AdminConfirmSignUp.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminConfirmSignUpCommand,
  AdminCreateUserCommand,
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  UserLambdaValidationException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { emailCount, lastCode, lastEmail } from '../reset/helpers.js';
import { answerWith, echo, routes, startHookServer, wholeStore, type HookRequest, type HookServer } from './helpers.js';

const arn = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:hook-${name}`;
let hook: HookServer;
let server: TestServer;
let poolId: string;
let clientId: string;

/** The pool's functions: messages name the trigger; PreSignUp refuses one domain. */
function functions(req: HookRequest): ReturnType<HookServer['handler']> {
  const e = req.event;
  if (e.triggerSource === 'PreSignUp_SignUp') {
    const email = (e.request.userAttributes as Record<string, string>).email ?? '';
    if (email.endsWith('@blocked.example.com')) return { headers: { 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify({ errorMessage: 'Domain not allowed' }) };
    const auto = email.startsWith('auto');
    return answerWith(req, { autoConfirmUser: auto, autoVerifyEmail: auto, autoVerifyPhone: false });
  }
  if (e.triggerSource.startsWith('CustomMessage_')) {
    const message = e.triggerSource === 'CustomMessage_AdminCreateUser' ? 'Hi {username}, your password is {####}' : `${e.triggerSource}: {####}`;
    return answerWith(req, { emailSubject: e.triggerSource, emailMessage: message });
  }
  return echo(req);
}

before(async () => {
  hook = await startHookServer(functions);
  server = await startTestServer({ dev: true, triggerRoutes: routes({ 'arn:aws:lambda:*:*:function:hook-*': { type: 'webhook', url: hook.url } }) });
  const pool = await server.client.send(
    new CreateUserPoolCommand({
      PoolName: 'signup-triggers',
      AutoVerifiedAttributes: ['email'],
      LambdaConfig: { PreSignUp: arn('pre'), CustomMessage: arn('message'), PostConfirmation: arn('post') },
    }),
  );
  poolId = pool.UserPool!.Id!;
  clientId = (await server.client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
});
after(async () => {
  await server.cleanup();
  await hook.close();
});

const signUp = (username: string, email: string) =>
  server.client.send(
    new SignUpCommand({
      ClientId: clientId,
      Username: username,
      Password: 'Sign-Up-Pass1',
      UserAttributes: [{ Name: 'email', Value: email }],
      ValidationData: [{ Name: 'captcha', Value: 'passed' }],
      ClientMetadata: { campaign: 'spring-signup-campaign' },
    }),
  );

test('SignUp asks PreSignUp, sends its code in CustomMessage_SignUp\'s text; ConfirmSignUp reports PostConfirmation', async () => {
  hook.calls.length = 0;
  const out = await signUp('signer', 'signer@example.com');
  assert.equal(out.UserConfirmed, false);
  const [pre, message] = hook.calls.map((c) => c.event);
  assert.deepEqual(pre, {
    version: '1',
    triggerSource: 'PreSignUp_SignUp',
    region: 'us-east-1',
    userPoolId: poolId,
    userName: 'signer',
    callerContext: { awsSdkVersion: pre!.callerContext.awsSdkVersion, clientId },
    request: { userAttributes: { email: 'signer@example.com' }, validationData: { captcha: 'passed' }, clientMetadata: { campaign: 'spring-signup-campaign' } },
    response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
  });
  assert.equal(message!.triggerSource, 'CustomMessage_SignUp');
  assert.equal((message!.request.userAttributes as Record<string, string>)['cognito:user_status'], 'UNCONFIRMED');
  assert.equal(message!.request.usernameParameter, null);
  assert.deepEqual(message!.request.clientMetadata, { campaign: 'spring-signup-campaign' });
  const mail = await lastEmail(server, 'signer@example.com');
  assert.equal(mail?.Subject, 'CustomMessage_SignUp');
  assert.match(mail!.Body.text_part, /^CustomMessage_SignUp: \d{6}$/);

  await server.client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'signer' }));
  assert.equal(hook.calls.at(-1)!.event.triggerSource, 'CustomMessage_ResendCode');
  assert.match((await lastEmail(server, 'signer@example.com'))!.Body.text_part, /^CustomMessage_ResendCode: \d{6}$/);

  const code = await lastCode(server, 'signer@example.com');
  await server.client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'signer', ConfirmationCode: code, ClientMetadata: { step: 'confirm' } }));
  const post = hook.calls.at(-1)!.event;
  assert.equal(post.triggerSource, 'PostConfirmation_ConfirmSignUp');
  assert.equal(post.callerContext.clientId, clientId);
  assert.deepEqual(post.request.clientMetadata, { step: 'confirm' });
  const attrs = post.request.userAttributes as Record<string, string>;
  assert.equal(attrs['cognito:user_status'], 'CONFIRMED');
  assert.equal(attrs.email_verified, 'true');
  assert.ok(!(await wholeStore(server)).includes('spring-signup-campaign'), 'ClientMetadata is stored nowhere');
});

test('PreSignUp can refuse a sign-up (nothing is made) or confirm and verify it at once (no code is sent)', async () => {
  await assert.rejects(signUp('refused', 'someone@blocked.example.com'), (e: Error) => e instanceof UserLambdaValidationException && e.message === 'PreSignUp failed with error Domain not allowed.');
  await assert.rejects(server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'refused' })), UserNotFoundException);

  const out = await signUp('auto', 'auto@example.com');
  assert.equal(out.UserConfirmed, true);
  assert.equal(out.CodeDeliveryDetails, undefined);
  assert.equal(await emailCount(server, 'auto@example.com'), 0);
  const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'auto' }));
  assert.equal(user.UserStatus, 'CONFIRMED');
  assert.equal(user.UserAttributes!.find((a) => a.Name === 'email_verified')?.Value, 'true');
});

test('AdminConfirmSignUp reports PostConfirmation; a failing one reaches the caller but the user stays confirmed', async () => {
  await signUp('admin-confirmed', 'admin-confirmed@example.com');
  await server.client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'admin-confirmed', ClientMetadata: { by: 'support' } }));
  const post = hook.calls.at(-1)!.event;
  assert.equal(post.triggerSource, 'PostConfirmation_ConfirmSignUp');
  assert.equal(post.callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
  assert.deepEqual(post.request.clientMetadata, { by: 'support' });

  await signUp('post-fails', 'post-fails@example.com');
  hook.handler = (req) => (req.event.triggerSource.startsWith('PostConfirmation') ? { headers: { 'x-amz-function-error': 'Unhandled' }, body: '{"errorMessage":"callback is not a function"}' } : functions(req));
  await assert.rejects(
    server.client.send(new AdminConfirmSignUpCommand({ UserPoolId: poolId, Username: 'post-fails' })),
    (e: Error) => e instanceof UserLambdaValidationException && e.message === 'PostConfirmation failed with error callback is not a function.',
  );
  hook.handler = functions;
  assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'post-fails' }))).UserStatus, 'CONFIRMED');
});

test('AdminCreateUser sends the invitation in CustomMessage_AdminCreateUser\'s text, username and password filled in', async () => {
  await server.client.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: 'invited',
      TemporaryPassword: 'Temp-Pass-$&-1',
      DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: [{ Name: 'email', Value: 'invited@example.com' }],
      ClientMetadata: { invitedBy: 'admin' },
    }),
  );
  const event = hook.calls.at(-1)!.event;
  assert.equal(event.triggerSource, 'CustomMessage_AdminCreateUser');
  assert.equal(event.request.usernameParameter, '{username}');
  assert.equal(event.request.codeParameter, '{####}');
  assert.equal(event.callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
  assert.deepEqual(event.request.clientMetadata, { invitedBy: 'admin' });
  assert.equal((event.request.userAttributes as Record<string, string>)['cognito:user_status'], 'FORCE_CHANGE_PASSWORD');
  assert.ok(!JSON.stringify(event).includes('Temp-Pass'), 'the function never sees the password');
  const mail = await lastEmail(server, 'invited@example.com');
  assert.equal(mail?.Subject, 'CustomMessage_AdminCreateUser');
  assert.equal(mail?.Body.text_part, 'Hi invited, your password is Temp-Pass-$&-1');
});

test('AdminCreateUser asks PreSignUp_AdminCreateUser: it may refuse the user or verify the email', async () => {
  hook.calls.length = 0;
  hook.handler = (req) => {
    if (req.event.triggerSource !== 'PreSignUp_AdminCreateUser') return functions(req);
    if (req.event.userName === 'unwanted') return { headers: { 'x-amz-function-error': 'Unhandled' }, body: '{"errorMessage":"Not on the staff list"}' };
    return answerWith(req, { autoConfirmUser: false, autoVerifyEmail: true, autoVerifyPhone: false });
  };
  try {
    await server.client.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'staffer',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: 'staffer@example.com' }],
        ValidationData: [{ Name: 'ticket', Value: 'HR-42' }],
        ClientMetadata: { source: 'hr-sync' },
      }),
    );
    const pre = hook.calls[0]!.event;
    assert.deepEqual(pre, {
      version: '1',
      triggerSource: 'PreSignUp_AdminCreateUser',
      region: 'us-east-1',
      userPoolId: poolId,
      userName: 'staffer',
      callerContext: { awsSdkVersion: pre.callerContext.awsSdkVersion, clientId: 'CLIENT_ID_NOT_APPLICABLE' },
      request: { userAttributes: { email: 'staffer@example.com' }, validationData: { ticket: 'HR-42' }, clientMetadata: { source: 'hr-sync' } },
      response: { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false },
    });
    const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'staffer' }));
    assert.equal(user.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(user.UserAttributes!.find((a) => a.Name === 'email_verified')?.Value, 'true');

    await assert.rejects(
      server.client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'unwanted', MessageAction: 'SUPPRESS' })),
      (e: Error) => e instanceof UserLambdaValidationException && e.message === 'PreSignUp failed with error Not on the staff list.',
    );
    await assert.rejects(server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'unwanted' })), UserNotFoundException);
  } finally {
    hook.handler = functions;
  }
});
