// REFRESH_TOKEN_AUTH: new id and access tokens from a refresh token of the same client, as
// long as it is live; opaque refresh tokens stored only as hashes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminInitiateAuthCommand,
  AdminSetUserPasswordCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/users.js';
import { computeSecretHash } from '../../src/operations/shared/secretHash.js';
import { claimsOf, confirmedUser, makeAuthPool, PASSWORD, signIn, startAuthServer, TestClock, type AuthPool } from './fixture.js';

let server: TestServer;
let p: AuthPool;
const clock = new TestClock();

before(async () => {
  server = await startAuthServer({}, clock);
  p = await makeAuthPool(server.client);
});
after(() => server.cleanup());

function refresh(clientId: string, token: string, extra: Record<string, string> = {}): Promise<{ AuthenticationResult?: { IdToken?: string; AccessToken?: string; RefreshToken?: string } }> {
  return server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: token, ...extra } }));
}

describe('REFRESH_TOKEN_AUTH', () => {
  test('gives new id and access tokens of the same sign-in, and no new refresh token', async () => {
    await confirmedUser(server.client, p.poolId, 'rae', { email: 'rae@example.com' });
    const first = await signIn(server.client, p.legacy, 'rae');
    clock.advance(60_000);
    const out = await server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: first.RefreshToken! } }));
    assert.deepEqual(out.ChallengeParameters, {});
    const r = out.AuthenticationResult!;
    assert.equal(r.RefreshToken, undefined);
    assert.equal(r.ExpiresIn, 3600);
    const before = claimsOf(first.AccessToken!);
    const access = claimsOf(r.AccessToken!);
    const id = claimsOf(r.IdToken!);
    assert.equal(access.origin_jti, before.origin_jti);
    assert.equal(id.origin_jti, before.origin_jti);
    assert.equal(access.auth_time, before.auth_time, 'auth_time stays the time of the sign-in');
    assert.equal(access.iat, (before.iat as number) + 60);
    assert.notEqual(access.jti, before.jti);
    assert.equal(id.email, 'rae@example.com');
  });

  test('REFRESH_TOKEN (the other name) and AdminInitiateAuth refresh too', async () => {
    const first = await signIn(server.client, p.legacy, 'rae');
    const viaAlias = await server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'REFRESH_TOKEN', AuthParameters: { REFRESH_TOKEN: first.RefreshToken! } }));
    assert.ok(viaAlias.AuthenticationResult?.AccessToken);
    const viaAdmin = await server.client.send(
      new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: p.legacy, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: first.RefreshToken! } }),
    );
    assert.equal(claimsOf(viaAdmin.AuthenticationResult!.AccessToken!).username, 'rae');
  });

  test('a made-up token, or another client\'s, is "Invalid Refresh Token."', async () => {
    const first = await signIn(server.client, p.legacy, 'rae');
    await rejectsWith(refresh(p.legacy, 'x'.repeat(64)), NotAuthorizedException, 'Invalid Refresh Token.');
    await rejectsWith(refresh(p.enabled, first.RefreshToken!), NotAuthorizedException, 'Invalid Refresh Token.');
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: {} })),
      InvalidParameterException,
      'Missing required parameter REFRESH_TOKEN',
    );
  });

  test('a client with a secret needs SECRET_HASH, over the username or the sub', async () => {
    const first = await signIn(server.client, p.secretClient, 'rae', PASSWORD, p.secret);
    const sub = claimsOf(first.IdToken!).sub as string;
    await rejectsWith(refresh(p.secretClient, first.RefreshToken!), NotAuthorizedException, `Client ${p.secretClient} is configured with secret but SECRET_HASH was not received`);
    await rejectsWith(
      refresh(p.secretClient, first.RefreshToken!, { SECRET_HASH: computeSecretHash(p.secret, 'someone', p.secretClient) }),
      NotAuthorizedException,
      `Unable to verify secret hash for client ${p.secretClient}`,
    );
    assert.ok((await refresh(p.secretClient, first.RefreshToken!, { SECRET_HASH: computeSecretHash(p.secret, sub, p.secretClient) })).AuthenticationResult);
    assert.ok((await refresh(p.secretClient, first.RefreshToken!, { SECRET_HASH: computeSecretHash(p.secret, 'rae', p.secretClient) })).AuthenticationResult);
  });

  test('expires after the client\'s refresh token validity (30 days by default)', async () => {
    const first = await signIn(server.client, p.legacy, 'rae');
    clock.advance(29 * 86_400_000);
    assert.ok((await refresh(p.legacy, first.RefreshToken!)).AuthenticationResult);
    clock.advance(86_400_000 + 1000);
    await rejectsWith(refresh(p.legacy, first.RefreshToken!), NotAuthorizedException, 'Refresh Token has expired');
    // Expired tokens are swept away by a later sign-in.
    const family = String(claimsOf(first.AccessToken!).origin_jti);
    const rows = () => server.app.services.store.db.selectFrom('refresh_tokens').select('id').where('id', '=', family).execute();
    assert.equal((await rows()).length, 1);
    await signIn(server.client, p.legacy, 'rae');
    assert.equal((await rows()).length, 0);
    await rejectsWith(refresh(p.legacy, first.RefreshToken!), NotAuthorizedException, 'Invalid Refresh Token.');
  });

  test('disabling the user revokes its refresh tokens, for good', async () => {
    await confirmedUser(server.client, p.poolId, 'dan');
    const first = await signIn(server.client, p.legacy, 'dan');
    clock.advance(1000);
    await server.client.send(new AdminDisableUserCommand({ UserPoolId: p.poolId, Username: 'dan' }));
    await rejectsWith(refresh(p.legacy, first.RefreshToken!), NotAuthorizedException, 'Refresh Token has been revoked');
    await server.client.send(new AdminEnableUserCommand({ UserPoolId: p.poolId, Username: 'dan' }));
    await rejectsWith(refresh(p.legacy, first.RefreshToken!), NotAuthorizedException, 'Refresh Token has been revoked');
    clock.advance(1000);
    const again = await signIn(server.client, p.legacy, 'dan');
    assert.ok((await refresh(p.legacy, again.RefreshToken!)).AuthenticationResult);
  });

  test('an admin password change revokes them; a deleted user\'s are gone', async () => {
    await confirmedUser(server.client, p.poolId, 'eve');
    const first = await signIn(server.client, p.legacy, 'eve');
    clock.advance(1000);
    await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: p.poolId, Username: 'eve', Password: 'Other-Pass-1', Permanent: true }));
    await rejectsWith(refresh(p.legacy, first.RefreshToken!), NotAuthorizedException, 'Refresh Token has been revoked');
    const second = await signIn(server.client, p.legacy, 'eve', 'Other-Pass-1');
    await server.client.send(new AdminDeleteUserCommand({ UserPoolId: p.poolId, Username: 'eve' }));
    await rejectsWith(refresh(p.legacy, second.RefreshToken!), NotAuthorizedException, 'Invalid Refresh Token.');
  });

  test('refresh tokens are stored only as hashes', async () => {
    const r = await signIn(server.client, p.legacy, 'rae');
    const row = await server.app.services.store.db.selectFrom('refresh_tokens').selectAll().where('id', '=', String(claimsOf(r.AccessToken!).origin_jti)).executeTakeFirstOrThrow();
    assert.notEqual(row.token_hash, r.RefreshToken);
    const files = ['userpool.sqlite', 'userpool.sqlite-wal'].map((f) => {
      try {
        return readFileSync(join(server.dataDir, f)).toString('latin1');
      } catch {
        return '';
      }
    });
    assert.ok(files.every((content) => !content.includes(r.RefreshToken!)), 'the refresh token is nowhere in the database files');
  });
});
