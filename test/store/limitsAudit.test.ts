// Store behaviour, rate limits and the audit trail. Limits are counted in the database so that
// every process sharing it sees one count: concurrent hits from two connections still hand out
// each total exactly once, which is what makes a limit trip at the same request on 1 or N nodes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { onEachDatabase } from './harness.js';
import { storedPool, T0 } from './fixtures.js';
import type { Window } from '../../src/store/limits.js';
import type { AuditEventRecord } from '../../src/store/records.js';

const MINUTE_WINDOW: Window = { windowMs: 60_000, bucketMs: 10_000 };
const SECOND_WINDOW: Window = { windowMs: 1000, bucketMs: 1000 };

onEachDatabase('rate limits', (h) => {
  test('hit returns the running total over the window; peek reads it without counting', async () => {
    const key = `k:${randomUUID()}`;
    assert.equal(await h.store.limits.hit(key, MINUTE_WINDOW, T0), 1);
    assert.equal(await h.store.limits.hit(key, MINUTE_WINDOW, T0 + 1), 2);
    assert.equal(await h.store.limits.hit(key, MINUTE_WINDOW, T0 + 15_000, 3), 5, 'a later bucket adds to the window');
    assert.equal(await h.store.limits.peek(key, MINUTE_WINDOW, T0 + 15_000), 5);
    assert.equal(await h.store.limits.peek(key, MINUTE_WINDOW, T0 + 15_000), 5);
    assert.equal(typeof (await h.store.limits.peek(key, MINUTE_WINDOW, T0)), 'number');
  });

  test('buckets leave the window as time passes (a sliding window at bucket resolution)', async () => {
    const key = `k:${randomUUID()}`;
    const start = T0 - (T0 % MINUTE_WINDOW.bucketMs);
    await h.store.limits.hit(key, MINUTE_WINDOW, start);
    await h.store.limits.hit(key, MINUTE_WINDOW, start + 30_000);
    assert.equal(await h.store.limits.peek(key, MINUTE_WINDOW, start + 59_999), 2);
    assert.equal(await h.store.limits.peek(key, MINUTE_WINDOW, start + 60_000), 1, 'the first bucket has left');
    assert.equal(await h.store.limits.peek(key, MINUTE_WINDOW, start + 90_000), 0);
  });

  test('a request is judged by its own window: buckets opened after its time do not count', async () => {
    const key = `k:${randomUUID()}`;
    const start = T0 - (T0 % SECOND_WINDOW.bucketMs);
    // A request stamped in the next second (another node, or one that waited less) counted first.
    assert.equal(await h.store.limits.hit(key, SECOND_WINDOW, start + 1000), 1);
    assert.equal(await h.store.limits.hit(key, SECOND_WINDOW, start + 999), 1);
    assert.equal(await h.store.limits.hit(key, SECOND_WINDOW, start + 1500), 2);
  });

  test('keys are independent; clear forgets one key', async () => {
    const a = `a:${randomUUID()}`;
    const b = `b:${randomUUID()}`;
    await h.store.limits.hit(a, MINUTE_WINDOW, T0);
    await h.store.limits.hit(b, MINUTE_WINDOW, T0);
    await h.store.limits.clear(a);
    assert.equal(await h.store.limits.peek(a, MINUTE_WINDOW, T0), 0);
    assert.equal(await h.store.limits.peek(b, MINUTE_WINDOW, T0), 1);
  });

  test('hitAll counts several keys in one statement, totals over each window in order', async () => {
    const pool = `rate:${randomUUID()}`;
    const id = `id:${randomUUID()}`;
    await h.store.limits.hit(id, MINUTE_WINDOW, T0 - 20_000);
    await h.store.limits.hit(id, MINUTE_WINDOW, T0);
    assert.deepEqual(await h.store.limits.hitAll([{ key: pool, window: SECOND_WINDOW }, { key: id, window: MINUTE_WINDOW }], T0), [1, 3]);
    assert.deepEqual(await h.store.limits.hitAll([{ key: id, window: MINUTE_WINDOW, by: 2 }, { key: pool, window: SECOND_WINDOW }], T0 + 1), [5, 2]);
    assert.deepEqual(await h.store.limits.hitAll([{ key: id, window: MINUTE_WINDOW }, { key: id, window: MINUTE_WINDOW }], T0 + 2), [7, 7], 'a key named twice is counted twice, once');
  });

  test('add counts without reading; peekAll reads several windows at once', async () => {
    const hour = `h:${randomUUID()}`;
    const second = `s:${randomUUID()}`;
    await h.store.limits.add([{ key: hour, window: MINUTE_WINDOW }, { key: second, window: SECOND_WINDOW }], T0);
    await h.store.limits.add([{ key: hour, window: MINUTE_WINDOW, by: 4 }], T0 + 30_000);
    assert.deepEqual(await h.store.limits.peekAll([{ key: second, window: SECOND_WINDOW }, { key: hour, window: MINUTE_WINDOW }, { key: 'none', window: MINUTE_WINDOW }], T0 + 30_000), [0, 5, 0]);
    assert.deepEqual(await h.store.limits.peekAll([{ key: hour, window: MINUTE_WINDOW }, { key: second, window: SECOND_WINDOW }], T0 + 500), [1, 1]);
  });

  test('prune drops only buckets no window can see', async () => {
    const old = `old:${randomUUID()}`;
    const fresh = `fresh:${randomUUID()}`;
    await h.store.limits.hit(old, MINUTE_WINDOW, T0);
    await h.store.limits.hit(fresh, MINUTE_WINDOW, T0 + 200_000);
    await h.store.limits.prune(T0 + 200_000);
    assert.equal(await h.store.limits.peek(old, { windowMs: 10 * 60_000, bucketMs: 10_000 }, T0 + 200_000), 0);
    assert.equal(await h.store.limits.peek(fresh, MINUTE_WINDOW, T0 + 200_000), 1);
  });

  test('100 concurrent hits on two connections hand out every total from 1 to 100 exactly once', async () => {
    const key = `race:${randomUUID()}`;
    const other = await h.openAnother();
    const totals = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 ? other : h.store).limits.hit(key, MINUTE_WINDOW, T0 + 1)));
    assert.deepEqual([...totals].sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i + 1));
  });

  test('concurrent hitAll on shared and separate keys from two connections neither deadlocks nor loses a count', async () => {
    const shared = `pool:${randomUUID()}`;
    const other = await h.openAnother();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 ? other : h.store).limits.hitAll([{ key: shared, window: SECOND_WINDOW }, { key: `user:${i % 4}:${shared}`, window: MINUTE_WINDOW }], T0),
      ),
    );
    assert.deepEqual(results.map((r) => r[0]).sort((x, y) => x! - y!), Array.from({ length: 40 }, (_, i) => i + 1));
    for (let u = 0; u < 4; u++) assert.equal(await h.store.limits.peek(`user:${u}:${shared}`, MINUTE_WINDOW, T0), 10);
  });

  test('keys asked in either order (the per-pool rate row first or last): no crosswise wait, totals in the order asked', async () => {
    const shared = `pool:${randomUUID()}`;
    const user = `user:${randomUUID()}`;
    const other = await h.openAnother();
    // Half the callers name the pool's row first, half last: locked in the asked order, two
    // statements could each hold one row and wait for the other's.
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const hits = [{ key: shared, window: SECOND_WINDOW }, { key: user, window: MINUTE_WINDOW }];
        return (i % 2 ? other : h.store).limits.hitAll(i % 4 < 2 ? hits : [...hits].reverse(), T0).then((t) => (i % 4 < 2 ? t : [...t].reverse()));
      }),
    );
    assert.deepEqual(results.map((r) => r[0]).sort((x, y) => x! - y!), Array.from({ length: 40 }, (_, i) => i + 1));
    assert.deepEqual(results.map((r) => r[1]).sort((x, y) => x! - y!), Array.from({ length: 40 }, (_, i) => i + 1));
  });
});

