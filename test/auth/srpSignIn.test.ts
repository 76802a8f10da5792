// USER_SRP_AUTH through the operations: InitiateAuth answers PASSWORD_VERIFIER with a
// Session, RespondToAuthChallenge finishes with the same checks as the password flow. And
// amazon-cognito-identity-js, unmodified, signs in with SRP (its default), refreshes and
// reads the user.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminInitiateAuthCommand,
  AdminResetUserPasswordCommand,
  AdminRespondToAuthChallengeCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  NotAuthorizedException,
  PasswordResetRequiredException,
  RespondToAuthChallengeCommand,
  SignUpCommand,
  UserNotConfirmedException,
  UserNotFoundException,
  type InitiateAuthResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import { AuthenticationDetails, CognitoUser, CognitoUserPool, type CognitoUserSession } from 'amazon-cognito-identity-js';
import type { TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/users.js';
import { srpClient } from './srpClient.js';
import { claimsOf, confirmedUser, makeAuthPool, makeClient, PASSWORD, startAuthServer, type AuthPool } from './fixture.js';

let server: TestServer;
let p: AuthPool;

before(async () => {
  server = await startAuthServer();
  p = await makeAuthPool(server.client, { AliasAttributes: ['email'] });
  await confirmedUser(server.client, p.poolId, 'sam', { email: 'sam@example.com', email_verified: 'true' });
});
after(() => server.cleanup());

interface Started {
  out: InitiateAuthResponse;
  answer(password: string): Record<string, string>;
}

async function start(clientId: string, login: string): Promise<Started> {
  const srp = srpClient(p.poolId);
  const out = await server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: login, SRP_A: srp.srpA } }));
  assert.equal(out.ChallengeName, 'PASSWORD_VERIFIER');
  return { out, answer: (password) => srp.answer(out.ChallengeParameters!, password) };
}

function respond(clientId: string, session: string | undefined, responses: Record<string, string>): Promise<InitiateAuthResponse> {
  return server.client.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'PASSWORD_VERIFIER', Session: session, ChallengeResponses: responses }));
}

