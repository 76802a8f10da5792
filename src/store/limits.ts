// Rate and attempt limits counted in the database, so every process sharing it sees the same
// counts. A window is the sum of fixed buckets (a sliding window at bucket resolution); the
// increment is one upsert statement.
//
// A window of one bucket (the per-pool account-recovery rate: one row per pool per second) is
// counted by ONE guarded statement, `INSERT ... ON CONFLICT DO UPDATE SET count = count + n
// RETURNING count`, whose answer is the window's total. The race it prevents: requests on
// several nodes each reading the count, all seeing it under the limit, and all passing (a
// read-then-write lost update: a quota of 30 per second letting 30 x N through). PostgreSQL
// makes a second upsert of the same row wait for the first one's row lock and then add to the
// committed count (READ COMMITTED re-reads the conflicting row), SQLite has one writer, so the
// k-th request of a second is told exactly k, on 1 process or N. Being one statement, it needs
// no transaction of its own and holds the pool's row lock only for its own commit: that row
// is the one every recovery request of the pool writes, so a longer hold would queue them all.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';
import { inTransaction } from './tx.js';
import { toNumber } from './util.js';

export interface Window {
  /** Length of the window. */
  windowMs: number;
  /** Resolution: counts are kept per bucket of this length. */
  bucketMs: number;
}

export class LimitRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds `by` to the key's current bucket and returns the total over the window. */
  async hit(key: string, window: Window, now: number, by = 1): Promise<number> {
    const bucket = now - (now % window.bucketMs);
    if (window.windowMs <= window.bucketMs) {
      const row = await this.db
        .insertInto('rate_counters')
        .values({ key, window_start: bucket, count: by, expires_at: bucket + window.windowMs + window.bucketMs })
        .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_counters.count + ${by}` }))
        .returning('count')
        .executeTakeFirstOrThrow();
      return toNumber(row.count);
    }
    return inTransaction(this.db, async (tx) => {
      await tx
        .insertInto('rate_counters')
        .values({ key, window_start: bucket, count: by, expires_at: bucket + window.windowMs + window.bucketMs })
        .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_counters.count + ${by}` }))
        .execute();
      return this.sum(tx, key, window, now);
    });
  }

  /**
   * Counts several keys in one transaction (one commit); totals in the same order. One-bucket
   * windows (shared, hot rows like the pool's rate) are counted last, so their row locks are
   * held for the commit only; every caller takes the locks in that same order, so two
   * transactions never wait on each other crosswise.
   */
  async hitAll(hits: Array<{ key: string; window: Window }>, now: number): Promise<number[]> {
    if (hits.length === 1) return [await this.hit(hits[0]!.key, hits[0]!.window, now)];
    const order = hits.map((h, i) => ({ h, i })).sort((a, b) => Number(a.h.window.windowMs <= a.h.window.bucketMs) - Number(b.h.window.windowMs <= b.h.window.bucketMs));
    return inTransaction(this.db, async (tx) => {
      const repo = new LimitRepository(tx);
      const totals: number[] = new Array<number>(hits.length);
      for (const { h, i } of order) totals[i] = await repo.hit(h.key, h.window, now);
      return totals;
    });
  }

  /** The total over the window without counting anything. */
  async peek(key: string, window: Window, now: number): Promise<number> {
    return this.sum(this.db, key, window, now);
  }

  private async sum(db: Kysely<Database>, key: string, window: Window, now: number): Promise<number> {
    const row = await db
      .selectFrom('rate_counters')
      .select((eb) => eb.fn.sum<number | string | null>('count').as('total'))
      .where('key', '=', key)
      .where('window_start', '>', now - window.windowMs)
      // Only buckets up to `now`: a request is judged by the window it was made in, not by
      // buckets that requests stamped later (on another node, or while this one waited for
      // the row lock) have opened since. So a burst's outcome depends only on the order of the
      // hits in each bucket, the same on 1 process or N.
      .where('window_start', '<=', now)
      .executeTakeFirst();
    return toNumber(row?.total ?? 0);
  }

  /** Forgets a key's counts (a successful sign-in clears its failure count). */
  async clear(key: string): Promise<void> {
    await this.db.deleteFrom('rate_counters').where('key', '=', key).execute();
  }

  /** Drops buckets no window can see any more. */
  async prune(now: number): Promise<void> {
    await this.db.deleteFrom('rate_counters').where('expires_at', '<', now).execute();
  }
}
