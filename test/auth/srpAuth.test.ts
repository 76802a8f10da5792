// The two SRP steps (shared/srpAuth.ts) against a real store and keys, with the library's
// arithmetic as the client: what the PASSWORD_VERIFIER challenge carries, which answers
// verify, and that an unknown user's challenge looks like a real one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { AdminSetUserPasswordCommand, CreateUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2, createPool } from '../helpers/users.js';
import { makeUser } from '../reset/helpers.js';
import { srpClient } from './srpClient.js';
import type { OperationContext } from '../../src/operations/context.js';
import { beginSrpAuth, verifySrpResponse, SRP_CHALLENGE_TTL_MS } from '../../src/operations/shared/srpAuth.js';
import { loadClient, type Client, type Pool } from '../../src/operations/shared/pools.js';
import { findUserByLogin } from '../../src/operations/shared/users.js';
import { InvalidParameterException } from '../../src/operations/exceptions.js';
import { CodeMacKeys } from '../../src/crypto/codes.js';
import { N, decodeVerifier, formatSrpTimestamp } from '../../src/crypto/srp.js';
import type { UserRecord } from '../../src/store/records.js';

const PASSWORD = 'Srp-Passw0rd!';
let now = Date.now();
let server: TestServer;
let ctx: OperationContext;

before(async () => {
  server = await startTestServer({}, { argon2: FAST_ARGON2, clock: { now: () => now } });
  ctx = { ...server.app.services, request: { requestId: 'test', sourceIp: '127.0.0.1', userAgent: undefined, accessKeyId: undefined } };
});
after(() => server.cleanup());

async function newClient(poolId: string, name = 'app'): Promise<{ client: Client; pool: Pool }> {
  const out = await server.client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: name }));
  return loadClient(ctx, out.UserPoolClient!.ClientId!);
}

async function user(pool: Pool, login: string): Promise<UserRecord> {
  const found = await findUserByLogin(ctx, pool, login);
  assert.ok(found, `user ${login}`);
  return found;
}

/** Begins for `login` (the user as the caller would have found it) and answers with `password`. */
async function signIn(pool: Pool, client: Client, login: string, password: string, timestamp?: string): Promise<{ ok: boolean; params: Record<string, string> }> {
  const found = await findUserByLogin(ctx, pool, login);
  const srp = srpClient(pool.id);
  const { challengeParameters: params } = await beginSrpAuth(ctx, pool, client, found, login, srp.srpA);
  const ok = await verifySrpResponse(ctx, pool, client, found, srp.answer(params, password, timestamp));
  return { ok, params };
}