describe('USER_SRP_AUTH', () => {
  test('PASSWORD_VERIFIER with a Session, then tokens for the right password', async () => {
    const s = await start(p.srpOnly, 'sam');
    assert.deepEqual(Object.keys(s.out.ChallengeParameters!).sort(), ['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
    assert.equal(s.out.ChallengeParameters!.USER_ID_FOR_SRP, 'sam');
    assert.match(s.out.Session!, /^[A-Za-z0-9_-]{20,}$/);
    const done = await respond(p.srpOnly, s.out.Session, s.answer(PASSWORD));
    assert.equal(claimsOf(done.AuthenticationResult!.AccessToken!).username, 'sam');
    assert.ok(done.AuthenticationResult!.RefreshToken);
  });

  test('an email alias signs in; the Session may be left out, as some SRP clients do', async () => {
    const s = await start(p.srpOnly, 'sam@example.com');
    assert.equal(s.out.ChallengeParameters!.USER_ID_FOR_SRP, 'sam');
    const done = await respond(p.srpOnly, undefined, s.answer(PASSWORD));
    assert.equal(claimsOf(done.AuthenticationResult!.IdToken!)['cognito:username'], 'sam');
  });

  test('a wrong password is "Incorrect username or password." and counts toward the lock', async () => {
    for (let i = 0; i < 5; i++) {
      const s = await start(p.srpOnly, 'sam');
      await rejectsWith(respond(p.srpOnly, s.out.Session, s.answer('Wrong-Pass1')), NotAuthorizedException, 'Incorrect username or password.');
    }
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: p.srpOnly, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'sam', SRP_A: srpClient(p.poolId).srpA } })),
      NotAuthorizedException,
      'Password attempts exceeded',
    );
  });

  test('a Session is single use and belongs to its client', async () => {
    await confirmedUser(server.client, p.poolId, 'tia');
    const s = await start(p.srpOnly, 'tia');
    await rejectsWith(respond(p.legacy, s.out.Session, s.answer(PASSWORD)), NotAuthorizedException, 'Invalid session for the user.');
    await respond(p.srpOnly, s.out.Session, s.answer(PASSWORD));
    await rejectsWith(respond(p.srpOnly, s.out.Session, s.answer(PASSWORD)), NotAuthorizedException, 'Invalid session for the user, session is expired.');
  });

  test('unknown users: UserNotFoundException under LEGACY; under ENABLED a challenge that never verifies', async () => {
    const srp = srpClient(p.poolId);
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'nobody', SRP_A: srp.srpA } })),
      UserNotFoundException,
      'User does not exist.',
    );
    const s = await start(p.enabled, 'nobody');
    assert.deepEqual(Object.keys(s.out.ChallengeParameters!).sort(), ['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
    await rejectsWith(respond(p.enabled, s.out.Session, s.answer(PASSWORD)), NotAuthorizedException, 'Incorrect username or password.');
  });

  test('status checks: RESET_REQUIRED before the challenge, UNCONFIRMED after the proof', async () => {
    await confirmedUser(server.client, p.poolId, 'ria', { email: 'ria@example.com', email_verified: 'true' });
    await server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: p.poolId, Username: 'ria' }));
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: p.srpOnly, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'ria', SRP_A: srpClient(p.poolId).srpA } })),
      PasswordResetRequiredException,
      'Password reset required for the user',
    );
    await server.client.send(new SignUpCommand({ ClientId: p.srpOnly, Username: 'ugo', Password: PASSWORD }));
    const s = await start(p.srpOnly, 'ugo');
    await rejectsWith(respond(p.srpOnly, s.out.Session, s.answer(PASSWORD)), UserNotConfirmedException, 'User is not confirmed.');
  });

  test('a temporary password leads on to NEW_PASSWORD_REQUIRED', async () => {
    await server.client.send(new AdminCreateUserCommand({ UserPoolId: p.poolId, Username: 'flo', TemporaryPassword: 'Temp-Pass-123', MessageAction: 'SUPPRESS' }));
    const s = await start(p.srpOnly, 'flo');
    const next = await respond(p.srpOnly, s.out.Session, s.answer('Temp-Pass-123'));
    assert.equal(next.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    const done = await server.client.send(
      new RespondToAuthChallengeCommand({ ClientId: p.srpOnly, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: next.Session, ChallengeResponses: { USERNAME: 'flo', NEW_PASSWORD: 'Chosen-Pass-456' } }),
    );
    assert.ok(done.AuthenticationResult?.IdToken);
  });

  test('a client without ALLOW_USER_SRP_AUTH refuses it; AdminInitiateAuth runs it too', async () => {
    const noSrp = await makeClient(server.client, p.poolId, { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] });
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: noSrp, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'tia', SRP_A: srpClient(p.poolId).srpA } })),
      InvalidParameterException,
      'USER_SRP_AUTH flow not enabled for this client',
    );
    const srp = srpClient(p.poolId);
    const out = await server.client.send(
      new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: p.srpOnly, AuthFlow: 'USER_SRP_AUTH', AuthParameters: { USERNAME: 'tia', SRP_A: srp.srpA } }),
    );
    const done = await server.client.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: p.poolId,
        ClientId: p.srpOnly,
        ChallengeName: 'PASSWORD_VERIFIER',
        Session: out.Session,
        ChallengeResponses: srp.answer(out.ChallengeParameters!, PASSWORD),
      }),
    );
    assert.equal(claimsOf(done.AuthenticationResult!.AccessToken!).username, 'tia');
  });
});

describe('amazon-cognito-identity-js', () => {
  test('signs in with SRP, refreshes the session and reads the user', async () => {
    await confirmedUser(server.client, p.poolId, 'lib', { email: 'lib@example.com', email_verified: 'true' });
    const pool = new CognitoUserPool({ UserPoolId: p.poolId, ClientId: p.srpOnly, endpoint: server.url });
    const user = new CognitoUser({ Username: 'lib@example.com', Pool: pool });
    const session = await new Promise<CognitoUserSession>((resolve, reject) => {
      user.authenticateUser(new AuthenticationDetails({ Username: 'lib@example.com', Password: PASSWORD }), {
        onSuccess: resolve,
        onFailure: reject,
      });
    });
    assert.ok(session.isValid());
    assert.equal(session.getIdToken().payload['cognito:username'], 'lib');
    const refreshed = await new Promise<CognitoUserSession>((resolve, reject) => {
      user.refreshSession(session.getRefreshToken(), (err: Error | null, s: CognitoUserSession) => (err ? reject(err) : resolve(s)));
    });
    assert.notEqual(refreshed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
    assert.equal(refreshed.getAccessToken().payload.origin_jti, session.getAccessToken().payload.origin_jti);
    const attributes = await new Promise<Array<{ getName(): string; getValue(): string }>>((resolve, reject) => {
      user.getUserAttributes((err, a) => (err || !a ? reject(err ?? new Error('no attributes')) : resolve(a)));
    });
    assert.equal(attributes.find((a) => a.getName() === 'email')?.getValue(), 'lib@example.com');
  });
});