onEachDatabase('audit trail', (h) => {
  function event(poolId: string, sub: string, createdAt: number, overrides: Partial<AuditEventRecord> = {}): AuditEventRecord {
    return {
      id: randomUUID(), poolId, sub, subjectKey: 'hashed-identifier', eventType: 'ForgotPassword', outcome: 'Fail', reason: 'code_mismatch',
      clientId: 'client', ip: '127.0.0.1', userAgent: 'test', device: null, details: { medium: 'EMAIL' }, createdAt, ...overrides,
    };
  }

  test('events round-trip and list per user newest first, paged by time', async () => {
    const pool = await storedPool(h.store);
    const sub = randomUUID();
    const events = [0, 1, 2, 3, 4].map((i) => event(pool.id, sub, T0 + i * 1000));
    for (const e of events) await h.store.audit.recordEvent(e);
    await h.store.audit.recordEvent(event(pool.id, randomUUID(), T0));
    const first = await h.store.audit.listUserEvents(pool.id, sub, 2);
    assert.deepEqual(first, [events[4], events[3]]);
    const next = await h.store.audit.listUserEvents(pool.id, sub, 10, first[1]!.createdAt);
    assert.deepEqual(next, [events[2], events[1], events[0]]);
  });

  test('an event without details or user is kept as such', async () => {
    const pool = await storedPool(h.store);
    const e = event(pool.id, randomUUID(), T0, { details: null, userAgent: null, ip: null });
    await h.store.audit.recordEvent(e);
    assert.deepEqual(await h.store.audit.listUserEvents(pool.id, e.sub!, 5), [e]);
  });
});
