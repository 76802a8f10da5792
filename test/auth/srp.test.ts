// amazon-cognito-identity-js, unchanged and running in Node, signs in against the real server
// with its default flow (USER_SRP_AUTH, then PASSWORD_VERIFIER): users made by the admin API,
// a wrong password, sign-in by email alias and in an email-as-username pool, an unknown user,
// a password changed through ForgotPassword / ConfirmForgotPassword, and a seeded user.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from 'amazon-cognito-identity-js';
import { ConfirmForgotPasswordCommand, CreateUserPoolClientCommand, ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2, createPool } from '../helpers/users.js';
import { lastCode, makeUser } from '../reset/helpers.js';
import { PROJECT_ROOT } from '../helpers/cli.js';

const PASSWORD = 'Srp-Passw0rd!';
let server: TestServer;

before(async () => {
  // dev: the reset test reads its code from the development mailbox.
  server = await startTestServer({ dev: true }, { argon2: FAST_ARGON2 });
});
after(() => server.cleanup());

/** What the library's callbacks reported. */
type Outcome = { ok: true; session: CognitoUserSession; username: string } | { ok: false; code: string; message: string; name: string };

/** The library's authenticateUser, as an app calls it (its default flow is USER_SRP_AUTH). */
function signIn(poolId: string, clientId: string, login: string, password: string, url = server.url): Promise<Outcome> {
  const userPool = new CognitoUserPool({ UserPoolId: poolId, ClientId: clientId, endpoint: url });
  const user = new CognitoUser({ Username: login, Pool: userPool });
  assert.equal(user.getAuthenticationFlowType(), 'USER_SRP_AUTH');
  return new Promise((resolve) => {
    user.authenticateUser(new AuthenticationDetails({ Username: login, Password: password }), {
      onSuccess: (session) => resolve({ ok: true, session, username: user.getUsername() }),
      onFailure: (err: { code: string; message: string; name: string }) => resolve({ ok: false, code: err.code, message: err.message, name: err.name }),
      newPasswordRequired: () => resolve({ ok: false, code: 'newPasswordRequired', message: '', name: '' }),
    });
  });
}

function assertSignedIn(outcome: Outcome, username: string): CognitoUserSession {
  assert.ok(outcome.ok, outcome.ok ? '' : `sign-in failed: ${outcome.code}: ${outcome.message}`);
  assert.equal(outcome.username, username);
  const session = outcome.session;
  assert.equal(session.isValid(), true);
  assert.equal(session.getIdToken().payload['cognito:username'], username);
  assert.equal(session.getAccessToken().payload.username, username);
  assert.equal(session.getAccessToken().payload.token_use, 'access');
  assert.ok(session.getRefreshToken().getToken().length > 0);
  return session;
}

function assertIncorrect(outcome: Outcome): void {
  assert.equal(outcome.ok, false, 'the sign-in should have failed');
  if (outcome.ok) return;
  assert.equal(outcome.code, 'NotAuthorizedException');
  assert.equal(outcome.message, 'Incorrect username or password.');
}

async function newClient(poolId: string, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const out = await server.client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: name, ...extra }));
  return out.UserPoolClient!.ClientId!;
}

describe('SRP sign-in with amazon-cognito-identity-js, username pool with an email alias', () => {
  let poolId: string;
  let clientId: string;

  before(async () => {
    poolId = await createPool(server.client, { AliasAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
    clientId = await newClient(poolId, 'web', { PreventUserExistenceErrors: 'ENABLED' });
    // AdminCreateUser, then AdminSetUserPassword Permanent.
    await makeUser(server.client, poolId, 'alice', 'alice@example.com', PASSWORD);
  });

  test('a user made by the admin API signs in and gets tokens', async () => {
    const session = assertSignedIn(await signIn(poolId, clientId, 'alice', PASSWORD), 'alice');
    assert.equal(session.getIdToken().payload.email, 'alice@example.com');
    assert.equal(session.getAccessToken().payload.client_id, clientId);
  });

  test('a wrong password is NotAuthorizedException `Incorrect username or password.`', async () => {
    assertIncorrect(await signIn(poolId, clientId, 'alice', 'Wrong-Passw0rd!'));
  });

  test('signing in with the email alias: the library continues as USER_ID_FOR_SRP, the username', async () => {
    assertSignedIn(await signIn(poolId, clientId, 'alice@example.com', PASSWORD), 'alice');
  });

  test('an unknown user (PreventUserExistenceErrors ENABLED) fails like a wrong password', async () => {
    assertIncorrect(await signIn(poolId, clientId, 'nobody', PASSWORD));
  });

  test('after ForgotPassword and ConfirmForgotPassword the new password signs in, the old one does not', async () => {
    await makeUser(server.client, poolId, 'erin', 'erin@example.com', PASSWORD);
    assertSignedIn(await signIn(poolId, clientId, 'erin', PASSWORD), 'erin');
    await server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'erin' }));
    const code = await lastCode(server, 'erin@example.com');
    const newPassword = 'Reset-Passw0rd!2';
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'erin', ConfirmationCode: code, Password: newPassword }));
    assertSignedIn(await signIn(poolId, clientId, 'erin', newPassword), 'erin');
    assertSignedIn(await signIn(poolId, clientId, 'erin@example.com', newPassword), 'erin');
    assertIncorrect(await signIn(poolId, clientId, 'erin', PASSWORD));
  });
});

describe('SRP sign-in with amazon-cognito-identity-js, email-as-username pool', () => {
  test('the email signs in; the library continues as the generated username', async () => {
    const poolId = await createPool(server.client, { UsernameAttributes: ['email'] });
    const clientId = await newClient(poolId, 'web');
    await makeUser(server.client, poolId, 'frank@example.com', 'frank@example.com', PASSWORD);
    const outcome = await signIn(poolId, clientId, 'frank@example.com', PASSWORD);
    assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.code}: ${outcome.message}`);
    assert.match(outcome.username, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const session = assertSignedIn(outcome, outcome.username);
    assert.equal(session.getIdToken().payload.email, 'frank@example.com');
    assertIncorrect(await signIn(poolId, clientId, 'frank@example.com', 'Wrong-Passw0rd!'));
  });
});

describe('SRP sign-in with amazon-cognito-identity-js, seeded user', () => {
  test('the example seed file\'s user signs in with its declared password', async () => {
    const file = join(PROJECT_ROOT, 'examples', 'seed.json');
    const pool = JSON.parse(readFileSync(file, 'utf8')).Pools[0];
    const seeded = await startTestServer({ seedFile: file }, { argon2: FAST_ARGON2 });
    try {
      const alice = pool.Users[0];
      const outcome = await signIn(pool.Id, pool.Clients[0].ClientId, alice.Username, alice.Password, seeded.url);
      assert.ok(outcome.ok, outcome.ok ? '' : `${outcome.code}: ${outcome.message}`);
      assert.equal(assertSignedIn(outcome, outcome.username).getIdToken().payload.email, alice.Username);
    } finally {
      await seeded.cleanup();
    }
  });
});