describe('USER_SRP_AUTH steps, username pool with an email alias', () => {
  let pool: Pool;
  let client: Client;
  let other: Client;

  before(async () => {
    const poolId = await createPool(server.client, { AliasAttributes: ['email'] });
    ({ pool, client } = await newClient(poolId));
    ({ client: other } = await newClient(poolId, 'other'));
    await makeUser(server.client, poolId, 'alice', 'alice@example.com', PASSWORD);
    await makeUser(server.client, poolId, 'bob', 'bob@example.com', PASSWORD);
  });

  test('the right password verifies; the challenge carries the stored salt and the username', async () => {
    const alice = await user(pool, 'alice');
    const { ok, params } = await signIn(pool, client, 'alice', PASSWORD);
    assert.equal(ok, true);
    assert.deepEqual(Object.keys(params).sort(), ['SALT', 'SECRET_BLOCK', 'SRP_B', 'USERNAME', 'USER_ID_FOR_SRP']);
    assert.equal(params.SALT, decodeVerifier(alice.srpVerifier!)!.salt);
    assert.equal(params.USER_ID_FOR_SRP, 'alice');
    assert.equal(params.USERNAME, 'alice');
    const B = BigInt(`0x${params.SRP_B}`);
    assert.ok(B > 0n && B < N);
    assert.match(params.SECRET_BLOCK!, /^[A-Za-z0-9+/]+=*$/);
  });

  test('signing in with the email alias: USER_ID_FOR_SRP is the username, and it verifies', async () => {
    const { ok, params } = await signIn(pool, client, 'alice@example.com', PASSWORD);
    assert.equal(params.USER_ID_FOR_SRP, 'alice');
    assert.equal(ok, true);
  });

  test('a wrong password does not verify', async () => {
    assert.equal((await signIn(pool, client, 'alice', 'Wrong-Passw0rd!')).ok, false);
  });

  test('an answer is good once: replaying it fails', async () => {
    const alice = await user(pool, 'alice');
    const srp = srpClient(pool.id);
    const { challengeParameters } = await beginSrpAuth(ctx, pool, client, alice, 'alice', srp.srpA);
    const responses = srp.answer(challengeParameters, PASSWORD);
    assert.equal(await verifySrpResponse(ctx, pool, client, alice, responses), true);
    assert.equal(await verifySrpResponse(ctx, pool, client, alice, responses), false);
  });

  test('the block is bound to its client, pool and user, and cannot be altered', async () => {
    const alice = await user(pool, 'alice');
    const bob = await user(pool, 'bob');
    const fresh = async (): Promise<Record<string, string>> => {
      const srp = srpClient(pool.id);
      const { challengeParameters } = await beginSrpAuth(ctx, pool, client, alice, 'alice', srp.srpA);
      return srp.answer(challengeParameters, PASSWORD);
    };
    assert.equal(await verifySrpResponse(ctx, pool, other, alice, await fresh()), false, 'another client');
    const otherPoolId = await createPool(server.client, { AliasAttributes: ['email'] });
    const otherPool = (await newClient(otherPoolId)).pool;
    assert.equal(await verifySrpResponse(ctx, otherPool, client, alice, await fresh()), false, 'another pool');
    assert.equal(await verifySrpResponse(ctx, pool, client, bob, await fresh()), false, 'another user');
    assert.equal(await verifySrpResponse(ctx, pool, client, undefined, await fresh()), false, 'no user');

    const tampered = await fresh();
    const bytes = Buffer.from(tampered.PASSWORD_CLAIM_SECRET_BLOCK!, 'base64');
    bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 1;
    tampered.PASSWORD_CLAIM_SECRET_BLOCK = bytes.toString('base64');
    assert.equal(await verifySrpResponse(ctx, pool, client, alice, tampered), false, 'altered block');
    for (const junk of ['AAAA', '!!!!', randomBytes(200).toString('base64')]) {
      assert.equal(await verifySrpResponse(ctx, pool, client, alice, { ...(await fresh()), PASSWORD_CLAIM_SECRET_BLOCK: junk }), false, junk);
    }
    const badSignature = await fresh();
    badSignature.PASSWORD_CLAIM_SIGNATURE = randomBytes(32).toString('base64');
    assert.equal(await verifySrpResponse(ctx, pool, client, alice, badSignature), false, 'random signature');
    // After all that, a proper answer still works.
    assert.equal(await verifySrpResponse(ctx, pool, client, alice, await fresh()), true);
  });

  test('a challenge expires after 5 minutes', async () => {
    const alice = await user(pool, 'alice');
    const start = now;
    try {
      for (const [wait, expected] of [
        [SRP_CHALLENGE_TTL_MS - 1_000, true],
        [SRP_CHALLENGE_TTL_MS + 1_000, false],
      ] as const) {
        now = start;
        const srp = srpClient(pool.id);
        const { challengeParameters } = await beginSrpAuth(ctx, pool, client, alice, 'alice', srp.srpA);
        now = start + wait;
        const responses = srp.answer(challengeParameters, PASSWORD, formatSrpTimestamp(now));
        assert.equal(await verifySrpResponse(ctx, pool, client, alice, responses), expected, `after ${wait} ms`);
      }
    } finally {
      now = start;
    }
  });

  test('TIMESTAMP: Cognito form only, near the server clock; unreadable ones are refused', async () => {
    const t = new Date(Date.UTC(2024, 8, 5, 7, 8, 9));
    now = t.getTime();
    try {
      assert.equal((await signIn(pool, client, 'alice', PASSWORD, 'Thu Sep 5 07:08:09 UTC 2024')).ok, true);
      assert.equal((await signIn(pool, client, 'alice', PASSWORD, 'Thu Sep 05 07:08:09 UTC 2024')).ok, false, 'padded day');
      assert.equal((await signIn(pool, client, 'alice', PASSWORD, 'Fri Sep 5 07:08:09 UTC 2024')).ok, false, 'wrong weekday');
      assert.equal((await signIn(pool, client, 'alice', PASSWORD, 'Thu Sep 5 07:18:09 UTC 2024')).ok, false, '10 minutes ahead');
      await assert.rejects(signIn(pool, client, 'alice', PASSWORD, '2024-09-05T07:08:09Z'), (err: unknown) => {
        assert.ok(err instanceof InvalidParameterException);
        assert.equal(err.message, 'TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.');
        return true;
      });
    } finally {
      now = Date.now();
    }
  });

  test('a missing response or an unusable SRP_A is InvalidParameterException', async () => {
    const alice = await user(pool, 'alice');
    const srp = srpClient(pool.id);
    const { challengeParameters } = await beginSrpAuth(ctx, pool, client, alice, 'alice', srp.srpA);
    const responses = srp.answer(challengeParameters, PASSWORD);
    for (const name of ['PASSWORD_CLAIM_SECRET_BLOCK', 'PASSWORD_CLAIM_SIGNATURE', 'TIMESTAMP']) {
      const partial = { ...responses };
      delete partial[name];
      await assert.rejects(verifySrpResponse(ctx, pool, client, alice, partial), (err: unknown) => err instanceof InvalidParameterException && err.message === `Missing required parameter ${name}`);
    }
    for (const bad of ['0', N.toString(16), (2n * N).toString(16), 'not-hex', '']) {
      await assert.rejects(beginSrpAuth(ctx, pool, client, alice, 'alice', bad), InvalidParameterException, `SRP_A ${bad.slice(0, 8)}`);
    }
  });

  test('a password changed after the challenge voids it; the new password then works', async () => {
    await makeUser(server.client, pool.id, 'carol', 'carol@example.com', PASSWORD);
    const before = await user(pool, 'carol');
    const srp = srpClient(pool.id);
    const { challengeParameters } = await beginSrpAuth(ctx, pool, client, before, 'carol', srp.srpA);
    await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: pool.id, Username: 'carol', Password: 'Newer-Passw0rd!', Permanent: true }));
    const afterChange = await user(pool, 'carol');
    assert.notEqual(afterChange.srpVerifier, before.srpVerifier);
    assert.equal(await verifySrpResponse(ctx, pool, client, afterChange, srp.answer(challengeParameters, PASSWORD)), false);
    assert.equal((await signIn(pool, client, 'carol', PASSWORD)).ok, false);
    assert.equal((await signIn(pool, client, 'carol', 'Newer-Passw0rd!')).ok, true);
  });

  test('blocks sealed under an earlier key still verify after the key rotates', async () => {
    const alice = await user(pool, 'alice');
    const srp = srpClient(pool.id);
    const { challengeParameters } = await beginSrpAuth(ctx, pool, client, alice, 'alice', srp.srpA);
    const rotated: OperationContext = { ...ctx, codeKeys: new CodeMacKeys([{ id: 'newer', key: randomBytes(32) }, ...ctx.codeKeys.keys]) };
    assert.equal(await verifySrpResponse(rotated, pool, client, alice, srp.answer(challengeParameters, PASSWORD)), true);
    const forgotten: OperationContext = { ...ctx, codeKeys: new CodeMacKeys([{ id: 'newer', key: randomBytes(32) }]) };
    const again = srpClient(pool.id);
    const second = await beginSrpAuth(ctx, pool, client, alice, 'alice', again.srpA);
    assert.equal(await verifySrpResponse(forgotten, pool, client, alice, again.answer(second.challengeParameters, PASSWORD)), false);
  });

  test('an unknown login gets a challenge shaped like a real one, with a stable salt, that never verifies', async () => {
    const real = await beginSrpAuth(ctx, pool, client, await user(pool, 'alice'), 'alice', srpClient(pool.id).srpA);
    const first = await beginSrpAuth(ctx, pool, client, undefined, 'nobody', srpClient(pool.id).srpA);
    const second = await beginSrpAuth(ctx, pool, client, undefined, 'nobody', srpClient(pool.id).srpA);
    const another = await beginSrpAuth(ctx, pool, client, undefined, 'someone', srpClient(pool.id).srpA);
    assert.equal(first.challengeParameters.SALT, second.challengeParameters.SALT);
    assert.notEqual(first.challengeParameters.SALT, another.challengeParameters.SALT);
    assert.match(first.challengeParameters.SALT!, /^[0-9a-f]{32}$/);
    assert.notEqual(first.challengeParameters.SRP_B, second.challengeParameters.SRP_B);
    assert.equal(first.challengeParameters.USER_ID_FOR_SRP, 'nobody');
    assert.equal(first.challengeParameters.USERNAME, 'nobody');
    // Same-length user ids give same-length blocks: the block does not tell the two apart.
    const alike = await beginSrpAuth(ctx, pool, client, undefined, 'zelda', srpClient(pool.id).srpA);
    assert.equal(alike.challengeParameters.SECRET_BLOCK!.length, real.challengeParameters.SECRET_BLOCK!.length);

    const srp = srpClient(pool.id);
    const decoy = await beginSrpAuth(ctx, pool, client, undefined, 'nobody', srp.srpA);
    assert.equal(await verifySrpResponse(ctx, pool, client, undefined, srp.answer(decoy.challengeParameters, PASSWORD)), false);
  });

  test('a user without a verifier gets a decoy and cannot sign in with SRP', async () => {
    const alice = await user(pool, 'alice');
    const legacy: UserRecord = { ...alice, srpVerifier: null };
    const srp = srpClient(pool.id);
    const { challengeParameters } = await beginSrpAuth(ctx, pool, client, legacy, 'alice', srp.srpA);
    assert.equal(challengeParameters.USER_ID_FOR_SRP, 'alice');
    assert.notEqual(challengeParameters.SALT, decodeVerifier(alice.srpVerifier!)!.salt);
    assert.equal(await verifySrpResponse(ctx, pool, client, legacy, srp.answer(challengeParameters, PASSWORD)), false);
  });
});

