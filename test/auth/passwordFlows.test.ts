// USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH through the real SDK:
// tokens for the right password, and every refusal with Cognito's exception and message.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminInitiateAuthCommand,
  AdminResetUserPasswordCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  NotAuthorizedException,
  PasswordResetRequiredException,
  ResourceNotFoundException,
  SignUpCommand,
  UserNotConfirmedException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/users.js';
import { computeSecretHash } from '../../src/operations/shared/secretHash.js';
import { claimsOf, confirmedUser, makeAuthPool, makeClient, PASSWORD, signIn, startAuthServer, TestClock, type AuthPool } from './fixture.js';

let server: TestServer;
let p: AuthPool;
const clock = new TestClock();

before(async () => {
  server = await startAuthServer({}, clock);
  p = await makeAuthPool(server.client);
  await confirmedUser(server.client, p.poolId, 'alice', { email: 'alice@example.com', email_verified: 'true' });
});
after(() => server.cleanup());

function passwordAuth(clientId: string, username: string, password: string, extra: Record<string, string> = {}): InitiateAuthCommand {
  return new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password, ...extra } });
}

describe('USER_PASSWORD_AUTH', () => {
  test('the right password gets id, access and refresh tokens', async () => {
    const out = await server.client.send(passwordAuth(p.legacy, 'alice', PASSWORD));
    assert.equal(out.ChallengeName, undefined);
    assert.deepEqual(out.ChallengeParameters, {});
    const r = out.AuthenticationResult!;
    assert.equal(r.TokenType, 'Bearer');
    assert.equal(r.ExpiresIn, 3600);
    assert.match(r.RefreshToken!, /^[A-Za-z0-9_-]{40,}$/);
    assert.equal(claimsOf(r.AccessToken!).username, 'alice');
    assert.equal(claimsOf(r.IdToken!)['cognito:username'], 'alice');
  });

  test('a wrong password is NotAuthorizedException "Incorrect username or password."', async () => {
    await rejectsWith(server.client.send(passwordAuth(p.legacy, 'alice', 'Wrong-Pass1')), NotAuthorizedException, 'Incorrect username or password.');
  });

  test('an unknown user: UserNotFoundException under LEGACY, the wrong-password answer under ENABLED', async () => {
    await rejectsWith(server.client.send(passwordAuth(p.legacy, 'nobody', PASSWORD)), UserNotFoundException, 'User does not exist.');
    const kdf = server.app.services.passwords.kdfCalls;
    await rejectsWith(server.client.send(passwordAuth(p.enabled, 'nobody', PASSWORD)), NotAuthorizedException, 'Incorrect username or password.');
    // The same work as a real user's wrong password: one hash verification.
    assert.equal(server.app.services.passwords.kdfCalls - kdf, 1);
  });

  test('an unconfirmed user learns it only with the right password', async () => {
    await server.client.send(new SignUpCommand({ ClientId: p.legacy, Username: 'uma', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: 'uma@example.com' }] }));
    await rejectsWith(server.client.send(passwordAuth(p.legacy, 'uma', 'Wrong-Pass1')), NotAuthorizedException, 'Incorrect username or password.');
    await rejectsWith(server.client.send(passwordAuth(p.legacy, 'uma', PASSWORD)), UserNotConfirmedException, 'User is not confirmed.');
  });

  test('a disabled user is told so only with the right password', async () => {
    await confirmedUser(server.client, p.poolId, 'dora');
    await server.client.send(new AdminDisableUserCommand({ UserPoolId: p.poolId, Username: 'dora' }));
    await rejectsWith(server.client.send(passwordAuth(p.legacy, 'dora', 'Wrong-Pass1')), NotAuthorizedException, 'Incorrect username or password.');
    await rejectsWith(server.client.send(passwordAuth(p.legacy, 'dora', PASSWORD)), NotAuthorizedException, 'User is disabled.');
  });

  test('RESET_REQUIRED after AdminResetUserPassword: PasswordResetRequiredException', async () => {
    await confirmedUser(server.client, p.poolId, 'rita', { email: 'rita@example.com', email_verified: 'true' });
    await server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: p.poolId, Username: 'rita' }));
    await rejectsWith(server.client.send(passwordAuth(p.legacy, 'rita', PASSWORD)), PasswordResetRequiredException, 'Password reset required for the user');
  });

  test('alias and sub sign in as the user', async () => {
    const pool = await makeAuthPool(server.client, { AliasAttributes: ['email'] });
    await confirmedUser(server.client, pool.poolId, 'bob', { email: 'bob@example.com', email_verified: 'true' });
    const byAlias = await signIn(server.client, pool.legacy, 'bob@example.com');
    const sub = claimsOf(byAlias.IdToken!).sub as string;
    assert.equal(claimsOf(byAlias.AccessToken!).username, 'bob');
    const bySub = await signIn(server.client, pool.legacy, sub);
    assert.equal(claimsOf(bySub.IdToken!).sub, sub);
  });

  test('missing parameters are InvalidParameterException naming them', async () => {
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice' } })),
      InvalidParameterException,
      'Missing required parameter PASSWORD',
    );
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { PASSWORD: PASSWORD } })),
      InvalidParameterException,
      'Missing required parameter USERNAME',
    );
  });

  test('an unknown client is ResourceNotFoundException', async () => {
    await rejectsWith(server.client.send(passwordAuth('nosuchclient0000000000000', 'alice', PASSWORD)), ResourceNotFoundException, 'User pool client nosuchclient0000000000000 does not exist.');
  });
});

