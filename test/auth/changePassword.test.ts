// ChangePassword and DeleteUser through the SDK, and what every operation a signed-in user
// makes on its own account refuses: a revoked session, a user sent to RESET_REQUIRED.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  AdminListUserAuthEventsCommand,
  AdminResetUserPasswordCommand,
  ChangePasswordCommand,
  DeleteUserCommand,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  InvalidPasswordException,
  LimitExceededException,
  NotAuthorizedException,
  PasswordHistoryPolicyViolationException,
  PasswordResetRequiredException,
  RespondToAuthChallengeCommand,
  UpdateUserAttributesCommand,
  UserNotFoundException,
  VerifyUserAttributeCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig } from '../../src/config/config.js';
import type { TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/users.js';
import { srpClient } from './srpClient.js';
import { confirmedUser, makeAuthPool, PASSWORD, signIn, startAuthServer, TestClock, type AuthPool } from './fixture.js';

const REVOKED = 'Access Token has been revoked';
const NEW_PASSWORD = 'Brand-New-Pass2';

let server: TestServer;
let p: AuthPool;
const clock = new TestClock();

before(async () => {
  server = await startAuthServer({}, clock);
  p = await makeAuthPool(server.client, { AutoVerifiedAttributes: ['email'], Policies: { PasswordPolicy: { MinimumLength: 10, PasswordHistorySize: 2 } } });
});
after(() => server.cleanup());

let n = 0;
async function newUser(): Promise<string> {
  const name = `cp${++n}`;
  await confirmedUser(server.client, p.poolId, name, { email: `${name}@example.com`, email_verified: 'true' });
  return name;
}

function change(token: string, previous: string | undefined, proposed: string) {
  return server.client.send(new ChangePasswordCommand({ AccessToken: token, PreviousPassword: previous, ProposedPassword: proposed }));
}

function getUser(token: string) {
  return server.client.send(new GetUserCommand({ AccessToken: token }));
}

function refresh(token: string) {
  return server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token } }));
}

async function srpSignIn(name: string, password: string): Promise<string> {
  const srp = srpClient(p.poolId);
  const out = await server.client.send(new InitiateAuthCommand({ ClientId: p.srpOnly, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: name, SRP_A: srp.srpA } }));
  const done = await server.client.send(
    new RespondToAuthChallengeCommand({ ClientId: p.srpOnly, ChallengeName: 'PASSWORD_VERIFIER', Session: out.Session, ChallengeResponses: srp.answer(out.ChallengeParameters!, password) }),
  );
  return done.AuthenticationResult!.AccessToken!;
}

