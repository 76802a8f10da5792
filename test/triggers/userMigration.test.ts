// UserMigration_ForgotPassword through a real webhook: ForgotPassword for a name the pool does
// not know asks the function, the user it describes is created in RESET_REQUIRED, the code
// goes to its verified email and the reset finishes; declines and failures are answered per
// PreventUserExistenceErrors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InvalidLambdaResponseException,
  InvalidParameterException,
  UserLambdaValidationException,
  UserNotFoundException,
  type ForgotPasswordCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { lastCode, lastEmail, makePool, makeUser, passwordWorks, type ResetFixture } from '../reset/helpers.js';
import { answerWith, echo, routes, startHookServer, wholeStore, type HookRequest, type HookServer } from './helpers.js';

const MIGRATE = 'arn:aws:lambda:us-east-1:000000000000:function:hook-migrate';
const MESSAGE = 'arn:aws:lambda:us-east-1:000000000000:function:hook-message';
let hook: HookServer;
let server: TestServer;
let f: ResetFixture;

/** The legacy directory the function looks users up in. */
const LEGACY: Record<string, Record<string, unknown>> = {
  'legacy-bob': { email: 'bob@legacy.example.com', email_verified: 'true', given_name: 'Bob', sub: 'old-pool-sub', 'cognito:user_status': 'CONFIRMED' },
  'legacy-unverified': { email: 'unverified@legacy.example.com' },
  'legacy-bool': { email: 'bool@legacy.example.com', email_verified: true },
};

function legacyDirectory(req: HookRequest): ReturnType<HookServer['handler']> {
  if (req.event.triggerSource === 'CustomMessage_ForgotPassword') return answerWith(req, { emailMessage: `Welcome over, ${String((req.event.request.userAttributes as Record<string, string>).given_name)}: {####}` });
  const user = LEGACY[req.event.userName];
  if (!user) return { headers: { 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify({ errorMessage: 'User not found in legacy directory' }) };
  return answerWith(req, { userAttributes: user, messageAction: 'SUPPRESS', finalUserStatus: 'RESET_REQUIRED', desiredDeliveryMediums: ['EMAIL'], forceAliasCreation: false });
}

before(async () => {
  hook = await startHookServer(legacyDirectory);
  server = await startTestServer({ dev: true, triggerRoutes: routes({ 'arn:aws:lambda:*:*:function:hook-*': { type: 'webhook', url: hook.url } }) });
  f = await makePool(server.client, { LambdaConfig: { UserMigration: MIGRATE, CustomMessage: MESSAGE } });
});
after(async () => {
  await server.cleanup();
  await hook.close();
});

const forgot = (clientId: string, username: string, clientMetadata?: Record<string, string>): Promise<ForgotPasswordCommandOutput> =>
  server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: username, ClientMetadata: clientMetadata }));

test('an unknown name is migrated from the function\'s answer, and the reset finishes', async () => {
  hook.calls.length = 0;
  const metadata = { migrationBatch: 'march-legacy-import' };
  const out = await forgot(f.legacyClientId, 'legacy-bob', metadata);
  assert.deepEqual(out.CodeDeliveryDetails, { Destination: 'b***@l***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });

  const migration = hook.calls[0]!.event;
  assert.deepEqual(migration, {
    version: '1',
    triggerSource: 'UserMigration_ForgotPassword',
    region: 'us-east-1',
    userPoolId: f.poolId,
    userName: 'legacy-bob',
    callerContext: { awsSdkVersion: migration.callerContext.awsSdkVersion, clientId: f.legacyClientId },
    request: { clientMetadata: metadata },
    response: { userAttributes: null, finalUserStatus: null, messageAction: null, desiredDeliveryMediums: null, forceAliasCreation: null, enableSMSMFA: null },
  });
  // The new user then gets its code through the pool's CustomMessage function.
  const message = hook.calls[1]!.event;
  assert.equal(message.triggerSource, 'CustomMessage_ForgotPassword');
  const attrs = message.request.userAttributes as Record<string, string>;
  assert.equal(attrs['cognito:user_status'], 'RESET_REQUIRED');
  assert.notEqual(attrs.sub, 'old-pool-sub');
  assert.equal(hook.calls.length, 2);

  const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'legacy-bob' }));
  assert.equal(user.UserStatus, 'RESET_REQUIRED');
  const stored = Object.fromEntries(user.UserAttributes!.map((a) => [a.Name, a.Value]));
  assert.equal(stored.email, 'bob@legacy.example.com');
  assert.equal(stored.email_verified, 'true');
  assert.equal(stored.given_name, 'Bob');
  assert.match(stored.sub!, /^[0-9a-f-]{36}$/);

  assert.match((await lastEmail(server, 'bob@legacy.example.com'))!.Body.text_part, /^Welcome over, Bob: \d{6}$/);
  const code = await lastCode(server, 'bob@legacy.example.com');
  await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'legacy-bob', ConfirmationCode: code, Password: 'Migrated-Pass1' }));
  assert.ok(await passwordWorks(server, f.poolId, 'legacy-bob', 'Migrated-Pass1'));
  assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'legacy-bob' }))).UserStatus, 'CONFIRMED');

  // Known now: the next ForgotPassword does not ask the function again.
  hook.calls.length = 0;
  await forgot(f.legacyClientId, 'legacy-bob');
  assert.deepEqual(hook.calls.map((c) => c.event.triggerSource), ['CustomMessage_ForgotPassword']);
  assert.ok(!(await wholeStore(server)).includes('march-legacy-import'), 'ClientMetadata is stored nowhere');
});

