// Our tokens are Cognito-shaped: the claims Cognito puts in them, RS256 with a kid from the
// pool's JWKS, and aws-jwt-verify accepts them both ways: JwtRsaVerifier fetching our JWKS
// over HTTP against our issuer, and CognitoJwtVerifier (our JWKS loaded with cacheJwks) with
// the server set to Cognito's issuer form.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { Jwks } from 'aws-jwt-verify/jwk';
import { CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { claimsOf, confirmedUser, headerOf, makeAuthPool, makeClient, signIn, startAuthServer, type AuthPool } from './fixture.js';

const ID_CLAIMS = ['aud', 'auth_time', 'cognito:username', 'custom:tier', 'email', 'email_verified', 'event_id', 'exp', 'iat', 'iss', 'jti', 'name', 'origin_jti', 'phone_number', 'phone_number_verified', 'sub', 'token_use'];
const ACCESS_CLAIMS = ['auth_time', 'client_id', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'scope', 'sub', 'token_use', 'username'];
const USER_ATTRIBUTES = { email: 'ada@example.com', email_verified: 'true', phone_number: '+15555550100', phone_number_verified: 'false', name: 'Ada', 'custom:tier': 'gold' };
const SCHEMA = [{ Name: 'tier', AttributeDataType: 'String' as const, Mutable: true }];

/** A JWKS fetcher over plain HTTP (aws-jwt-verify's default speaks only https), recording what it fetched. */
function httpJwksCache(fetched: string[]): SimpleJwksCache {
  return new SimpleJwksCache({
    fetcher: {
      fetch: async (uri: string) => {
        fetched.push(uri);
        const res = await fetch(uri);
        assert.equal(res.status, 200);
        return res.arrayBuffer();
      },
    },
  });
}

async function jwksOf(server: TestServer, poolId: string): Promise<Jwks> {
  const res = await fetch(`${server.url}/${poolId}/.well-known/jwks.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  return (await res.json()) as Jwks;
}

describe('tokens with the server issuer (<public URL>/<poolId>)', () => {
  let server: TestServer;
  let p: AuthPool;

  before(async () => {
    server = await startAuthServer();
    p = await makeAuthPool(server.client, { Schema: SCHEMA });
    await confirmedUser(server.client, p.poolId, 'ada', USER_ATTRIBUTES);
  });
  after(() => server.cleanup());

  test('the id and access tokens carry exactly Cognito\'s claims', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await signIn(server.client, p.legacy, 'ada');
    const id = claimsOf(r.IdToken!);
    const access = claimsOf(r.AccessToken!);
    assert.deepEqual(Object.keys(id).sort(), ID_CLAIMS);
    assert.deepEqual(Object.keys(access).sort(), ACCESS_CLAIMS);
    const iss = `${server.url}/${p.poolId}`;
    assert.equal(id.iss, iss);
    assert.equal(access.iss, iss);
    assert.equal(id.aud, p.legacy);
    assert.equal(access.client_id, p.legacy);
    assert.equal(id.token_use, 'id');
    assert.equal(access.token_use, 'access');
    assert.equal(access.scope, 'aws.cognito.signin.user.admin');
    assert.equal(id['cognito:username'], 'ada');
    assert.equal(access.username, 'ada');
    assert.equal(id.sub, access.sub);
    assert.match(String(id.sub), /^[0-9a-f-]{36}$/);
    // Verified flags are JSON booleans, custom attributes strings, as in Cognito's tokens.
    assert.equal(id.email_verified, true);
    assert.equal(id.phone_number_verified, false);
    assert.equal(id['custom:tier'], 'gold');
    assert.equal(id.email, 'ada@example.com');
    for (const c of [id, access]) {
      assert.ok((c.iat as number) >= before && (c.iat as number) <= before + 5);
      assert.equal(c.exp, (c.iat as number) + 3600);
      assert.equal(c.auth_time, c.iat);
    }
    assert.equal(id.origin_jti, access.origin_jti);
    assert.equal(id.event_id, access.event_id);
    assert.notEqual(id.jti, access.jti);
    for (const t of [r.IdToken!, r.AccessToken!]) {
      const header = headerOf(t);
      assert.deepEqual(Object.keys(header).sort(), ['alg', 'kid']);
      assert.equal(header.alg, 'RS256');
    }
  });

  test('the JWKS publishes the signing key as Cognito does (RSA, RS256, use sig)', async () => {
    const r = await signIn(server.client, p.legacy, 'ada');
    const jwks = await jwksOf(server, p.poolId);
    assert.equal(jwks.keys.length, 1);
    const key = jwks.keys[0]!;
    assert.deepEqual(Object.keys(key).sort(), ['alg', 'e', 'kid', 'kty', 'n', 'use']);
    assert.equal(key.kid, headerOf(r.IdToken!).kid);
    assert.deepEqual([key.kty, key.alg, key.use, key.e], ['RSA', 'RS256', 'sig', 'AQAB']);
    assert.ok(Buffer.from(String(key.n), 'base64url').length === 256, 'a 2048-bit modulus');
  });

  test('the discovery document names our issuer and JWKS', async () => {
    const res = await fetch(`${server.url}/${p.poolId}/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), {
      id_token_signing_alg_values_supported: ['RS256'],
      issuer: `${server.url}/${p.poolId}`,
      jwks_uri: `${server.url}/${p.poolId}/.well-known/jwks.json`,
      subject_types_supported: ['public'],
    });
    const missing = await fetch(`${server.url}/us-east-1_nopool000/.well-known/jwks.json`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { message: 'User pool us-east-1_nopool000 does not exist.' });
  });

  test('JwtRsaVerifier accepts both tokens against our issuer, fetching our JWKS over HTTP', async () => {
    const r = await signIn(server.client, p.legacy, 'ada');
    const fetched: string[] = [];
    const jwksUri = `${server.url}/${p.poolId}/.well-known/jwks.json`;
    const issuer = `${server.url}/${p.poolId}`;
    const jwksCache = httpJwksCache(fetched);
    const idVerifier = JwtRsaVerifier.create(
      { issuer, audience: p.legacy, jwksUri, customJwtCheck: ({ payload }) => assert.equal(payload.token_use, 'id') },
      { jwksCache },
    );
    // Access tokens have no aud: the client is in client_id, as Cognito has it.
    const accessVerifier = JwtRsaVerifier.create(
      { issuer, audience: null, jwksUri, customJwtCheck: ({ payload }) => assert.equal(payload.client_id, p.legacy) },
      { jwksCache },
    );
    const idPayload = await idVerifier.verify(r.IdToken!);
    assert.equal(idPayload['cognito:username'], 'ada');
    const accessPayload = await accessVerifier.verify(r.AccessToken!);
    assert.equal(accessPayload.username, 'ada');
    assert.deepEqual(fetched, [jwksUri]);

    // The checks bite: another audience, another issuer, a tampered payload.
    await assert.rejects(idVerifier.verify(r.IdToken!, { audience: 'someoneelse' }));
    await assert.rejects(idVerifier.verify(r.AccessToken!), 'an access token has no aud');
    const strange = JwtRsaVerifier.create({ issuer: `${server.url}/us-east-1_other0000`, audience: null, jwksUri }, { jwksCache: httpJwksCache([]) });
    await assert.rejects(strange.verify(r.AccessToken!));
    const [h, , s] = r.AccessToken!.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claimsOf(r.AccessToken!), username: 'admin' })).toString('base64url');
    await assert.rejects(accessVerifier.verify(`${h}.${forged}.${s}`));
  });

  test('token lifetimes follow the app client', async () => {
    const shortLived = await makeClient(server.client, p.poolId, {
      AccessTokenValidity: 5,
      IdTokenValidity: 2,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'hours', RefreshToken: 'days' },
    });
    const r = await signIn(server.client, shortLived, 'ada');
    assert.equal(r.ExpiresIn, 300);
    const access = claimsOf(r.AccessToken!);
    const id = claimsOf(r.IdToken!);
    assert.equal((access.exp as number) - (access.iat as number), 300);
    assert.equal((id.exp as number) - (id.iat as number), 7200);
  });

  test('a client with ReadAttributes gets only those attributes in its id tokens', async () => {
    const out = await server.client.send(
      new CreateUserPoolClientCommand({ UserPoolId: p.poolId, ClientName: 'narrow', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], ReadAttributes: ['email', 'email_verified'] }),
    );
    const id = claimsOf((await signIn(server.client, out.UserPoolClient!.ClientId!, 'ada')).IdToken!);
    assert.deepEqual(
      Object.keys(id).sort(),
      ['aud', 'auth_time', 'cognito:username', 'email', 'email_verified', 'event_id', 'exp', 'iat', 'iss', 'jti', 'origin_jti', 'sub', 'token_use'],
    );
  });
});

