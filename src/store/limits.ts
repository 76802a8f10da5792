// Rate and attempt limits counted in the database, so every process sharing it sees the same
// counts. A window is the sum of fixed buckets (a sliding window at bucket resolution).
//
// Counting is ONE guarded statement, `INSERT ... ON CONFLICT DO UPDATE SET count = count + n
// RETURNING count`, over every key counted at once; it returns each current bucket's new
// count. The race it prevents: requests on several nodes each reading the count, all seeing
// it under the limit, and all passing (a read-then-write lost update: a quota of 30 per second
// letting 30 x N through). PostgreSQL makes a second upsert of the same row wait for the
// first one's row lock and then add to the committed count (READ COMMITTED re-reads the
// conflicting row), SQLite has one writer, so the k-th request of a bucket is told exactly k,
// on 1 process or N. Being one statement, it needs no transaction of its own and holds a row
// lock only for its own commit: the per-pool account-recovery rate row is the one every
// recovery request of the pool writes, so a longer hold would queue them all. The earlier
// buckets of a window are closed (no request stamped now adds to them), so their sum, read by
// a second statement, does not race with the increment.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';
import { toNumber } from './util.js';
import { prepare, type Prepared } from './prepared.js';

export interface Window {
  /** Length of the window. */
  windowMs: number;
  /** Resolution: counts are kept per bucket of this length. */
  bucketMs: number;
}

export interface Hit {
  key: string;
  window: Window;
  /** How much to add (default 1). */
  by?: number;
}

const bucketOf = (now: number, window: Window): number => now - (now % window.bucketMs);

type Values = Record<string, string | number>;
type CounterRow = Database['rate_counters'];

// The statements, prepared once per shape (how many keys, which comparisons; prepared.ts).
const upserts = new Map<string, Prepared<Values, Pick<CounterRow, 'key' | 'count'>>>();
const sumQueries = new Map<string, Prepared<Values, { key: string; total: number | string | null }>>();

// A successful sign-in clears its failure count.
const clearKey = prepare(['key'], (db, p: { key: string }) => db.deleteFrom('rate_counters').where('key', '=', p.key));

function upsertOf(rows: number, returning: boolean): Prepared<Values, Pick<CounterRow, 'key' | 'count'>> {
  const shape = `${rows}:${returning}`;
  let q = upserts.get(shape);
  if (!q) {
    const names = Array.from({ length: rows }, (_, i) => [`k${i}`, `s${i}`, `c${i}`, `e${i}`]).flat();
    q = prepare(names, (db, p: Values) => {
      const insert = db
        .insertInto('rate_counters')
        .values(Array.from({ length: rows }, (_, i) => ({ key: p[`k${i}`] as string, window_start: p[`s${i}`] as number, count: p[`c${i}`] as number, expires_at: p[`e${i}`] as number })))
        .onConflict((oc) => oc.columns(['key', 'window_start']).doUpdateSet({ count: sql`rate_counters.count + excluded.count` }));
      return returning ? insert.returning(['key', 'count']) : insert;
    }) as unknown as Prepared<Values, Pick<CounterRow, 'key' | 'count'>>;
    upserts.set(shape, q);
  }
  return q;
}

function sumsOf(inclusive: boolean[]): Prepared<Values, { key: string; total: number | string | null }> {
  const shape = inclusive.map((i) => (i ? '=' : '<')).join('');
  let q = sumQueries.get(shape);
  if (!q) {
    const names = inclusive.map((_, i) => [`k${i}`, `f${i}`, `t${i}`]).flat();
    q = prepare(names, (db, p: Values) =>
      db
        .selectFrom('rate_counters')
        .select((eb) => ['key', eb.fn.sum<number | string | null>('count').as('total')])
        .where((eb) =>
          eb.or(inclusive.map((inc, i) => eb.and([eb('key', '=', p[`k${i}`] as string), eb('window_start', '>', p[`f${i}`] as number), eb('window_start', inc ? '<=' : '<', p[`t${i}`] as number)]))),
        )
        .groupBy('key'),
    );
    sumQueries.set(shape, q);
  }
  return q;
}

