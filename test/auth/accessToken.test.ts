// The access-token check of the token-authorised operations, through GetUser, and the
// operations that revoke: GlobalSignOut, AdminUserGlobalSignOut, RevokeToken.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminUserGlobalSignOutCommand,
  DeleteUserPoolClientCommand,
  DeleteUserPoolCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  RevokeTokenCommand,
  UnauthorizedException,
  UnsupportedOperationException,
  UnsupportedTokenTypeException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { attrs, rejectsWith } from '../helpers/users.js';
import { claimsOf, confirmedUser, makeAuthPool, makeClient, PASSWORD, signIn, startAuthServer, TestClock, type AuthPool } from './fixture.js';

const REVOKED = 'Access Token has been revoked';
const INVALID = 'Invalid Access Token';

let server: TestServer;
let p: AuthPool;
const clock = new TestClock();

before(async () => {
  server = await startAuthServer({}, clock);
  p = await makeAuthPool(server.client, { Schema: [{ Name: 'secret', AttributeDataType: 'String', DeveloperOnlyAttribute: true }] });
});
after(() => server.cleanup());

function getUser(token: string): Promise<unknown> {
  return server.client.send(new GetUserCommand({ AccessToken: token }));
}

function refresh(token: string): Promise<unknown> {
  return server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token } }));
}

describe('GetUser', () => {
  test('returns the token holder: username and attributes, never developer-only ones', async () => {
    await confirmedUser(server.client, p.poolId, 'gus', { email: 'gus@example.com', email_verified: 'true', 'dev:custom:secret': 'hidden' });
    const r = await signIn(server.client, p.legacy, 'gus');
    const out = await server.client.send(new GetUserCommand({ AccessToken: r.AccessToken! }));
    assert.equal(out.Username, 'gus');
    const a = attrs(out.UserAttributes);
    assert.deepEqual(Object.keys(a).sort(), ['email', 'email_verified', 'sub']);
    assert.equal(a.sub, claimsOf(r.AccessToken!).sub);
    assert.equal(out.UserAttributes![0]!.Name, 'sub');
  });

  test('refuses anything but a live access token of ours', async () => {
    const r = await signIn(server.client, p.legacy, 'gus');
    await rejectsWith(getUser('not-a-token'), NotAuthorizedException, INVALID);
    await rejectsWith(getUser(r.IdToken!), NotAuthorizedException, INVALID);
    const [h, body, s] = r.AccessToken!.split('.');
    const flipped = s!.slice(0, -2) + (s!.endsWith('AA') ? 'BB' : 'AA');
    await rejectsWith(getUser(`${h}.${body}.${flipped}`), NotAuthorizedException, INVALID);
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(r.AccessToken!), sub: '00000000-0000-4000-8000-000000000000' })).toString('base64url');
    await rejectsWith(getUser(`${h}.${forged}.${s}`), NotAuthorizedException, INVALID);
    // alg none, with the same claims.
    const none = Buffer.from(JSON.stringify({ alg: 'none', kid: 'x' })).toString('base64url');
    await rejectsWith(getUser(`${none}.${body}.`), NotAuthorizedException, INVALID);
  });

  test('an access token past its expiry: "Access Token has expired"', async () => {
    const r = await signIn(server.client, p.legacy, 'gus');
    clock.advance(3600_000 + 1000);
    await rejectsWith(getUser(r.AccessToken!), NotAuthorizedException, 'Access Token has expired');
  });

  test('a disabled user\'s tokens are revoked, and stay revoked after enabling', async () => {
    await confirmedUser(server.client, p.poolId, 'dina');
    const r = await signIn(server.client, p.legacy, 'dina');
    clock.advance(1000);
    await server.client.send(new AdminDisableUserCommand({ UserPoolId: p.poolId, Username: 'dina' }));
    await rejectsWith(getUser(r.AccessToken!), NotAuthorizedException, REVOKED);
    await server.client.send(new AdminEnableUserCommand({ UserPoolId: p.poolId, Username: 'dina' }));
    await rejectsWith(getUser(r.AccessToken!), NotAuthorizedException, REVOKED);
    const fresh = await signIn(server.client, p.legacy, 'dina');
    assert.equal(((await server.client.send(new GetUserCommand({ AccessToken: fresh.AccessToken! }))) as { Username?: string }).Username, 'dina');
  });

  test('a deleted user\'s tokens are revoked', async () => {
    await confirmedUser(server.client, p.poolId, 'del');
    const r = await signIn(server.client, p.legacy, 'del');
    await server.client.send(new AdminDeleteUserCommand({ UserPoolId: p.poolId, Username: 'del' }));
    await rejectsWith(getUser(r.AccessToken!), NotAuthorizedException, REVOKED);
  });
});

describe('deleting the client or the pool', () => {
  test('takes their tokens along', async () => {
    const other = await makeAuthPool(server.client);
    await confirmedUser(server.client, other.poolId, 'leo');
    const viaLegacy = await signIn(server.client, other.legacy, 'leo');
    const viaEnabled = await signIn(server.client, other.enabled, 'leo');
    await server.client.send(new DeleteUserPoolClientCommand({ UserPoolId: other.poolId, ClientId: other.legacy }));
    await rejectsWith(getUser(viaLegacy.AccessToken!), NotAuthorizedException, REVOKED);
    await getUser(viaEnabled.AccessToken!);
    await server.client.send(new DeleteUserPoolCommand({ UserPoolId: other.poolId }));
    await rejectsWith(getUser(viaEnabled.AccessToken!), NotAuthorizedException, INVALID);
    const left = await server.app.services.store.db.selectFrom('signing_keys').select('kid').where('pool_id', '=', other.poolId).execute();
    assert.deepEqual(left, []);
  });
});