describe('tokens with Cognito\'s issuer form', () => {
  let server: TestServer;
  let p: AuthPool;

  before(async () => {
    server = await startAuthServer({ tokenIssuer: 'cognito' });
    p = await makeAuthPool(server.client, { Schema: SCHEMA });
    await confirmedUser(server.client, p.poolId, 'ada', USER_ATTRIBUTES);
  });
  after(() => server.cleanup());

  test('CognitoJwtVerifier accepts our id and access tokens once given our JWKS', async () => {
    const r = await signIn(server.client, p.legacy, 'ada');
    const issuer = `https://cognito-idp.us-east-1.amazonaws.com/${p.poolId}`;
    assert.equal(claimsOf(r.IdToken!).iss, issuer);
    assert.equal(claimsOf(r.AccessToken!).iss, issuer);
    const jwks = await jwksOf(server, p.poolId);

    const idVerifier = CognitoJwtVerifier.create({ userPoolId: p.poolId, tokenUse: 'id', clientId: p.legacy });
    idVerifier.cacheJwks(jwks);
    const idPayload = await idVerifier.verify(r.IdToken!);
    assert.equal(idPayload['cognito:username'], 'ada');
    assert.equal(idPayload.email, 'ada@example.com');

    const accessVerifier = CognitoJwtVerifier.create({ userPoolId: p.poolId, tokenUse: 'access', clientId: p.legacy, scope: 'aws.cognito.signin.user.admin' });
    accessVerifier.cacheJwks(jwks);
    const accessPayload = await accessVerifier.verify(r.AccessToken!);
    assert.equal(accessPayload.username, 'ada');

    // The Cognito-specific checks bite: token use, client id, scope.
    await assert.rejects(idVerifier.verify(r.AccessToken!));
    await assert.rejects(accessVerifier.verify(r.IdToken!));
    const otherClient = CognitoJwtVerifier.create({ userPoolId: p.poolId, tokenUse: 'access', clientId: p.enabled });
    otherClient.cacheJwks(jwks);
    await assert.rejects(otherClient.verify(r.AccessToken!));
    const otherScope = CognitoJwtVerifier.create({ userPoolId: p.poolId, tokenUse: 'access', clientId: p.legacy, scope: 'openid' });
    otherScope.cacheJwks(jwks);
    await assert.rejects(otherScope.verify(r.AccessToken!));
  });

  test('the discovery document keeps our JWKS URL under the Cognito issuer', async () => {
    const doc = (await (await fetch(`${server.url}/${p.poolId}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc.issuer, `https://cognito-idp.us-east-1.amazonaws.com/${p.poolId}`);
    assert.equal(doc.jwks_uri, `${server.url}/${p.poolId}/.well-known/jwks.json`);
  });
});

describe('--public-url', () => {
  test('names the issuer', async () => {
    const server = await startAuthServer({ publicUrl: 'https://id.example.com' });
    try {
      const p = await makeAuthPool(server.client);
      await confirmedUser(server.client, p.poolId, 'ada');
      const r = await signIn(server.client, p.legacy, 'ada');
      assert.equal(claimsOf(r.IdToken!).iss, `https://id.example.com/${p.poolId}`);
    } finally {
      await server.cleanup();
    }
  });
});