describe('ExplicitAuthFlows', () => {
  test('a client without ALLOW_USER_PASSWORD_AUTH refuses the flow, whatever the password', async () => {
    await rejectsWith(server.client.send(passwordAuth(p.srpOnly, 'alice', PASSWORD)), InvalidParameterException, 'USER_PASSWORD_AUTH flow not enabled for this client');
  });

  test('legacy flow names: USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH enable their flows', async () => {
    const legacyPw = await makeClient(server.client, p.poolId, { ExplicitAuthFlows: ['USER_PASSWORD_AUTH'] });
    await signIn(server.client, legacyPw, 'alice');
    await rejectsWith(
      server.client.send(new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: legacyPw, AuthFlow: 'ADMIN_NO_SRP_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } })),
      InvalidParameterException,
      'ADMIN_NO_SRP_AUTH flow not enabled for this client',
    );
    const legacyAdmin = await makeClient(server.client, p.poolId, { ExplicitAuthFlows: ['ADMIN_NO_SRP_AUTH'] });
    const out = await server.client.send(
      new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: legacyAdmin, AuthFlow: 'ADMIN_NO_SRP_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } }),
    );
    assert.ok(out.AuthenticationResult?.IdToken);
    // ALLOW_ADMIN_USER_PASSWORD_AUTH also covers the legacy name.
    const modern = await server.client.send(
      new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: p.legacy, AuthFlow: 'ADMIN_NO_SRP_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } }),
    );
    assert.ok(modern.AuthenticationResult?.IdToken);
  });

  test('each operation refuses the other one\'s flows', async () => {
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } })),
      InvalidParameterException,
      'Initiate Auth method not supported.',
    );
    await rejectsWith(
      server.client.send(new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: p.legacy, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } })),
      InvalidParameterException,
      'Initiate Auth method not supported.',
    );
  });

  test('CUSTOM_AUTH is enabled by default but has no trigger to run', async () => {
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: p.srpOnly, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'alice' } })),
      InvalidParameterException,
      'Custom auth lambda trigger is not configured for the user pool.',
    );
  });
});

describe('ADMIN_USER_PASSWORD_AUTH', () => {
  test('signs in with the same checks as the user flow', async () => {
    const out = await server.client.send(
      new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: p.legacy, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } }),
    );
    assert.equal(claimsOf(out.AuthenticationResult!.AccessToken!).client_id, p.legacy);
    await rejectsWith(
      server.client.send(
        new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: p.legacy, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD: 'Wrong-Pass1' } }),
      ),
      NotAuthorizedException,
      'Incorrect username or password.',
    );
  });

  test('a client of another pool is ResourceNotFoundException', async () => {
    const other = await makeAuthPool(server.client);
    await rejectsWith(
      server.client.send(new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: other.legacy, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'alice', PASSWORD } })),
      ResourceNotFoundException,
      `User pool client ${other.legacy} does not exist.`,
    );
  });
});

describe('SECRET_HASH', () => {
  test('required and checked for a client with a secret; the canonical username also hashes', async () => {
    await rejectsWith(
      server.client.send(passwordAuth(p.secretClient, 'alice', PASSWORD)),
      NotAuthorizedException,
      `Client ${p.secretClient} is configured with secret but SECRET_HASH was not received`,
    );
    await rejectsWith(
      server.client.send(passwordAuth(p.secretClient, 'alice', PASSWORD, { SECRET_HASH: computeSecretHash(p.secret, 'mallory', p.secretClient) })),
      NotAuthorizedException,
      `Unable to verify secret hash for client ${p.secretClient}`,
    );
    const out = await signIn(server.client, p.secretClient, 'alice', PASSWORD, p.secret);
    // Signing in by sub, a hash over the canonical username is accepted too.
    const sub = claimsOf(out.IdToken!).sub as string;
    const bySub = await server.client.send(passwordAuth(p.secretClient, sub, PASSWORD, { SECRET_HASH: computeSecretHash(p.secret, 'alice', p.secretClient) }));
    assert.equal(claimsOf(bySub.AuthenticationResult!.IdToken!).sub, sub);
  });
});

describe('temporary passwords', () => {
  test('a temporary password past TemporaryPasswordValidityDays is refused', async () => {
    await server.client.send(
      new AdminCreateUserCommand({ UserPoolId: p.poolId, Username: 'tess', TemporaryPassword: 'Temp-Pass-123', MessageAction: 'SUPPRESS' }),
    );
    const first = await server.client.send(passwordAuth(p.legacy, 'tess', 'Temp-Pass-123'));
    assert.equal(first.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    // Eight days on: the default validity is 7 days.
    clock.advance(8 * 86_400_000);
    await rejectsWith(
      server.client.send(passwordAuth(p.legacy, 'tess', 'Temp-Pass-123')),
      NotAuthorizedException,
      'Temporary password has expired and must be reset by an administrator.',
    );
    // A fresh temporary password from the admin starts a new validity period.
    await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: p.poolId, Username: 'tess', Password: 'Temp-Pass-456', Permanent: false }));
    assert.equal((await server.client.send(passwordAuth(p.legacy, 'tess', 'Temp-Pass-456'))).ChallengeName, 'NEW_PASSWORD_REQUIRED');
  });
});
