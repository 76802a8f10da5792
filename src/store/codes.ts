// One-time codes (password reset, sign-up and attribute verification). The security-critical
// steps are single guarded statements, so they hold across processes sharing the database:
// - countLiveAttempt increments the attempt counter and returns the MAC only when the code
//   is live and under its cap, so no more than maxAttempts guesses are ever compared;
// - consumeCode succeeds for exactly one caller, however many race on the same code.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';
import { inTransaction, lockKey } from './tx.js';
import { toNullableNumber, toNumber } from './util.js';
import { prepare } from './prepared.js';

export interface CodeRecord {
  id: string;
  poolId: string;
  sub: string;
  purpose: string;
  mac: string;
  keyId: string;
  attempts: number;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
  supersededAt: number | null;
  attribute: string | null;
  /** The value of `attribute` (address, number) the code was sent to, when it was sent to one. */
  sentTo: string | null;
}

/** countLiveAttempt's answer: the counted code with its MAC, or why no guess was counted. */
export type LiveAttempt =
  | { kind: 'counted'; codeId: string; attempts: number; mac: string; keyId: string; attribute: string | null; sentTo: string | null }
  | { kind: 'expired' | 'exhausted' | 'consumed' | 'missing' };

type Row = Database['one_time_codes'];

function toRecord(row: Row): CodeRecord {
  return {
    id: row.id,
    poolId: row.pool_id,
    sub: row.sub,
    purpose: row.purpose,
    mac: row.mac,
    keyId: row.key_id,
    attempts: Number(row.attempts),
    createdAt: toNumber(row.created_at),
    expiresAt: toNumber(row.expires_at),
    consumedAt: toNullableNumber(row.consumed_at),
    supersededAt: toNullableNumber(row.superseded_at),
    attribute: row.attribute,
    sentTo: row.sent_to ?? null,
  };
}

