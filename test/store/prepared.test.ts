// Store behaviour, prepared statements: a statement compiled once gives exactly what the same
// builder query gives every time, on each database, and one whose parameters the builder
// would rewrite is refused before it runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { onEachDatabase } from './harness.js';
import { storedPool, storedUser } from './fixtures.js';
import { prepare } from '../../src/store/prepared.js';

const byName = prepare(['poolId', 'key'], (db, p: { poolId: string; key: string }) =>
  db.selectFrom('users').select(['sub', 'username']).where('pool_id', '=', p.poolId).where('username_key', '=', p.key).limit(1),
);
const rename = prepare(['sub', 'name'], (db, p: { sub: string; name: string }) => db.updateTable('users').set({ username: p.name }).where('sub', '=', p.sub));

onEachDatabase('prepared statements', (h) => {
  test('a prepared select returns what the builder returns, for each set of values', async () => {
    const pool = await storedPool(h.store);
    const users = [await storedUser(h.store, pool.id, 'ann'), await storedUser(h.store, pool.id, 'bob')];
    for (const u of users) {
      const built = await h.store.db.selectFrom('users').select(['sub', 'username']).where('pool_id', '=', pool.id).where('username_key', '=', u.username).limit(1).execute();
      assert.deepEqual(await byName.rows(h.store.db, { poolId: pool.id, key: u.username }), built);
      assert.equal((await byName.first(h.store.db, { poolId: pool.id, key: u.username }))!.sub, u.sub);
    }
    assert.equal(await byName.first(h.store.db, { poolId: pool.id, key: 'nobody' }), undefined);
  });

  test('a prepared update reports the rows it changed, inside a transaction too', async () => {
    const pool = await storedPool(h.store);
    const u = await storedUser(h.store, pool.id, 'cy');
    assert.equal(await rename.affected(h.store.db, { sub: u.sub, name: 'cy2' }), 1);
    assert.equal(await rename.affected(h.store.db, { sub: 'no-such-sub', name: 'x' }), 0);
    await h.store.transaction(async (tx) => {
      assert.equal(await rename.affected(tx.db, { sub: u.sub, name: 'cy3' }), 1);
    });
    assert.equal((await h.store.users.findUserBySub(pool.id, u.sub))!.username, 'cy3');
  });

  test('a parameter the builder does not pass through as a value is refused before anything runs', async () => {
    const pool = await storedPool(h.store);
    const u = await storedUser(h.store, pool.id, 'dee');
    const rewritten = prepare(['name'], (db, p: { name: string }) => db.updateTable('users').set({ username: p.name.toUpperCase() }).where('sub', '=', u.sub));
    await assert.rejects(rewritten.execute(h.store.db, { name: 'x' }), /does not take name as plain values/);
    const inlined = prepare(['name'], (db, p: { name: string }) => db.updateTable('users').set({ username: sql.lit(p.name) }).where('sub', '=', u.sub));
    await assert.rejects(inlined.execute(h.store.db, { name: 'x' }), /prepared statement/);
    assert.equal((await h.store.users.findUserBySub(pool.id, u.sub))!.username, 'dee', 'nothing ran');
  });
});
