// Store behaviour, one-time codes: one live code per purpose, the attempt counter counted
// before any comparison and capped, consumption exactly once, even across connections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { onEachDatabase } from './harness.js';
import { storedPool, storedUser, T0 } from './fixtures.js';
import type { Store } from '../../src/store/store.js';

const HOUR_MS = 3_600_000;

function codeFor(poolId: string, sub: string, purpose = 'reset', createdAt = T0) {
  return { id: randomUUID(), poolId, sub, purpose, mac: `mac-${randomUUID()}`, keyId: 'k1', createdAt, expiresAt: createdAt + HOUR_MS, attribute: null };
}

async function userWithCode(store: Store, purpose = 'reset') {
  const pool = await storedPool(store);
  const user = await storedUser(store, pool.id, `u${randomUUID().slice(0, 8)}`);
  const code = codeFor(pool.id, user.sub, purpose);
  await store.codes.issueCode(code);
  return { pool, user, code };
}

onEachDatabase('one-time codes', (h) => {
  test('issueCode stores the MAC, never a code, with zero attempts; latestCode reads it back', async () => {
    const { user, code } = await userWithCode(h.store);
    const latest = await h.store.codes.latestCode(user.sub, 'reset');
    assert.deepEqual(
      { ...latest, sentTo: undefined },
      { ...code, attempts: 0, consumedAt: null, supersededAt: null, sentTo: undefined },
    );
    assert.equal(typeof latest!.expiresAt, 'number');
  });

  test('a new code supersedes the live one of the same purpose only', async () => {
    const { pool, user, code } = await userWithCode(h.store);
    const verify = codeFor(pool.id, user.sub, 'verify:email');
    await h.store.codes.issueCode(verify);
    const second = codeFor(pool.id, user.sub, 'reset', T0 + 1000);
    await h.store.codes.issueCode(second);
    assert.equal((await h.store.codes.latestCode(user.sub, 'reset'))!.id, second.id);
    assert.equal((await h.store.codes.latestCode(user.sub, 'verify:email'))!.id, verify.id);
    const counted = await h.store.codes.countLiveAttempt(user.sub, 'reset', 5, T0 + 1000);
    assert.equal(counted.kind === 'counted' && counted.codeId, second.id, 'a guess is counted against the live code, never a superseded one');
    const dead = await h.store.codes.deadCodesSince(user.sub, 'reset', T0);
    assert.deepEqual(dead.map((c) => c.id), [code.id]);
    assert.equal(dead[0]!.supersededAt, T0 + 1000);
  });

  test('countLiveAttempt counts up to the cap and returns the MAC each time, then says exhausted', async () => {
    const { code } = await userWithCode(h.store);
    for (let i = 1; i <= 3; i++) {
      assert.deepEqual(await h.store.codes.countLiveAttempt(code.sub, 'reset', 3, T0 + 1), {
        kind: 'counted',
        codeId: code.id,
        attempts: i,
        mac: code.mac,
        keyId: 'k1',
        attribute: null,
        sentTo: null,
      });
    }
    assert.deepEqual(await h.store.codes.countLiveAttempt(code.sub, 'reset', 3, T0 + 1), { kind: 'exhausted' });
    assert.equal((await h.store.codes.latestCode(code.sub, 'reset'))!.attempts, 3, 'refused attempts do not count');
  });

  test('countLiveAttempt: expired at its expiry instant, missing with no code, consumed after use', async () => {
    const { code } = await userWithCode(h.store);
    assert.equal((await h.store.codes.countLiveAttempt(code.sub, 'reset', 5, code.expiresAt - 1)).kind, 'counted');
    assert.deepEqual(await h.store.codes.countLiveAttempt(code.sub, 'reset', 5, code.expiresAt), { kind: 'expired' });
    assert.deepEqual(await h.store.codes.countLiveAttempt(code.sub, 'verify:email', 5, T0), { kind: 'missing' }, 'another purpose has no code');
    assert.deepEqual(await h.store.codes.countLiveAttempt(randomUUID(), 'reset', 5, T0), { kind: 'missing' });
    const { code: used } = await userWithCode(h.store);
    assert.equal(await h.store.codes.consumeCode(used.id, T0 + 5), true);
    assert.deepEqual(await h.store.codes.countLiveAttempt(used.sub, 'reset', 5, T0 + 6), { kind: 'consumed' });
    assert.equal((await h.store.codes.latestCode(used.sub, 'reset'))!.consumedAt, T0 + 5);
  });

  test('200 concurrent attempts on two connections: exactly the cap is counted', async () => {
    const { code } = await userWithCode(h.store);
    const other = await h.openAnother();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? other : h.store).codes.countLiveAttempt(code.sub, 'reset', 5, T0 + 1)));
    const counted = results.filter((r) => r.kind === 'counted');
    assert.equal(counted.length, 5);
    assert.deepEqual(counted.map((r) => (r.kind === 'counted' ? r.attempts : 0)).sort(), [1, 2, 3, 4, 5]);
    assert.ok(results.every((r) => r.kind === 'counted' || r.kind === 'exhausted'));
    assert.equal((await h.store.codes.latestCode(code.sub, 'reset'))!.attempts, 5);
  });

  test('50 concurrent consumeCode on two connections: exactly one succeeds', async () => {
    for (let round = 0; round < 5; round++) {
      const { code } = await userWithCode(h.store);
      const other = await h.openAnother();
      const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 ? other : h.store).codes.consumeCode(code.id, T0 + i)));
      assert.equal(results.filter(Boolean).length, 1, `round ${round}`);
    }
  });

  test('consumeCode inside a transaction that rolls back leaves the code usable', async () => {
    const { code } = await userWithCode(h.store);
    await assert.rejects(
      h.store.transaction(async (tx) => {
        assert.equal(await tx.codes.consumeCode(code.id, T0 + 1), true);
        throw new Error('password write failed');
      }),
      /password write failed/,
    );
    assert.equal(await h.store.codes.consumeCode(code.id, T0 + 2), true);
  });

  test('consumption racing in transactions on two connections: one commit, the other sees it used', async () => {
    const { code } = await userWithCode(h.store);
    const other = await h.openAnother();
    const outcomes = await Promise.all(
      [h.store, other, h.store, other].map((s, i) =>
        s.transaction(async (tx) => {
          if (!(await tx.codes.consumeCode(code.id, T0 + i))) return 'lost';
          await tx.users.updateCredentials({ sub: code.sub, poolId: code.poolId, passwordHash: `winner-${i}`, srpVerifier: null, passwordChangedAt: T0 + i, status: 'CONFIRMED', tokensValidAfter: T0 + i, updatedAt: T0 + i });
          return `won-${i}`;
        }),
      ),
    );
    const winners = outcomes.filter((o) => o.startsWith('won'));
    assert.equal(winners.length, 1);
    const user = await h.store.users.findUserBySub(code.poolId, code.sub);
    assert.equal(user!.passwordHash, `winner-${winners[0]!.slice(4)}`);
  });

  test('20 concurrent issueCode for one user and purpose on two connections leave exactly one live code', async () => {
    for (let round = 0; round < 3; round++) {
      const { pool, user } = await userWithCode(h.store);
      const other = await h.openAnother();
      // The same creation time on every one, as two nodes can stamp within one millisecond.
      const codes = Array.from({ length: 20 }, () => codeFor(pool.id, user.sub, 'reset', T0 + 500));
      await Promise.all(codes.map((c, i) => (i % 2 ? other : h.store).codes.issueCode(c)));
      const live = await h.store.db
        .selectFrom('one_time_codes')
        .select('id')
        .where('sub', '=', user.sub)
        .where('purpose', '=', 'reset')
        .where('consumed_at', 'is', null)
        .where('superseded_at', 'is', null)
        .execute();
      assert.equal(live.length, 1, `round ${round}: live codes ${live.length}`);
      assert.equal((await h.store.codes.latestCode(user.sub, 'reset'))!.id, live[0]!.id);
    }
  });

  test('invalidateCodes kills every live code of the user, or of one purpose', async () => {
    const { pool, user, code } = await userWithCode(h.store);
    const verify = codeFor(pool.id, user.sub, 'verify:email');
    await h.store.codes.issueCode(verify);
    assert.equal(await h.store.codes.invalidateCodes(user.sub, T0 + 1, 'verify:email'), 1);
    const counted = await h.store.codes.countLiveAttempt(user.sub, 'reset', 5, T0 + 2);
    assert.equal(counted.kind === 'counted' && counted.codeId, code.id);
    assert.equal(await h.store.codes.invalidateCodes(user.sub, T0 + 3), 1);
    assert.deepEqual(await h.store.codes.countLiveAttempt(user.sub, 'reset', 5, T0 + 4), { kind: 'missing' }, 'no live code is left to guess');
    assert.equal(await h.store.codes.invalidateCodes(user.sub, T0 + 5), 0);
  });

  test('a user deleted takes its codes along', async () => {
    const { user, code } = await userWithCode(h.store);
    await h.store.users.deleteUser(user.sub);
    assert.deepEqual(await h.store.codes.countLiveAttempt(user.sub, code.purpose, 5, T0), { kind: 'missing' });
    assert.equal(await h.store.codes.latestCode(user.sub, code.purpose), undefined);
  });
});
