// The per-pool account-recovery rate across processes on PostgreSQL: counted in one database
// row per second, so 4 processes refuse exactly what 1 process refuses.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ForgotPasswordCommand, TooManyRequestsException } from '@aws-sdk/client-cognito-identity-provider';
import { createTestDatabase, postgresForTests, queryDatabase, type TestDatabase } from '../helpers/postgres.js';
import { makePool } from '../reset/helpers.js';
import { startNodes, type Nodes } from './nodes.js';

const availability = await postgresForTests();
const PER_SECOND = 10;

describe('the per-pool recovery rate across 4 processes on PostgreSQL', { skip: availability.skip }, () => {
  let database: TestDatabase;
  let nodes: Nodes;

  before(async () => {
    database = await createTestDatabase(availability.url);
    nodes = await startNodes(4, database.url, { USERPOOL_RECOVERY_REQUESTS_PER_SECOND: String(PER_SECOND) });
  });
  after(async () => {
    await nodes?.stop();
    await database?.drop();
  });

  /** 30 ForgotPassword at once for distinct unknown names, spread over `spread` processes. */
  async function burst(spread: number) {
    const f = await makePool(nodes.clients[0]!);
    // Start just after a second begins, so the burst most likely stays in one bucket.
    await new Promise((r) => setTimeout(r, 1000 - (Date.now() % 1000) + 20));
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => nodes.clients[i % spread]!.send(new ForgotPasswordCommand({ ClientId: f.enabledClientId, Username: `nobody-${i}` }))),
    );
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof TooManyRequestsException, String(r.reason));
    const buckets = await queryDatabase<{ count: number }>(database.url, 'select count from rate_counters where key = $1', [`recovery-rate:${f.poolId}`]);
    return {
      ok: results.filter((r) => r.status === 'fulfilled').length,
      refused: results.filter((r) => r.status === 'rejected').length,
      counts: buckets.map((b) => Number(b.count)),
    };
  }

  for (const spread of [1, 4]) {
    test(`on ${spread} process${spread > 1 ? 'es' : ''}: the first ${PER_SECOND} of each second pass, every other one is refused`, async () => {
      const { ok, refused, counts } = await burst(spread);
      assert.equal(counts.reduce((a, b) => a + b, 0), 30, 'every request was counted once');
      // Exact whatever the number of seconds the burst spanned: per bucket, the first
      // PER_SECOND requests (by their place in the shared count) pass.
      assert.equal(ok, counts.reduce((a, c) => a + Math.min(c, PER_SECOND), 0));
      assert.equal(refused, counts.reduce((a, c) => a + Math.max(0, c - PER_SECOND), 0));
      assert.ok(ok >= PER_SECOND && ok < 30, `passed ${ok}`);
    });
  }
});