test('under LEGACY a failing or declining function is answered as Cognito answers it, and no user is made', async () => {
  await assert.rejects(
    forgot(f.legacyClientId, 'never-existed'),
    (e: Error) => e instanceof UserLambdaValidationException && e.message === 'UserMigration failed with error User not found in legacy directory.',
  );
  hook.handler = echo;
  await assert.rejects(forgot(f.legacyClientId, 'declined'), (e: Error) => e instanceof UserNotFoundException && e.message === 'Username/client id combination not found.');
  hook.handler = (req) => answerWith(req, { userAttributes: 'email=a@b.c' });
  await assert.rejects(forgot(f.legacyClientId, 'garbled'), (e: Error) => e instanceof InvalidLambdaResponseException && e.message === 'Unrecognizable lambda output');
  hook.handler = (req) => answerWith(req, { userAttributes: { email: 'x@legacy.example.com', shoe_size: '42' } });
  await assert.rejects(forgot(f.legacyClientId, 'odd'), (e: Error) => e instanceof InvalidParameterException && /shoe_size/.test(e.message));
  hook.handler = legacyDirectory;
  for (const name of ['never-existed', 'declined', 'garbled', 'odd']) {
    await assert.rejects(server.client.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: name })), UserNotFoundException);
  }
});

test('under PreventUserExistenceErrors every failed migration gets the unknown-user answer', async () => {
  const answers: unknown[] = [];
  for (const handler of [legacyDirectory, echo, (req: HookRequest) => answerWith(req, { userAttributes: 42 }), () => ({ status: 502, body: '' })]) {
    hook.handler = handler;
    answers.push((await forgot(f.enabledClientId, 'ghost')).CodeDeliveryDetails);
  }
  hook.handler = legacyDirectory;
  assert.equal(answers.length, 4);
  for (const a of answers) assert.deepEqual(a, answers[0]);
  assert.equal((answers[0] as { DeliveryMedium: string }).DeliveryMedium, 'EMAIL');
  await assert.rejects(server.client.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'ghost' })), UserNotFoundException);
  // A real migration under ENABLED works the same as under LEGACY.
  const out = await forgot(f.enabledClientId, 'legacy-bool');
  assert.equal(out.CodeDeliveryDetails?.Destination, 'b***@l***');
  assert.match(await lastCode(server, 'bool@legacy.example.com'), /^\d{6}$/);
});

test('a migrated user without a verified address is created but gets no code', async () => {
  await assert.rejects(
    forgot(f.legacyClientId, 'legacy-unverified'),
    (e: Error) => e instanceof InvalidParameterException && e.message === 'Cannot reset password for the user as there is no registered/verified email or phone_number',
  );
  assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'legacy-unverified' }))).UserStatus, 'RESET_REQUIRED');
});

test('in an email-as-username pool the email typed becomes the user\'s email; a taken alias needs forceAliasCreation', async () => {
  const byEmail = await makePool(server.client, { UsernameAttributes: ['email'], LambdaConfig: { UserMigration: MIGRATE } });
  hook.handler = (req) => answerWith(req, { userAttributes: { email_verified: 'true', name: 'Mail User' } });
  const out = await forgot(byEmail.legacyClientId, 'mail.user@legacy.example.com');
  assert.equal(out.CodeDeliveryDetails?.AttributeName, 'email');
  const created = await server.client.send(new AdminGetUserCommand({ UserPoolId: byEmail.poolId, Username: 'mail.user@legacy.example.com' }));
  assert.match(created.Username!, /^[0-9a-f-]{36}$/);

  const aliased = await makePool(server.client, { AliasAttributes: ['email'], LambdaConfig: { UserMigration: MIGRATE } });
  await makeUser(server.client, aliased.poolId, 'holder', 'shared@legacy.example.com');
  hook.handler = (req) => answerWith(req, { userAttributes: { email: 'shared@legacy.example.com', email_verified: 'true' } });
  await assert.rejects(forgot(aliased.legacyClientId, 'newcomer'), (e: Error) => e instanceof InvalidParameterException && e.message === 'An account with the given email already exists.');
  hook.handler = (req) => answerWith(req, { userAttributes: { email: 'shared@legacy.example.com', email_verified: 'true' }, forceAliasCreation: true });
  await forgot(aliased.legacyClientId, 'newcomer');
  const holder = await server.client.send(new AdminGetUserCommand({ UserPoolId: aliased.poolId, Username: 'holder' }));
  assert.equal(holder.UserAttributes!.find((a) => a.Name === 'email_verified')?.Value, 'false');
  assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: aliased.poolId, Username: 'newcomer' }))).UserStatus, 'RESET_REQUIRED');
  hook.handler = legacyDirectory;
});
