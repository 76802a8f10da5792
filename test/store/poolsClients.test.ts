// Store behaviour, pools and clients, on every database (test/store/harness.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onEachDatabase } from './harness.js';
import { byBytes, clientRecord, poolRecord, storedPool, T0 } from './fixtures.js';
import { StoreConflict } from '../../src/store/records.js';

onEachDatabase('pools', (h) => {
  test('a pool is stored and read back with its settings and epoch-ms times as numbers', async () => {
    const pool = poolRecord({ createdAt: T0, updatedAt: T0 + 1 });
    await h.store.pools.createPool(pool);
    const found = await h.store.pools.findPool(pool.id);
    assert.deepEqual(found, pool);
    assert.equal(typeof found!.createdAt, 'number');
  });

  test('a second pool with the same id is a StoreConflict and changes nothing', async () => {
    const pool = await storedPool(h.store);
    await assert.rejects(h.store.pools.createPool({ ...pool, name: 'other' }), (e: unknown) => e instanceof StoreConflict && e.what === 'pool');
    assert.equal((await h.store.pools.findPool(pool.id))!.name, 'pool');
  });

  test('updatePool replaces name and settings; false for an unknown pool', async () => {
    const pool = await storedPool(h.store);
    assert.equal(await h.store.pools.updatePool({ id: pool.id, name: 'renamed', settings: { a: 1 }, updatedAt: T0 + 5 }), true);
    const found = await h.store.pools.findPool(pool.id);
    assert.deepEqual([found!.name, found!.settings, found!.updatedAt], ['renamed', { a: 1 }, T0 + 5]);
    assert.equal(await h.store.pools.updatePool({ id: 'us-east-1_missing', name: 'x', settings: {}, updatedAt: T0 }), false);
  });

  test('updatePoolIfUnchanged refuses when the stored pool changed meanwhile', async () => {
    const pool = await storedPool(h.store);
    const next = { id: pool.id, name: 'v2', settings: { v: 2 }, updatedAt: T0 + 1 };
    assert.equal(await h.store.pools.updatePoolIfUnchanged(next, { name: pool.name, settings: pool.settings }), true);
    // The same expectation again is now stale.
    assert.equal(await h.store.pools.updatePoolIfUnchanged({ ...next, name: 'v3' }, { name: pool.name, settings: pool.settings }), false);
    assert.equal((await h.store.pools.findPool(pool.id))!.name, 'v2');
  });

  test('concurrent updatePoolIfUnchanged from two connections: exactly one wins', async () => {
    const pool = await storedPool(h.store);
    const other = await h.openAnother();
    const expected = { name: pool.name, settings: pool.settings };
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? other : h.store).pools.updatePoolIfUnchanged({ id: pool.id, name: `n${i}`, settings: { i }, updatedAt: T0 + i }, expected),
      ),
    );
    assert.equal(results.filter(Boolean).length, 1);
  });

  test('deletePool removes the pool and its clients', async () => {
    const pool = await storedPool(h.store);
    const client = clientRecord(pool.id);
    await h.store.clients.createClient(client);
    assert.equal(await h.store.pools.deletePool(pool.id), true);
    assert.equal(await h.store.pools.findPool(pool.id), undefined);
    assert.equal(await h.store.clients.findClient(client.id), undefined);
    assert.equal(await h.store.pools.deletePool(pool.id), false);
  });

  test('listPools pages in byte order of ids, every pool once', async () => {
    // Case, '-' and '_' sort differently under linguistic collations than under bytes.
    for (const suffix of ['Abc', 'abc', 'a-b', 'a_b', 'B', 'a.b', 'ab']) await h.store.pools.createPool(poolRecord({ id: `eu-west-1_${suffix}` }));
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await h.store.pools.listPools(3, after);
      if (page.length === 0) break;
      seen.push(...page.map((p) => p.id));
      after = page[page.length - 1]!.id;
    }
    assert.ok(seen.length >= 7);
    assert.deepEqual(seen, [...seen].sort(byBytes));
    assert.equal(new Set(seen).size, seen.length);
  });
});

onEachDatabase('clients', (h) => {
  test('a client is stored, found by id alone and by pool, with its secret', async () => {
    const pool = await storedPool(h.store);
    const client = clientRecord(pool.id, { secret: 'not-really-a-secret', createdAt: T0, updatedAt: T0 });
    await h.store.clients.createClient(client);
    assert.deepEqual(await h.store.clients.findClient(client.id), client);
    assert.deepEqual(await h.store.clients.findPoolClient(pool.id, client.id), client);
    assert.equal(await h.store.clients.findPoolClient('us-east-1_other', client.id), undefined);
  });

  test('findClientWithPool reads the client and its pool in one, as each is stored', async () => {
    const pool = await storedPool(h.store);
    const client = clientRecord(pool.id, { secret: null, settings: { PreventUserExistenceErrors: 'ENABLED' }, createdAt: T0, updatedAt: T0 + 1 });
    await h.store.clients.createClient(client);
    assert.deepEqual(await h.store.clients.findClientWithPool(client.id), { client, pool: await h.store.pools.findPool(pool.id) });
    assert.equal(await h.store.clients.findClientWithPool('no-such-client'), undefined);
  });

  test('a duplicate client id is a StoreConflict', async () => {
    const pool = await storedPool(h.store);
    const client = clientRecord(pool.id);
    await h.store.clients.createClient(client);
    await assert.rejects(h.store.clients.createClient(client), (e: unknown) => e instanceof StoreConflict && e.what === 'client');
  });

  test('a client of an unknown pool is refused by the database', async () => {
    await assert.rejects(h.store.clients.createClient(clientRecord('us-east-1_nopool')));
  });

  test('updateClient and deleteClient act only within the named pool', async () => {
    const pool = await storedPool(h.store);
    const client = clientRecord(pool.id);
    await h.store.clients.createClient(client);
    assert.equal(await h.store.clients.updateClient({ id: client.id, poolId: 'us-east-1_other', name: 'x', settings: {}, updatedAt: T0 }), false);
    assert.equal(await h.store.clients.updateClient({ id: client.id, poolId: pool.id, name: 'renamed', settings: { s: true }, updatedAt: T0 + 9 }), true);
    const found = await h.store.clients.findClient(client.id);
    assert.deepEqual([found!.name, found!.settings, found!.updatedAt], ['renamed', { s: true }, T0 + 9]);
    assert.equal(await h.store.clients.deleteClient('us-east-1_other', client.id), false);
    assert.equal(await h.store.clients.deleteClient(pool.id, client.id), true);
    assert.equal(await h.store.clients.findClient(client.id), undefined);
  });

  test('listClients pages one pool in byte order of ids', async () => {
    const pool = await storedPool(h.store);
    const other = await storedPool(h.store);
    await h.store.clients.createClient(clientRecord(other.id));
    const ids = ['Zed', 'alpha', 'a_1', 'a-1', 'A1', 'beta'];
    for (const id of ids) await h.store.clients.createClient(clientRecord(pool.id, { id: `${pool.id}${id}` }));
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await h.store.clients.listClients(pool.id, 4, after);
      if (page.length === 0) break;
      seen.push(...page.map((c) => c.id));
      after = page[page.length - 1]!.id;
    }
    assert.deepEqual(seen, ids.map((id) => `${pool.id}${id}`).sort(byBytes));
  });
});