describe('ChangePassword', () => {
  test('the new password works for both password flows and SRP; the old one no longer', async () => {
    const name = await newUser();
    const r = await signIn(server.client, p.legacy, name);
    assert.deepEqual(Object.keys(await change(r.AccessToken!, PASSWORD, NEW_PASSWORD)).filter((k) => k !== '$metadata'), []);
    await signIn(server.client, p.legacy, name, NEW_PASSWORD);
    await srpSignIn(name, NEW_PASSWORD);
    await rejectsWith(signIn(server.client, p.legacy, name, PASSWORD), NotAuthorizedException, 'Incorrect username or password.');
  });

  test("the caller's session carries on; every other session opened with the old password ends", async () => {
    const name = await newUser();
    const other = await signIn(server.client, p.enabled, name);
    const mine = await signIn(server.client, p.legacy, name);
    clock.advance(1000);
    await change(mine.AccessToken!, PASSWORD, NEW_PASSWORD);
    assert.equal((await getUser(mine.AccessToken!)).Username, name);
    await refresh(mine.RefreshToken!);
    await rejectsWith(getUser(other.AccessToken!), NotAuthorizedException, REVOKED);
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: p.enabled, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: other.RefreshToken! } })),
      NotAuthorizedException,
      'Refresh Token has been revoked',
    );
    // The carried-over session still ends with a later sign-out.
    await server.client.send(new GlobalSignOutCommand({ AccessToken: mine.AccessToken! }));
    await rejectsWith(getUser(mine.AccessToken!), NotAuthorizedException, REVOKED);
  });

  test('with revokeTokensOnReset=false every session is kept, as in Cognito', async () => {
    const cognitoLike = await startAuthServer({ reset: { ...defaultConfig().reset, revokeTokensOnReset: false } });
    try {
      const q = await makeAuthPool(cognitoLike.client);
      await confirmedUser(cognitoLike.client, q.poolId, 'kept');
      const other = await signIn(cognitoLike.client, q.enabled, 'kept');
      const mine = await signIn(cognitoLike.client, q.legacy, 'kept');
      await cognitoLike.client.send(new ChangePasswordCommand({ AccessToken: mine.AccessToken!, PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD }));
      await cognitoLike.client.send(new GetUserCommand({ AccessToken: other.AccessToken! }));
      await cognitoLike.client.send(new GetUserCommand({ AccessToken: mine.AccessToken! }));
    } finally {
      await cognitoLike.cleanup();
    }
  });

  test('refusals: a wrong previous password, the pool policy, the history, a missing previous password', async () => {
    const name = await newUser();
    const token = (await signIn(server.client, p.legacy, name)).AccessToken!;
    await rejectsWith(change(token, 'Wrong-Password9', NEW_PASSWORD), NotAuthorizedException, 'Incorrect username or password.');
    await rejectsWith(change(token, PASSWORD, 'Short1!'), InvalidPasswordException, 'Password does not conform to policy: Password not long enough');
    await rejectsWith(
      change(token, PASSWORD, PASSWORD),
      PasswordHistoryPolicyViolationException,
      'The password has been used previously. Choose a different password.',
    );
    await rejectsWith(
      change(token, undefined, NEW_PASSWORD),
      InvalidParameterException,
      "1 validation error detected: Value null at 'previousPassword' failed to satisfy constraint: Member must not be null",
    );
    // None of it changed the password.
    await signIn(server.client, p.legacy, name, PASSWORD);
    // History remembers the replaced password: changing back is refused. (The clock moves so
    // the replaced password is the newest entry of the history, as it is in real time.)
    clock.advance(1000);
    await change(token, PASSWORD, NEW_PASSWORD);
    await rejectsWith(change(token, NEW_PASSWORD, PASSWORD), PasswordHistoryPolicyViolationException, 'The password has been used previously. Choose a different password.');
  });

  test('five wrong previous passwords in an hour: then LimitExceededException, even for the right one', async () => {
    const name = await newUser();
    const token = (await signIn(server.client, p.legacy, name)).AccessToken!;
    for (let i = 0; i < 5; i++) await rejectsWith(change(token, `Wrong-Password${i}`, NEW_PASSWORD), NotAuthorizedException, 'Incorrect username or password.');
    await rejectsWith(change(token, PASSWORD, NEW_PASSWORD), LimitExceededException, 'Attempt limit exceeded, please try after some time.');
    clock.advance(3_600_000 + 60_000);
    const fresh = (await signIn(server.client, p.legacy, name)).AccessToken!;
    await change(fresh, PASSWORD, NEW_PASSWORD);
  });

  test('racing wrong guesses: no more than five are ever checked', async () => {
    const name = await newUser();
    const token = (await signIn(server.client, p.legacy, name)).AccessToken!;
    const before = server.app.services.passwords.kdfCalls;
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, i) => change(token, `Wrong-Password${i}`, NEW_PASSWORD)));
    assert.ok(server.app.services.passwords.kdfCalls - before <= 5, `${server.app.services.passwords.kdfCalls - before} guesses were checked`);
    const wrong = results.filter((r) => r.status === 'rejected' && r.reason instanceof NotAuthorizedException).length;
    const limited = results.filter((r) => r.status === 'rejected' && r.reason instanceof LimitExceededException).length;
    assert.equal(wrong + limited, 12);
    assert.ok(wrong <= 5);
  });

  test('a reset code sent before the change dies; the change and the failures are audit events', async () => {
    const name = await newUser();
    await server.client.send(new ForgotPasswordCommand({ ClientId: p.legacy, Username: name }));
    const user = await server.app.services.store.users.findUserByUsername(p.poolId, name);
    assert.ok(await server.app.services.store.codes.latestCode(user!.sub, 'reset'));
    const token = (await signIn(server.client, p.legacy, name)).AccessToken!;
    await rejectsWith(change(token, 'Wrong-Password1', NEW_PASSWORD), NotAuthorizedException, 'Incorrect username or password.');
    // The clock moves so the events have distinct times (they are listed newest first).
    clock.advance(1000);
    await change(token, PASSWORD, NEW_PASSWORD);
    assert.equal(await server.app.services.store.codes.latestCode(user!.sub, 'reset'), undefined);
    const events = await server.client.send(new AdminListUserAuthEventsCommand({ UserPoolId: p.poolId, Username: name }));
    const changes = (events.AuthEvents ?? []).filter((e) => e.EventType === 'PasswordChange').map((e) => e.EventResponse);
    assert.deepEqual(changes, ['Pass', 'Fail']);
  });
});

