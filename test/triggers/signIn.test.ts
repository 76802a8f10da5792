// The sign-in triggers through a real webhook: PreAuthentication (its event, refusing a
// sign-in, userNotFound for clients that hide existence), PostAuthentication after a password
// and after SRP's PASSWORD_VERIFIER, UserMigration_Authentication creating the user with the
// password it was given, and each failure answered as Cognito answers it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  PasswordResetRequiredException,
  RespondToAuthChallengeCommand,
  UnexpectedLambdaException,
  UserLambdaValidationException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { rejects } from '../helpers/pools.js';
import { confirmedUser, makeAuthPool, PASSWORD, signIn, startAuthServer, type AuthPool } from '../auth/fixture.js';
import { srpClient } from '../auth/srpClient.js';
import { answerWith, echo, routes, startHookServer, wholeStore, type HookRequest, type HookServer } from './helpers.js';

const arn = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:hook-${name}`;
let hook: HookServer;
let server: TestServer;
let p: AuthPool;

const fail = (message: string): ReturnType<HookServer['handler']> => ({ headers: { 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify({ errorMessage: message }) });

/** The legacy directory behind UserMigration; PreAuthentication refuses the user "blocked". */
function functions(req: HookRequest): ReturnType<HookServer['handler']> {
  const e = req.event;
  if (e.triggerSource === 'PreAuthentication_Authentication' && e.userName === 'blocked') return fail('Account is blocked');
  if (e.triggerSource === 'UserMigration_Authentication') {
    if (e.userName === 'old-timer' && e.request.password === 'Legacy-Pass1') {
      return answerWith(req, { userAttributes: { email: 'old@legacy.example.com', email_verified: 'true' }, finalUserStatus: 'CONFIRMED', messageAction: 'SUPPRESS' });
    }
    if (e.userName === 'must-reset') return answerWith(req, { userAttributes: { email: 'reset@legacy.example.com' }, finalUserStatus: 'RESET_REQUIRED', messageAction: 'SUPPRESS' });
    return fail('Bad password');
  }
  return echo(req);
}

before(async () => {
  hook = await startHookServer(functions);
  server = await startAuthServer({ triggerRoutes: routes({ 'arn:aws:lambda:*:*:function:hook-*': { type: 'webhook', url: hook.url } }) });
  p = await makeAuthPool(server.client, {
    LambdaConfig: { PreAuthentication: arn('pre'), PostAuthentication: arn('post'), UserMigration: arn('migrate') },
  });
  await confirmedUser(server.client, p.poolId, 'alice', { email: 'alice@example.com', email_verified: 'true' });
  await confirmedUser(server.client, p.poolId, 'blocked', { email: 'blocked@example.com' });
});
after(async () => {
  await server.cleanup();
  await hook.close();
});

const passwordAuth = (clientId: string, username: string, password: string, metadata?: Record<string, string>) =>
  server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password }, ClientMetadata: metadata }));

test('USER_PASSWORD_AUTH runs PreAuthentication, then PostAuthentication, with Cognito\'s events', async () => {
  hook.calls.length = 0;
  const metadata = { device: 'kiosk-7' };
  const out = await passwordAuth(p.legacy, 'alice', PASSWORD, metadata);
  assert.ok(out.AuthenticationResult?.IdToken);
  const [pre, post] = hook.calls.map((c) => c.event);
  assert.equal(hook.calls.length, 2);
  const attrs = pre!.request.userAttributes as Record<string, string>;
  assert.match(attrs.sub!, /^[0-9a-f-]{36}$/);
  assert.deepEqual(pre, {
    version: '1',
    triggerSource: 'PreAuthentication_Authentication',
    region: 'us-east-1',
    userPoolId: p.poolId,
    userName: 'alice',
    callerContext: { awsSdkVersion: pre!.callerContext.awsSdkVersion, clientId: p.legacy },
    request: { userAttributes: { sub: attrs.sub, email: 'alice@example.com', email_verified: 'true', 'cognito:user_status': 'CONFIRMED' }, validationData: metadata },
    response: {},
  });
  assert.match(pre!.callerContext.awsSdkVersion, /^aws-sdk-js-\d/);
  assert.deepEqual(post, {
    ...pre,
    triggerSource: 'PostAuthentication_Authentication',
    request: { userAttributes: attrs, newDeviceUsed: false, clientMetadata: metadata },
  });
  assert.ok(!(await wholeStore(server)).includes('kiosk-7'), 'ClientMetadata is stored nowhere');
});

test('a refusing PreAuthentication ends the sign-in before the password is checked', async () => {
  await rejects(passwordAuth(p.legacy, 'blocked', PASSWORD), UserLambdaValidationException, 'PreAuthentication failed with error Account is blocked.');
  // Even with the wrong password: the function answers first.
  await rejects(passwordAuth(p.legacy, 'blocked', 'Wrong-Pass1'), UserLambdaValidationException, 'PreAuthentication failed with error Account is blocked.');
});

test('an unknown name: no PreAuthentication for LEGACY clients, userNotFound for ENABLED ones', async () => {
  hook.calls.length = 0;
  // UserMigration is asked first; under LEGACY its error is the answer, and a decline is
  // the unknown user's.
  await rejects(passwordAuth(p.legacy, 'nobody', PASSWORD), UserLambdaValidationException, 'UserMigration failed with error Bad password.');
  hook.handler = (req) => (req.event.triggerSource === 'UserMigration_Authentication' ? echo(req) : functions(req));
  await rejects(passwordAuth(p.legacy, 'nobody', PASSWORD), UserNotFoundException, 'User does not exist.');
  assert.deepEqual(hook.calls.map((c) => c.event.triggerSource), ['UserMigration_Authentication', 'UserMigration_Authentication']);

  hook.calls.length = 0;
  await rejects(passwordAuth(p.enabled, 'nobody', PASSWORD), NotAuthorizedException, 'Incorrect username or password.');
  hook.handler = functions;
  const pre = hook.calls.find((c) => c.event.triggerSource === 'PreAuthentication_Authentication')!.event;
  assert.deepEqual(pre.request, { userAttributes: {}, validationData: {}, userNotFound: true });
  assert.equal(pre.userName, 'nobody');
  // A known user under ENABLED: userNotFound false.
  hook.calls.length = 0;
  await signIn(server.client, p.enabled, 'alice');
  assert.equal(hook.calls[0]!.event.request.userNotFound, false);
});

test('UserMigration_Authentication gets the password and the user is created with it', async () => {
  hook.calls.length = 0;
  await rejects(passwordAuth(p.legacy, 'old-timer', 'Not-It-1'), UserLambdaValidationException, 'UserMigration failed with error Bad password.');
  await rejects(server.client.send(new AdminGetUserCommand({ UserPoolId: p.poolId, Username: 'old-timer' })), UserNotFoundException, 'User does not exist.');

  hook.calls.length = 0;
  const out = await passwordAuth(p.legacy, 'old-timer', 'Legacy-Pass1', { batch: 'b1' });
  assert.ok(out.AuthenticationResult?.AccessToken);
  const migration = hook.calls[0]!.event;
  assert.deepEqual(migration, {
    version: '1',
    triggerSource: 'UserMigration_Authentication',
    region: 'us-east-1',
    userPoolId: p.poolId,
    userName: 'old-timer',
    callerContext: { awsSdkVersion: migration.callerContext.awsSdkVersion, clientId: p.legacy },
    request: { password: 'Legacy-Pass1', validationData: { batch: 'b1' }, clientMetadata: { batch: 'b1' } },
    response: { userAttributes: null, finalUserStatus: null, messageAction: null, desiredDeliveryMediums: null, forceAliasCreation: null, enableSMSMFA: null },
  });
  // Then the sign-in goes on as for any user.
  assert.deepEqual(hook.calls.map((c) => c.event.triggerSource), ['UserMigration_Authentication', 'PreAuthentication_Authentication', 'PostAuthentication_Authentication']);
  const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: p.poolId, Username: 'old-timer' }));
  assert.equal(user.UserStatus, 'CONFIRMED');
  // Known now, with that password, through SRP too: the function is not asked again.
  hook.calls.length = 0;
  await signIn(server.client, p.legacy, 'old-timer', 'Legacy-Pass1');
  assert.ok(!hook.calls.some((c) => c.event.triggerSource.startsWith('UserMigration')));
  assert.ok(!(await wholeStore(server)).includes('Legacy-Pass1'), 'the password is stored only hashed');

  // RESET_REQUIRED: the user exists, and must reset.
  await rejects(passwordAuth(p.legacy, 'must-reset', 'Whatever-1'), PasswordResetRequiredException, 'Password reset required for the user');
  assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: p.poolId, Username: 'must-reset' }))).UserStatus, 'RESET_REQUIRED');
});

test('under PreventUserExistenceErrors a failing migration is a wrong password', async () => {
  await rejects(passwordAuth(p.enabled, 'old-timer-2', 'Legacy-Pass1'), NotAuthorizedException, 'Incorrect username or password.');
});

test('SRP: PreAuthentication at InitiateAuth, PostAuthentication after PASSWORD_VERIFIER; a failing PostAuthentication fails the sign-in', async () => {
  hook.calls.length = 0;
  const srp = srpClient(p.poolId);
  const start = await server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'alice', SRP_A: srp.srpA } }));
  assert.deepEqual(hook.calls.map((c) => c.event.triggerSource), ['PreAuthentication_Authentication']);
  const answer = (metadata: Record<string, string>) =>
    server.client.send(
      new RespondToAuthChallengeCommand({
        ClientId: p.legacy,
        ChallengeName: 'PASSWORD_VERIFIER',
        Session: start.Session,
        ChallengeResponses: srp.answer(start.ChallengeParameters!, PASSWORD),
        ClientMetadata: metadata,
      }),
    );
  const done = await answer({ step: 'verifier' });
  assert.ok(done.AuthenticationResult?.IdToken);
  const post = hook.calls[1]!.event;
  assert.equal(post.triggerSource, 'PostAuthentication_Authentication');
  assert.deepEqual(post.request.clientMetadata, { step: 'verifier' });

  hook.handler = (req) => (req.event.triggerSource === 'PostAuthentication_Authentication' ? fail('Audit sink down') : functions(req));
  await rejects(passwordAuth(p.legacy, 'alice', PASSWORD), UserLambdaValidationException, 'PostAuthentication failed with error Audit sink down.');
  hook.handler = () => ({ status: 503, body: '' });
  await rejects(passwordAuth(p.legacy, 'alice', PASSWORD), UnexpectedLambdaException, 'PreAuthentication invocation failed due to error HTTP 503.');
  hook.handler = functions;
});
