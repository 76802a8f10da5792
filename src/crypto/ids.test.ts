import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeOrderedUuid } from './ids.js';

test('timeOrderedUuid is a version 7 UUID whose text sorts by its time', () => {
  const t = Date.UTC(2026, 10, 22, 8, 0, 0);
  const ids = [t, t + 1, t + 1000, t + 86_400_000].map((ms) => timeOrderedUuid(ms));
  for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual([...ids].sort(), ids);
  assert.equal(parseInt(ids[0]!.replace(/-/g, '').slice(0, 12), 16), t, 'the first 48 bits are the milliseconds');
});

test('timeOrderedUuid differs in the same millisecond (74 random bits)', () => {
  const t = Date.UTC(2026, 10, 22);
  const seen = new Set(Array.from({ length: 1000 }, () => timeOrderedUuid(t)));
  assert.equal(seen.size, 1000);
});
