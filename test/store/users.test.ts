// Store behaviour, users: aliases, search rows, credentials, listing, password history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onEachDatabase } from './harness.js';
import { byBytes, storedPool, storedUser, T0, userRecord } from './fixtures.js';
import { StoreConflict, type UserRecord } from '../../src/store/records.js';
import type { UserCursor } from '../../src/store/users.js';

onEachDatabase('users', (h) => {
  test('a user round-trips with attributes, MFA, flags and times as numbers', async () => {
    const pool = await storedPool(h.store);
    const user = userRecord(pool.id, 'Alice', {
      attributes: { email: 'alice@example.com', email_verified: 'true', 'custom:tier': 'gold', name: 'Älice 🙂' },
      mfa: { enabled: ['SOFTWARE_TOKEN_MFA'], preferred: 'SOFTWARE_TOKEN_MFA' },
      srpVerifier: '{"salt":"00","verifier":"ff"}',
      passwordChangedAt: T0 + 1,
      tokensValidAfter: T0 + 2,
      status: 'FORCE_CHANGE_PASSWORD',
      enabled: false,
    });
    await h.store.users.createUser(user, 'alice', [{ kind: 'email', valueKey: 'alice@example.com' }]);
    const byName = await h.store.users.findUserByUsername(pool.id, 'alice');
    assert.deepEqual(byName, user);
    assert.equal(typeof byName!.tokensValidAfter, 'number');
    assert.deepEqual(await h.store.users.findUserBySub(pool.id, user.sub), user);
    assert.deepEqual(await h.store.users.findUserByAlias(pool.id, 'email', 'alice@example.com'), user);
    assert.equal(await h.store.users.findUserBySub('us-east-1_other', user.sub), undefined);
    assert.equal(await h.store.users.findUserByUsername(pool.id, 'Alice'), undefined, 'looked up by key, not by display name');
  });

  test('a taken username or alias is a StoreConflict and nothing of the new user is stored', async () => {
    const pool = await storedPool(h.store);
    const first = userRecord(pool.id, 'bob');
    await h.store.users.createUser(first, 'bob', [{ kind: 'email', valueKey: 'bob@example.com' }]);
    const sameName = userRecord(pool.id, 'BOB');
    await assert.rejects(h.store.users.createUser(sameName, 'bob', []), (e: unknown) => e instanceof StoreConflict && e.what === 'username');
    const sameAlias = userRecord(pool.id, 'robert');
    await assert.rejects(
      h.store.users.createUser(sameAlias, 'robert', [{ kind: 'email', valueKey: 'bob@example.com' }]),
      (e: unknown) => e instanceof StoreConflict && e.what === 'alias' && e.detail === 'email',
    );
    assert.equal(await h.store.users.findUserBySub(pool.id, sameAlias.sub), undefined, 'the user row was rolled back with the alias');
    assert.equal(await h.store.users.countUsers(pool.id), 1);
  });

  test('concurrent creates of one username from two connections: one user, one conflict', async () => {
    const pool = await storedPool(h.store);
    const other = await h.openAnother();
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? other : h.store).users.createUser(userRecord(pool.id, 'race'), 'race', [])),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof StoreConflict, String(r.reason));
    assert.equal(await h.store.users.countUsers(pool.id), 1);
  });

  test('the same username in two pools is two users', async () => {
    const a = await storedPool(h.store);
    const b = await storedPool(h.store);
    await storedUser(h.store, a.id, 'same');
    await storedUser(h.store, b.id, 'same');
    assert.notEqual((await h.store.users.findUserByUsername(a.id, 'same'))!.sub, (await h.store.users.findUserByUsername(b.id, 'same'))!.sub);
  });

  test('saveUser rewrites the user and rebuilds aliases and search rows', async () => {
    const pool = await storedPool(h.store);
    const user = userRecord(pool.id, 'carol', { attributes: { email: 'old@example.com' } });
    await h.store.users.createUser(user, 'carol', [{ kind: 'email', valueKey: 'old@example.com' }]);
    const changed: UserRecord = { ...user, attributes: { email: 'new@example.com' }, updatedAt: T0 + 10 };
    assert.equal(await h.store.users.saveUser(changed, 'carol', [{ kind: 'email', valueKey: 'new@example.com' }]), true);
    assert.equal(await h.store.users.findUserByAlias(pool.id, 'email', 'old@example.com'), undefined);
    assert.equal((await h.store.users.findUserByAlias(pool.id, 'email', 'new@example.com'))!.sub, user.sub);
    const found = await h.store.users.listUsers(pool.id, { name: 'email', value: 'new@example.com', prefix: false }, 10);
    assert.deepEqual(found.users.map((u) => u.sub), [user.sub]);
    assert.equal((await h.store.users.listUsers(pool.id, { name: 'email', value: 'old@example.com', prefix: false }, 10)).users.length, 0);
    assert.equal(await h.store.users.saveUser(userRecord(pool.id, 'ghost'), 'ghost', []), false);
  });

  test('an alias held by another user: saveUser is a conflict and leaves both users as they were', async () => {
    const pool = await storedPool(h.store);
    const holder = userRecord(pool.id, 'holder');
    await h.store.users.createUser(holder, 'holder', [{ kind: 'phone_number', valueKey: '+15550100' }]);
    const other = await storedUser(h.store, pool.id, 'other');
    await assert.rejects(
      h.store.users.saveUser({ ...other, attributes: { phone_number: '+15550100' } }, 'other', [{ kind: 'phone_number', valueKey: '+15550100' }]),
      (e: unknown) => e instanceof StoreConflict && e.what === 'alias',
    );
    assert.equal(await h.store.users.aliasHolder(pool.id, 'phone_number', '+15550100'), holder.sub);
    assert.deepEqual((await h.store.users.findUserBySub(pool.id, other.sub))!.attributes, {});
    await h.store.users.releaseAlias(pool.id, 'phone_number', '+15550100');
    assert.equal(await h.store.users.aliasHolder(pool.id, 'phone_number', '+15550100'), undefined);
  });

  test('updateCredentials sets hash, verifier, status and revocation time and moves the status search row', async () => {
    const pool = await storedPool(h.store);
    const user = await storedUser(h.store, pool.id, 'dave', { status: 'RESET_REQUIRED' });
    const ok = await h.store.users.updateCredentials({
      sub: user.sub, poolId: pool.id, passwordHash: 'new-hash', srpVerifier: 'v2', passwordChangedAt: T0 + 100,
      status: 'CONFIRMED', tokensValidAfter: T0 + 100, updatedAt: T0 + 100,
    });
    assert.equal(ok, true);
    const found = await h.store.users.findUserBySub(pool.id, user.sub);
    assert.deepEqual(
      [found!.passwordHash, found!.srpVerifier, found!.passwordChangedAt, found!.status, found!.tokensValidAfter],
      ['new-hash', 'v2', T0 + 100, 'CONFIRMED', T0 + 100],
    );
    const byStatus = async (s: string) => (await h.store.users.listUsers(pool.id, { name: 'cognito:user_status', value: s, prefix: false }, 10)).users.map((u) => u.sub);
    assert.deepEqual(await byStatus('CONFIRMED'), [user.sub]);
    assert.deepEqual(await byStatus('RESET_REQUIRED'), []);
  });

  test('updateUserAttributes leaves credentials and status alone', async () => {
    const pool = await storedPool(h.store);
    const user = await storedUser(h.store, pool.id, 'erin');
    await h.store.users.updateCredentials({ ...user, passwordHash: 'changed', srpVerifier: null, status: 'CONFIRMED', updatedAt: T0 + 1 });
    // A stale copy of the user (read before the password change) writes only attributes.
    assert.equal(await h.store.users.updateUserAttributes({ ...user, attributes: { given_name: 'Erin' }, updatedAt: T0 + 2 }, 'erin', []), true);
    const found = await h.store.users.findUserBySub(pool.id, user.sub);
    assert.equal(found!.passwordHash, 'changed');
    assert.deepEqual(found!.attributes, { given_name: 'Erin' });
    const byGiven = await h.store.users.listUsers(pool.id, { name: 'given_name', value: 'Erin', prefix: false }, 10);
    assert.deepEqual(byGiven.users.map((u) => u.sub), [user.sub]);
  });

  test('setUserEnabled flips enabled and the status row; disabling revokes tokens', async () => {
    const pool = await storedPool(h.store);
    const user = await storedUser(h.store, pool.id, 'frank');
    assert.equal(await h.store.users.setUserEnabled(user.sub, pool.id, false, T0 + 50), true);
    let found = await h.store.users.findUserBySub(pool.id, user.sub);
    assert.deepEqual([found!.enabled, found!.tokensValidAfter], [false, T0 + 50]);
    const disabled = await h.store.users.listUsers(pool.id, { name: 'status', value: 'Disabled', prefix: false }, 10);
    assert.deepEqual(disabled.users.map((u) => u.sub), [user.sub]);
    assert.equal(await h.store.users.setUserEnabled(user.sub, pool.id, true, T0 + 60), true);
    found = await h.store.users.findUserBySub(pool.id, user.sub);
    assert.deepEqual([found!.enabled, found!.tokensValidAfter], [true, T0 + 50]);
  });

  test('confirmUser: of many concurrent confirmations on two connections exactly one succeeds', async () => {
    const pool = await storedPool(h.store);
    const user = await storedUser(h.store, pool.id, 'grace', { status: 'UNCONFIRMED' });
    const other = await h.openAnother();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : h.store).users.confirmUser(user.sub, pool.id, T0 + i)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal((await h.store.users.findUserBySub(pool.id, user.sub))!.status, 'CONFIRMED');
  });

  test('deleteUser removes the user, its aliases and search rows', async () => {
    const pool = await storedPool(h.store);
    const user = userRecord(pool.id, 'heidi', { attributes: { email: 'heidi@example.com' } });
    await h.store.users.createUser(user, 'heidi', [{ kind: 'email', valueKey: 'heidi@example.com' }]);
    assert.equal(await h.store.users.deleteUser(user.sub), true);
    assert.equal(await h.store.users.aliasHolder(pool.id, 'email', 'heidi@example.com'), undefined);
    assert.equal((await h.store.users.listUsers(pool.id, { name: 'email', value: 'heidi@example.com', prefix: false }, 10)).users.length, 0);
    assert.equal(await h.store.users.deleteUser(user.sub), false);
    // The alias is free again.
    await h.store.users.createUser(userRecord(pool.id, 'heidi2'), 'heidi2', [{ kind: 'email', valueKey: 'heidi@example.com' }]);
  });

  test('listUsers without a filter pages every user once in byte order of username keys', async () => {
    const pool = await storedPool(h.store);
    const names = ['b', 'a-b', 'a_b', 'ab', 'a.b', 'zoë', 'zoe', 'z', '0', 'émile', 'ab-', 'a'];
    for (const n of names) await storedUser(h.store, pool.id, n);
    const seen: string[] = [];
    let cursor: UserCursor | undefined;
    do {
      const page = await h.store.users.listUsers(pool.id, undefined, 5, cursor);
      seen.push(...page.users.map((u) => u.username));
      cursor = page.next;
    } while (cursor);
    assert.deepEqual(seen, [...names].sort(byBytes));
  });

  test('listUsers with an equality or prefix filter pages through the search index', async () => {
    const pool = await storedPool(h.store);
    const emails = ['ann@x.org', 'ann@y.org', 'ann.b@x.org', 'ann_c@x.org', 'ann-d@x.org', 'anna@x.org', 'ANN@z.org', 'an@x.org', 'ann🙂@x.org'];
    for (const [i, email] of emails.entries()) await storedUser(h.store, pool.id, `u${i}`, { attributes: { email } });
    // storedUser writes no search rows for attributes; saveUser builds them.
    for (const [i, email] of emails.entries()) {
      const u = (await h.store.users.findUserByUsername(pool.id, `u${i}`))!;
      await h.store.users.saveUser({ ...u, attributes: { email } }, `u${i}`, []);
    }
    const collect = async (value: string, prefix: boolean) => {
      const out: string[] = [];
      let cursor: UserCursor | undefined;
      do {
        const page = await h.store.users.listUsers(pool.id, { name: 'email', value, prefix }, 2, cursor);
        out.push(...page.users.map((u) => u.attributes.email!));
        cursor = page.next;
      } while (cursor);
      return out;
    };
    const expected = emails.filter((e) => e.startsWith('ann')).sort(byBytes);
    assert.deepEqual(await collect('ann', true), expected);
    assert.deepEqual(await collect('ann@x.org', false), ['ann@x.org']);
    assert.deepEqual(await collect('ANN', true), ['ANN@z.org'], 'filters are case-sensitive, as in Cognito');
    assert.deepEqual(await collect('ann🙂', true), ['ann🙂@x.org']);
  });

  test('countUsers counts one pool', async () => {
    const pool = await storedPool(h.store);
    for (const n of ['one', 'two', 'three']) await storedUser(h.store, pool.id, n);
    const count = await h.store.users.countUsers(pool.id);
    assert.equal(count, 3);
    assert.equal(typeof count, 'number');
  });

  test('password history keeps the newest hashes, newest first, and prunes the rest', async () => {
    const pool = await storedPool(h.store);
    const user = await storedUser(h.store, pool.id, 'ivan');
    for (let i = 0; i < 6; i++) await h.store.users.addPasswordHistory(user.sub, `hash-${i}`, T0 + i * 1000);
    assert.deepEqual(await h.store.users.recentPasswordHashes(user.sub, 3), ['hash-5', 'hash-4', 'hash-3']);
    await h.store.users.prunePasswordHistory(user.sub, 2);
    assert.deepEqual(await h.store.users.recentPasswordHashes(user.sub, 10), ['hash-5', 'hash-4']);
    assert.deepEqual(await h.store.users.recentPasswordHashes(user.sub, 0), []);
  });
});