// The statements of issuing, guessing and consuming (prepared.ts).
const CODE_COLUMNS = ['id', 'pool_id', 'sub', 'purpose', 'mac', 'key_id', 'attempts', 'created_at', 'expires_at', 'consumed_at', 'superseded_at', 'attribute', 'sent_to'] as const;
const insertCode = prepare(CODE_COLUMNS, (db, row: Pick<Row, (typeof CODE_COLUMNS)[number]>) => db.insertInto('one_time_codes').values(row));
const supersedeLive = prepare(['sub', 'purpose', 'at'], (db, p: { sub: string; purpose: string; at: number }) =>
  db
    .updateTable('one_time_codes')
    .set({ superseded_at: p.at })
    .where('sub', '=', p.sub)
    .where('purpose', '=', p.purpose)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null),
);
const latest = prepare(['sub', 'purpose'], (db, p: { sub: string; purpose: string }) =>
  db
    .selectFrom('one_time_codes')
    .selectAll()
    .where('sub', '=', p.sub)
    .where('purpose', '=', p.purpose)
    .where('superseded_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(1),
);
const countLive = prepare(['sub', 'purpose', 'now', 'maxAttempts'], (db, p: { sub: string; purpose: string; now: number; maxAttempts: number }) =>
  db
    .updateTable('one_time_codes')
    .set({ attempts: sql`attempts + 1` })
    .where('sub', '=', p.sub)
    .where('purpose', '=', p.purpose)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', p.now)
    .where('attempts', '<', p.maxAttempts)
    .returning(['id', 'attempts', 'mac', 'key_id', 'attribute', 'sent_to']),
);
const consume = prepare(['codeId', 'now'], (db, p: { codeId: string; now: number }) =>
  db
    .updateTable('one_time_codes')
    .set({ consumed_at: p.now })
    .where('id', '=', p.codeId)
    .where('consumed_at', 'is', null)
    .where('superseded_at', 'is', null),
);

export class CodeRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Issues a code and supersedes every earlier live one: one live code per user and purpose.
   * Issuers for the same user and purpose are serialised (lockKey): on PostgreSQL two nodes
   * issuing at once would otherwise each miss the other's new row and leave two live codes,
   * doubling the guesses an attacker gets.
   */
  async issueCode(code: Omit<CodeRecord, 'attempts' | 'consumedAt' | 'supersededAt' | 'sentTo'> & { sentTo?: string | null }): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      await lockKey(tx, `code:${code.sub}:${code.purpose}`);
      await supersedeLive.execute(tx, { sub: code.sub, purpose: code.purpose, at: code.createdAt });
      await insertCode.execute(tx, {
        id: code.id,
        pool_id: code.poolId,
        sub: code.sub,
        purpose: code.purpose,
        mac: code.mac,
        key_id: code.keyId,
        attempts: 0,
        created_at: code.createdAt,
        expires_at: code.expiresAt,
        consumed_at: null,
        superseded_at: null,
        attribute: code.attribute,
        sent_to: code.sentTo ?? null,
      });
    });
  }

  /** The user's newest code for the purpose that has not been superseded (live or not). */
  async latestCode(sub: string, purpose: string): Promise<CodeRecord | undefined> {
    const row = await latest.first(this.db, { sub, purpose });
    return row && toRecord(row);
  }

  /** Earlier codes (superseded or consumed) issued since `since`, to tell "stale" from "wrong". */
  async deadCodesSince(sub: string, purpose: string, since: number): Promise<CodeRecord[]> {
    const rows = await this.db
      .selectFrom('one_time_codes')
      .selectAll()
      .where('sub', '=', sub)
      .where('purpose', '=', purpose)
      .where('created_at', '>=', since)
      .where((eb) => eb.or([eb('superseded_at', 'is not', null), eb('consumed_at', 'is not', null)]))
      .orderBy('created_at', 'desc')
      .limit(10)
      .execute();
    return rows.map(toRecord);
  }

  /**
   * Counts one guess against the user's live code for the purpose, in ONE guarded UPDATE: the
   * row changes only while the code is unconsumed, unsuperseded, unexpired and under
   * maxAttempts. Two processes racing see the counter serialised by the row lock (PostgreSQL
   * re-checks the WHERE clause on the new row version; SQLite has one writer), so at most
   * maxAttempts guesses are ever compared. There is one live code per user and purpose
   * (issueCode), so the UPDATE touches at most one row. Only when no live code can take a guess does a read say why: no code,
   * or the newest one used, expired or spent.
   */
  async countLiveAttempt(sub: string, purpose: string, maxAttempts: number, now: number): Promise<LiveAttempt> {
    const row = await countLive.first(this.db, { sub, purpose, now, maxAttempts });
    if (row) {
      return { kind: 'counted', codeId: row.id, attempts: Number(row.attempts), mac: row.mac, keyId: row.key_id, attribute: row.attribute, sentTo: row.sent_to ?? null };
    }
    const latest = await this.latestCode(sub, purpose);
    if (!latest) return { kind: 'missing' };
    if (latest.consumedAt !== null) return { kind: 'consumed' };
    if (latest.expiresAt <= now) return { kind: 'expired' };
    return { kind: 'exhausted' };
  }

  /** Marks the code used; true for exactly one caller (the guarded UPDATE changes one row once). */
  async consumeCode(codeId: string, now: number): Promise<boolean> {
    return (await consume.affected(this.db, { codeId, now })) === 1;
  }

  /** Kills every live code of the user (for one purpose, or all) — after a password or contact change. */
  async invalidateCodes(sub: string, now: number, purpose?: string): Promise<number> {
    let q = this.db
      .updateTable('one_time_codes')
      .set({ superseded_at: now })
      .where('sub', '=', sub)
      .where('consumed_at', 'is', null)
      .where('superseded_at', 'is', null);
    if (purpose) q = q.where('purpose', '=', purpose);
    const res = await q.executeTakeFirst();
    return Number(res.numUpdatedRows);
  }
}