export class LimitRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Adds `by` to the key's current bucket and returns the total over the window. */
  async hit(key: string, window: Window, now: number, by = 1): Promise<number> {
    return (await this.hitAll([{ key, window, by }], now))[0]!;
  }

  /** Counts several keys at once (one upsert); the window totals, in the same order. */
  async hitAll(hits: Hit[], now: number): Promise<number[]> {
    const current = await this.upsert(hits, now, true);
    const earlier = await this.earlierBuckets(hits, now);
    return hits.map((h) => (current.get(h.key) ?? 0) + (earlier.get(h.key) ?? 0));
  }

  /** Counts without reading anything back (a failure being recorded). */
  async add(hits: Hit[], now: number): Promise<void> {
    await this.upsert(hits, now, false);
  }

  /** The total over the window without counting anything. */
  async peek(key: string, window: Window, now: number): Promise<number> {
    return (await this.peekAll([{ key, window }], now))[0]!;
  }

  /** Several totals in one read, in the order asked. */
  async peekAll(keys: Array<{ key: string; window: Window }>, now: number): Promise<number[]> {
    const totals = await this.sums(keys.map((k) => ({ key: k.key, from: now - k.window.windowMs, to: now, inclusive: true })));
    return keys.map((k) => totals.get(k.key) ?? 0);
  }

  /** Forgets a key's counts (a successful sign-in clears its failure count). */
  async clear(key: string): Promise<void> {
    await clearKey.execute(this.db, { key });
  }

  /** Drops buckets no window can see any more. */
  async prune(now: number): Promise<void> {
    await this.db.deleteFrom('rate_counters').where('expires_at', '<', now).execute();
  }

  private async upsert(hits: Hit[], now: number, returning: boolean): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    if (hits.length === 0) return counts;
    // One row per key: an upsert may not touch the same row twice in one statement.
    const merged = new Map<string, { key: string; window_start: number; count: number; expires_at: number }>();
    for (const h of hits) {
      const start = bucketOf(now, h.window);
      const row = merged.get(h.key);
      if (row) row.count += h.by ?? 1;
      else merged.set(h.key, { key: h.key, window_start: start, count: h.by ?? 1, expires_at: start + h.window.windowMs + h.window.bucketMs });
    }
    // Rows in key order: PostgreSQL locks them in the order given, so two statements counting
    // the same keys in different orders would otherwise wait on each other crosswise.
    const rows = [...merged.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const values: Values = {};
    rows.forEach((r, i) => Object.assign(values, { [`k${i}`]: r.key, [`s${i}`]: r.window_start, [`c${i}`]: r.count, [`e${i}`]: r.expires_at }));
    for (const row of await upsertOf(rows.length, returning).rows(this.db, values)) counts.set(row.key, toNumber(row.count));
    return counts;
  }

  /** The closed buckets of each multi-bucket window (the current bucket excluded). */
  private async earlierBuckets(hits: Hit[], now: number): Promise<Map<string, number>> {
    const spans = hits
      .filter((h) => h.window.windowMs > h.window.bucketMs)
      .map((h) => ({ key: h.key, from: now - h.window.windowMs, to: bucketOf(now, h.window), inclusive: false }));
    return spans.length === 0 ? new Map() : this.sums(spans);
  }

  /**
   * Sums each key's buckets that start after `from` and before `to` (or at it, when
   * inclusive). Only buckets up to `now`: a request is judged by the window it was made in,
   * not by buckets that requests stamped later (on another node, or while this one waited for
   * a lock) have opened since. So a burst's outcome depends only on the order of the hits in
   * each bucket, the same on 1 process or N.
   */
  private async sums(spans: Array<{ key: string; from: number; to: number; inclusive: boolean }>): Promise<Map<string, number>> {
    const values: Values = {};
    spans.forEach((s, i) => Object.assign(values, { [`k${i}`]: s.key, [`f${i}`]: s.from, [`t${i}`]: s.to }));
    const rows = await sumsOf(spans.map((s) => s.inclusive)).rows(this.db, values);
    return new Map(rows.map((r) => [r.key, toNumber(r.total ?? 0)]));
  }
}
