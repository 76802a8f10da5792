// Store behaviour, token state: signing keys, refresh-token families and challenge sessions.
// Revocation and single use are guarded updates, so they hold across connections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { onEachDatabase } from './harness.js';
import { clientRecord, storedPool, storedUser, T0 } from './fixtures.js';
import type { Store } from '../../src/store/store.js';
import type { AuthSessionRecord, RefreshTokenRecord, SigningKeyRecord } from '../../src/store/tokens.js';

async function poolClientUser(store: Store) {
  const pool = await storedPool(store);
  const client = clientRecord(pool.id);
  await store.clients.createClient(client);
  const user = await storedUser(store, pool.id, `u${randomUUID().slice(0, 8)}`);
  return { pool, client, user };
}

onEachDatabase('signing keys', (h) => {
  const key = (poolId: string, kid: string, createdAt: number): SigningKeyRecord => ({
    kid, poolId, alg: 'RS256', publicJwk: JSON.stringify({ kty: 'RSA', kid }), privateKey: 'wrapped-private-key', wrapKeyId: 'k1', createdAt, retiredAt: null,
  });

  test('active keys come newest first; a retired key is gone, once', async () => {
    const pool = await storedPool(h.store);
    const [a, b, c] = [key(pool.id, `a-${randomUUID()}`, T0), key(pool.id, `b-${randomUUID()}`, T0 + 1000), key(pool.id, `c-${randomUUID()}`, T0 + 2000)];
    for (const k of [b, a, c]) await h.store.signingKeys.addKey(k);
    assert.deepEqual(await h.store.signingKeys.activeKeys(pool.id), [c, b, a]);
    assert.equal(await h.store.signingKeys.retireKey(pool.id, b.kid, T0 + 3000), true);
    assert.equal(await h.store.signingKeys.retireKey(pool.id, b.kid, T0 + 4000), false);
    assert.deepEqual((await h.store.signingKeys.activeKeys(pool.id)).map((k) => k.kid), [c.kid, a.kid]);
    assert.deepEqual(await h.store.signingKeys.activeKeys('us-east-1_none'), []);
  });
});

onEachDatabase('refresh tokens', (h) => {
  const token = (poolId: string, clientId: string, sub: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
    id: randomUUID(), tokenHash: `hash-${randomUUID()}`, poolId, clientId, sub, authTime: Math.floor(T0 / 1000), createdAt: T0, userValidAfter: T0,
    expiresAt: T0 + 30 * 86_400_000, revokedAt: null, ...overrides,
  });

  test('a token is found by hash and by family id, with its times as numbers', async () => {
    const { pool, client, user } = await poolClientUser(h.store);
    const t = token(pool.id, client.id, user.sub);
    await h.store.refreshTokens.addToken(t);
    assert.deepEqual(await h.store.refreshTokens.findByHash(t.tokenHash), t);
    assert.deepEqual(await h.store.refreshTokens.findFamily(t.id), t);
    assert.equal(await h.store.refreshTokens.findByHash('unknown'), undefined);
  });

  test('revokeFamily succeeds once, even when raced on two connections', async () => {
    const { pool, client, user } = await poolClientUser(h.store);
    const t = token(pool.id, client.id, user.sub);
    await h.store.refreshTokens.addToken(t);
    const other = await h.openAnother();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : h.store).refreshTokens.revokeFamily(t.id, T0 + i)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.notEqual((await h.store.refreshTokens.findFamily(t.id))!.revokedAt, null);
  });

  test('revokeUserFamilies revokes only the live families of that user; carryFamilyOver never revives', async () => {
    const { pool, client, user } = await poolClientUser(h.store);
    const other = await storedUser(h.store, pool.id, `o${randomUUID().slice(0, 8)}`);
    const mine = [token(pool.id, client.id, user.sub), token(pool.id, client.id, user.sub), token(pool.id, client.id, user.sub, { revokedAt: T0 })];
    const theirs = token(pool.id, client.id, other.sub);
    for (const t of [...mine, theirs]) await h.store.refreshTokens.addToken(t);
    assert.equal(await h.store.refreshTokens.carryFamilyOver(mine[0]!.id, T0 + 10), true);
    assert.deepEqual(
      [(await h.store.refreshTokens.findFamily(mine[0]!.id))!.createdAt, (await h.store.refreshTokens.findFamily(mine[0]!.id))!.userValidAfter],
      [T0 + 10, T0 + 10],
    );
    assert.equal(await h.store.refreshTokens.revokeUserFamilies(user.sub, T0 + 20), 2);
    assert.equal(await h.store.refreshTokens.carryFamilyOver(mine[0]!.id, T0 + 30), false);
    assert.equal((await h.store.refreshTokens.findFamily(theirs.id))!.revokedAt, null);
  });

  test('prune drops expired tokens only', async () => {
    const { pool, client, user } = await poolClientUser(h.store);
    const expired = token(pool.id, client.id, user.sub, { expiresAt: T0 - 1 });
    const live = token(pool.id, client.id, user.sub);
    await h.store.refreshTokens.addToken(expired);
    await h.store.refreshTokens.addToken(live);
    await h.store.refreshTokens.prune(T0);
    assert.equal(await h.store.refreshTokens.findFamily(expired.id), undefined);
    assert.ok(await h.store.refreshTokens.findFamily(live.id));
  });

  test('a user deleted takes its tokens along', async () => {
    const { pool, client, user } = await poolClientUser(h.store);
    const t = token(pool.id, client.id, user.sub);
    await h.store.refreshTokens.addToken(t);
    await h.store.users.deleteUser(user.sub);
    assert.equal(await h.store.refreshTokens.findFamily(t.id), undefined);
  });
});