describe('GlobalSignOut and AdminUserGlobalSignOut', () => {
  test('GlobalSignOut ends every session of the user, this one included', async () => {
    await confirmedUser(server.client, p.poolId, 'hal');
    const one = await signIn(server.client, p.legacy, 'hal');
    const two = await signIn(server.client, p.enabled, 'hal');
    await confirmedUser(server.client, p.poolId, 'ivy');
    const other = await signIn(server.client, p.legacy, 'ivy');

    await server.client.send(new GlobalSignOutCommand({ AccessToken: one.AccessToken! }));
    await rejectsWith(getUser(one.AccessToken!), NotAuthorizedException, REVOKED);
    await rejectsWith(getUser(two.AccessToken!), NotAuthorizedException, REVOKED);
    await rejectsWith(refresh(one.RefreshToken!), NotAuthorizedException, 'Refresh Token has been revoked');
    await rejectsWith(server.client.send(new GlobalSignOutCommand({ AccessToken: one.AccessToken! })), NotAuthorizedException, REVOKED);
    // Another user is untouched; the user can sign in again at once.
    await getUser(other.AccessToken!);
    const again = await signIn(server.client, p.legacy, 'hal');
    await getUser(again.AccessToken!);
  });

  test('AdminUserGlobalSignOut does the same on an admin\'s authority', async () => {
    await confirmedUser(server.client, p.poolId, 'jo');
    const r = await signIn(server.client, p.legacy, 'jo');
    await server.client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: p.poolId, Username: 'jo' }));
    await rejectsWith(getUser(r.AccessToken!), NotAuthorizedException, REVOKED);
    await rejectsWith(refresh(r.RefreshToken!), NotAuthorizedException, 'Refresh Token has been revoked');
    await rejectsWith(
      server.client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: p.poolId, Username: 'nobody' })),
      UserNotFoundException,
      'User does not exist.',
    );
  });
});

describe('RevokeToken', () => {
  test('revokes the refresh token and every token minted from it, and only those', async () => {
    await confirmedUser(server.client, p.poolId, 'kim');
    const one = await signIn(server.client, p.legacy, 'kim');
    const two = await signIn(server.client, p.legacy, 'kim');
    const refreshed = (await refresh(one.RefreshToken!)) as { AuthenticationResult: { AccessToken: string } };
    await server.client.send(new RevokeTokenCommand({ ClientId: p.legacy, Token: one.RefreshToken! }));
    await rejectsWith(refresh(one.RefreshToken!), NotAuthorizedException, 'Refresh Token has been revoked');
    await rejectsWith(getUser(one.AccessToken!), NotAuthorizedException, REVOKED);
    await rejectsWith(getUser(refreshed.AuthenticationResult.AccessToken), NotAuthorizedException, REVOKED);
    // The other sign-in lives on.
    await getUser(two.AccessToken!);
    await refresh(two.RefreshToken!);
    // Revoking again, or an unknown token, is a quiet success (RFC 7009).
    await server.client.send(new RevokeTokenCommand({ ClientId: p.legacy, Token: one.RefreshToken! }));
    await server.client.send(new RevokeTokenCommand({ ClientId: p.legacy, Token: 'x'.repeat(64) }));
  });

  test('a token of another client is left alone', async () => {
    const r = await signIn(server.client, p.legacy, 'kim');
    await server.client.send(new RevokeTokenCommand({ ClientId: p.enabled, Token: r.RefreshToken! }));
    await refresh(r.RefreshToken!);
  });

  test('refusals: an access token, a missing or wrong client secret, revocation turned off', async () => {
    const r = await signIn(server.client, p.legacy, 'kim');
    await rejectsWith(server.client.send(new RevokeTokenCommand({ ClientId: p.legacy, Token: r.AccessToken! })), UnsupportedTokenTypeException, 'Only refresh tokens can be revoked.');
    const s = await signIn(server.client, p.secretClient, 'kim', PASSWORD, p.secret);
    await rejectsWith(server.client.send(new RevokeTokenCommand({ ClientId: p.secretClient, Token: s.RefreshToken! })), UnauthorizedException, 'Invalid client credentials.');
    await rejectsWith(
      server.client.send(new RevokeTokenCommand({ ClientId: p.secretClient, Token: s.RefreshToken!, ClientSecret: 'wrong'.repeat(6) })),
      UnauthorizedException,
      'Invalid client credentials.',
    );
    await server.client.send(new RevokeTokenCommand({ ClientId: p.secretClient, Token: s.RefreshToken!, ClientSecret: p.secret }));
    await rejectsWith(getUser(s.AccessToken!), NotAuthorizedException, REVOKED);
    const noRevocation = await makeClient(server.client, p.poolId, { EnableTokenRevocation: false });
    const t = await signIn(server.client, noRevocation, 'kim');
    await rejectsWith(
      server.client.send(new RevokeTokenCommand({ ClientId: noRevocation, Token: t.RefreshToken! })),
      UnsupportedOperationException,
      'Token revocation is not enabled for this app client.',
    );
  });
});