describe('USER_SRP_AUTH steps, email-as-username pool', () => {
  let pool: Pool;
  let client: Client;

  before(async () => {
    const poolId = await createPool(server.client, { UsernameAttributes: ['email'] });
    ({ pool, client } = await newClient(poolId));
    await makeUser(server.client, poolId, 'dana@example.com', 'dana@example.com', PASSWORD);
  });

  test('USER_ID_FOR_SRP is the generated username, and the email signs in with it', async () => {
    const dana = await user(pool, 'dana@example.com');
    assert.match(dana.username, /^[0-9a-f-]{36}$/);
    const { ok, params } = await signIn(pool, client, 'dana@example.com', PASSWORD);
    assert.equal(params.USER_ID_FOR_SRP, dana.username);
    assert.equal(params.USERNAME, dana.username);
    assert.equal(ok, true);
  });

  test('an unknown email gets a stable UUID-shaped USER_ID_FOR_SRP, not the email back', async () => {
    const one = await beginSrpAuth(ctx, pool, client, undefined, 'ghost@example.com', srpClient(pool.id).srpA);
    const two = await beginSrpAuth(ctx, pool, client, undefined, 'ghost@example.com', srpClient(pool.id).srpA);
    assert.match(one.challengeParameters.USER_ID_FOR_SRP!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(one.challengeParameters.USER_ID_FOR_SRP, two.challengeParameters.USER_ID_FOR_SRP);
    assert.equal(one.challengeParameters.SALT, two.challengeParameters.SALT);
  });
});
