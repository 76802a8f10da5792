// Canary run of the sign-in flows with the log captured at trace level: no password, token,
// session or secret hash reaches the log or an error body, in any encoding.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { AdminCreateUserCommand } from '@aws-sdk/client-cognito-identity-provider';
import { rawCall, startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2 } from '../helpers/users.js';
import { computeSecretHash } from '../../src/operations/shared/secretHash.js';
import { confirmedUser, makeAuthPool, type AuthPool } from './fixture.js';

let server: TestServer;
let p: AuthPool;
let log = '';

before(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      log += chunk.toString('utf8');
      done();
    },
  });
  server = await startTestServer({ logLevel: 'trace' }, { argon2: FAST_ARGON2, logStream: stream });
  p = await makeAuthPool(server.client);
});
after(() => server.cleanup());

function encodings(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  return [secret, b.toString('base64'), b.toString('base64url'), b.toString('hex'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
}

test('no password, token, session or secret hash reaches the log or an error body', async () => {
  const password = `Cn-${randomBytes(6).toString('hex')}-A1!`;
  const temporary = `Tm-${randomBytes(6).toString('hex')}-B2!`;
  const chosen = `Ch-${randomBytes(6).toString('hex')}-C3!`;
  await confirmedUser(server.client, p.poolId, 'canary', {}, password);
  await server.client.send(new AdminCreateUserCommand({ UserPoolId: p.poolId, Username: 'fresh', TemporaryPassword: temporary, MessageAction: 'SUPPRESS' }));
  const secretHash = computeSecretHash(p.secret, 'canary', p.secretClient);
  const bodies: string[] = [];
  const call = async (op: string, body: object): Promise<Record<string, unknown>> => {
    const r = await rawCall(server.url, `AWSCognitoIdentityProviderService.${op}`, JSON.stringify(body));
    bodies.push(r.status === 200 ? '' : r.text);
    return (r.json ?? {}) as Record<string, unknown>;
  };
  const auth = (clientId: string, params: Record<string, string>) => call('InitiateAuth', { ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: params });

  const ok = (await auth(p.secretClient, { USERNAME: 'canary', PASSWORD: password, SECRET_HASH: secretHash })).AuthenticationResult as Record<string, string>;
  await auth(p.secretClient, { USERNAME: 'canary', PASSWORD: password.slice(1), SECRET_HASH: secretHash });
  await auth(p.secretClient, { USERNAME: 'canary', PASSWORD: password, SECRET_HASH: secretHash.slice(2) + 'AA' });
  await auth(p.enabled, { USERNAME: 'nobody', PASSWORD: password });
  await call('InitiateAuth', { ClientId: p.secretClient, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: ok.RefreshToken!, SECRET_HASH: secretHash } });
  await call('InitiateAuth', { ClientId: p.legacy, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: ok.RefreshToken! } });
  await call('GetUser', { AccessToken: ok.AccessToken! });
  await call('GetUser', { AccessToken: ok.IdToken! });
  await call('RevokeToken', { ClientId: p.secretClient, Token: ok.RefreshToken!, ClientSecret: p.secret });
  await call('GetUser', { AccessToken: ok.AccessToken! });
  const challenge = await auth(p.legacy, { USERNAME: 'fresh', PASSWORD: temporary });
  const session = challenge.Session as string;
  await call('RespondToAuthChallenge', { ClientId: p.legacy, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeResponses: { USERNAME: 'fresh', NEW_PASSWORD: 'x' } });
  await call('RespondToAuthChallenge', { ClientId: p.legacy, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeResponses: { USERNAME: 'fresh', NEW_PASSWORD: chosen } });
  await call('RespondToAuthChallenge', { ClientId: p.legacy, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeResponses: { USERNAME: 'fresh', NEW_PASSWORD: chosen } });

  assert.ok(log.includes('"operation":"InitiateAuth"'), 'the requests were logged');
  const secrets = [password, temporary, chosen, secretHash, p.secret, ok.RefreshToken!, ok.AccessToken!, ok.IdToken!, session];
  for (const secret of secrets) {
    for (const form of encodings(secret)) {
      assert.ok(!log.includes(form), 'a secret reached the log');
      assert.ok(bodies.every((b) => !b.includes(form)), 'a secret reached an error body');
    }
  }
});
