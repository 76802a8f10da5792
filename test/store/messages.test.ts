// Store behaviour, the message log and outbox: what development mode lists, and the delivery
// worker's claim, which must hand each due message to exactly one claimant even when workers
// on two connections (two nodes) claim at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { onEachDatabase } from './harness.js';
import { T0 } from './fixtures.js';
import type { MessageRecord } from '../../src/store/records.js';

function message(destination: string, overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: randomUUID(), poolId: 'us-east-1_msgs', sub: null, channel: 'EMAIL', destination, subject: 'Your code', body: 'Your code is 123456',
    purpose: 'reset', status: 'recorded', createdAt: T0, ...overrides,
  };
}

onEachDatabase('messages', (h) => {
  test('recorded messages list oldest first, by destination and channel, and clear', async () => {
    const to = `${randomUUID()}@example.com`;
    const first = message(to, { createdAt: T0 });
    const second = message(to, { createdAt: T0 + 1, body: 'second' });
    const sms = message('+15550123', { channel: 'SMS', subject: null, createdAt: T0 + 2 });
    for (const m of [second, sms, first]) await h.store.messages.recordMessage(m);
    const listed = await h.store.messages.listMessages({ destination: to });
    assert.deepEqual(listed.map((m) => [m.id, m.body, m.createdAt]), [[first.id, first.body, T0], [second.id, 'second', T0 + 1]]);
    assert.ok((await h.store.messages.listMessages({ channel: 'SMS' })).some((m) => m.id === sms.id));
    await h.store.messages.clearMessages('SMS');
    assert.equal((await h.store.messages.listMessages({ channel: 'SMS' })).length, 0);
    assert.equal((await h.store.messages.listMessages({ destination: to })).length, 2);
  });

  test('workers on two connections claiming at once: every due message is claimed exactly once', async () => {
    const other = await h.openAnother();
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const m = message(`claim-${i}@example.com`, { status: 'pending', channel: 'EMAIL' });
      ids.push(m.id);
      await h.store.messages.recordMessage(m, { nextAttemptAt: T0, expiresAt: T0 + 3_600_000, redactedSubject: null, redactedBody: 'Your code is {####}' });
    }
    // Rounds of 8 concurrent claims. A claimant that loses a row to another gets fewer than
    // its limit (on PostgreSQL it skips the row rather than wait for a new candidate), so a
    // message may need a later round, as the worker's next poll; never two claimants.
    const claims: Array<Awaited<ReturnType<typeof h.store.messages.claimDue>>> = [];
    for (let round = 0; round < 10; round++) {
      const got = await Promise.all(
        Array.from({ length: 8 }, (_, w) =>
          (w % 2 ? other : h.store).messages.claimDue({ owner: `worker-${w}`, now: T0 + 1, leaseMs: 60_000, channels: ['EMAIL'], limit: 10, ids }),
        ),
      );
      if (got.every((g) => g.length === 0)) break;
      claims.push(...got);
    }
    const claimed = claims.flat().map((m) => m.id);
    assert.equal(new Set(claimed).size, claimed.length, 'no message is claimed twice');
    assert.deepEqual([...claimed].sort(), [...ids].sort(), 'every due message is claimed');
    for (const m of claims.flat()) assert.equal(m.attempts, 1);
    // Only the holder can finish it, once.
    const mine = claims.flat()[0]!;
    const holder = mine.claimedBy!;
    assert.equal(await other.messages.finish(mine.id, `${holder}-not`, 'sent', T0 + 2, null), false);
    assert.equal(await h.store.messages.finish(mine.id, holder, 'sent', T0 + 2, null), true);
    assert.equal(await h.store.messages.finish(mine.id, holder, 'sent', T0 + 3, null), false);
    const done = await h.store.messages.findMessage(mine.id);
    assert.deepEqual([done!.status, done!.sentAt, done!.body], ['sent', T0 + 2, 'Your code is {####}']);
  });
});