onEachDatabase('challenge sessions', (h) => {
  const session = (poolId: string, clientId: string, sub: string | null, overrides: Partial<AuthSessionRecord> = {}): AuthSessionRecord => ({
    id: randomUUID(), poolId, clientId, sub, challenge: 'NEW_PASSWORD_REQUIRED', data: { userAttributes: '{}' }, createdAt: T0, expiresAt: T0 + 180_000,
    consumedAt: null, ...overrides,
  });

  test('a session is taken once; then it is used; an unknown one is unknown', async () => {
    const { pool, client, user } = await poolClientUser(h.store);
    const s = session(pool.id, client.id, user.sub);
    await h.store.authSessions.addSession(s);
    assert.deepEqual(await h.store.authSessions.findSession(s.id), s);
    const taken = await h.store.authSessions.takeSession(s.id, T0 + 1);
    assert.deepEqual(taken, { kind: 'taken', session: { ...s, consumedAt: T0 + 1 } });
    assert.deepEqual(await h.store.authSessions.takeSession(s.id, T0 + 2), { kind: 'used' });
    assert.deepEqual(await h.store.authSessions.takeSession(randomUUID(), T0), { kind: 'unknown' });
  });

  test('an expired session cannot be taken; a simulated one (no user) can', async () => {
    const { pool, client } = await poolClientUser(h.store);
    const s = session(pool.id, client.id, null, { data: null });
    await h.store.authSessions.addSession(s);
    assert.deepEqual(await h.store.authSessions.takeSession(s.id, s.expiresAt), { kind: 'expired' });
    const t = session(pool.id, client.id, null, { data: null });
    await h.store.authSessions.addSession(t);
    assert.equal((await h.store.authSessions.takeSession(t.id, T0)).kind, 'taken');
  });

  test('30 concurrent answers to one challenge on two connections: exactly one takes it', async () => {
    const { pool, client, user } = await poolClientUser(h.store);
    const s = session(pool.id, client.id, user.sub);
    await h.store.authSessions.addSession(s);
    const other = await h.openAnother();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? other : h.store).authSessions.takeSession(s.id, T0 + 1)));
    assert.equal(results.filter((r) => r.kind === 'taken').length, 1);
    assert.ok(results.every((r) => r.kind === 'taken' || r.kind === 'used'));
  });

  test('prune drops expired sessions', async () => {
    const { pool, client, user } = await poolClientUser(h.store);
    const s = session(pool.id, client.id, user.sub, { expiresAt: T0 - 1 });
    await h.store.authSessions.addSession(s);
    await h.store.authSessions.prune(T0);
    assert.equal(await h.store.authSessions.findSession(s.id), undefined);
  });
});