describe('DeleteUser', () => {
  test('deletes the account; its tokens read as revoked and its name is free', async () => {
    const name = await newUser();
    const r = await signIn(server.client, p.legacy, name);
    await server.client.send(new DeleteUserCommand({ AccessToken: r.AccessToken! }));
    await rejectsWith(getUser(r.AccessToken!), NotAuthorizedException, REVOKED);
    await rejectsWith(server.client.send(new DeleteUserCommand({ AccessToken: r.AccessToken! })), NotAuthorizedException, REVOKED);
    await rejectsWith(refresh(r.RefreshToken!), NotAuthorizedException, 'Invalid Refresh Token.');
    await rejectsWith(server.client.send(new AdminGetUserCommand({ UserPoolId: p.poolId, Username: name })), UserNotFoundException, 'User does not exist.');
    await confirmedUser(server.client, p.poolId, name);
  });
});

describe('every self-service operation', () => {
  const calls: Record<string, (token: string) => Promise<unknown>> = {
    UpdateUserAttributes: (t) => server.client.send(new UpdateUserAttributesCommand({ AccessToken: t, UserAttributes: [{ Name: 'given_name', Value: 'X' }] })),
    GetUserAttributeVerificationCode: (t) => server.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: t, AttributeName: 'email' })),
    VerifyUserAttribute: (t) => server.client.send(new VerifyUserAttributeCommand({ AccessToken: t, AttributeName: 'email', Code: '123456' })),
    ChangePassword: (t) => change(t, PASSWORD, NEW_PASSWORD),
    DeleteUser: (t) => server.client.send(new DeleteUserCommand({ AccessToken: t })),
  };

  test('refuses a signed-out session, a malformed token and an id token', async () => {
    const name = await newUser();
    const r = await signIn(server.client, p.legacy, name);
    await server.client.send(new GlobalSignOutCommand({ AccessToken: r.AccessToken! }));
    for (const [op, call] of Object.entries(calls)) {
      await rejectsWith(call(r.AccessToken!), NotAuthorizedException, REVOKED).catch((err: Error) => assert.fail(`${op}: ${err.message}`));
      await rejectsWith(call('x.y.z'), NotAuthorizedException, 'Invalid Access Token').catch((err: Error) => assert.fail(`${op}: ${err.message}`));
      await rejectsWith(call(r.IdToken!), NotAuthorizedException, 'Invalid Access Token').catch((err: Error) => assert.fail(`${op}: ${err.message}`));
    }
    // Nothing was changed or deleted.
    const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: p.poolId, Username: name }));
    assert.equal(user.UserAttributes?.find((a) => a.Name === 'given_name'), undefined);
    await signIn(server.client, p.legacy, name, PASSWORD);
  });

  test('refuses a user an admin sent to RESET_REQUIRED (its session is still alive)', async () => {
    const name = await newUser();
    const r = await signIn(server.client, p.legacy, name);
    await server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: p.poolId, Username: name }));
    for (const [op, call] of Object.entries(calls)) {
      await rejectsWith(call(r.AccessToken!), PasswordResetRequiredException, 'Password reset required for the user').catch((err: Error) =>
        assert.fail(`${op}: ${err.message}`),
      );
    }
    const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: p.poolId, Username: name }));
    assert.equal(user.UserStatus, 'RESET_REQUIRED');
  });
});
