// One-time codes (password reset, sign-up and attribute verification). The security-critical
// steps are single guarded statements, so they hold across processes sharing the database:
// - countAttempt increments the attempt counter and returns the MAC only when the code is
//   live and under its cap, so no more than maxAttempts guesses are ever compared;
// - consumeCode succeeds for exactly one caller, however many race on the same code.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from './schema.js';
import { inTransaction, lockKey } from './tx.js';
import { toNullableNumber, toNumber } from './util.js';

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

export type AttemptResult =
  | { kind: 'counted'; attempts: number; mac: string; keyId: string }
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
      await tx
        .updateTable('one_time_codes')
        .set({ superseded_at: code.createdAt })
        .where('sub', '=', code.sub)
        .where('purpose', '=', code.purpose)
        .where('consumed_at', 'is', null)
        .where('superseded_at', 'is', null)
        .execute();
      await tx
        .insertInto('one_time_codes')
        .values({
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
        })
        .execute();
    });
  }

  /** The user's newest code for the purpose that has not been superseded (live or not). */
  async latestCode(sub: string, purpose: string): Promise<CodeRecord | undefined> {
    const row = await this.db
      .selectFrom('one_time_codes')
      .selectAll()
      .where('sub', '=', sub)
      .where('purpose', '=', purpose)
      .where('superseded_at', 'is', null)
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
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
   * Counts one guess against the code and hands back its MAC, in ONE guarded UPDATE: the
   * row changes only while the code is unconsumed, unexpired and under maxAttempts. Two
   * processes racing see the counter serialised by the row lock (PostgreSQL re-checks the
   * WHERE clause on the new row version; SQLite has one writer), so at most maxAttempts
   * guesses are ever compared. When nothing is updated, a read says why.
   */
  async countAttempt(codeId: string, maxAttempts: number, now: number): Promise<AttemptResult> {
    const row = await this.db
      .updateTable('one_time_codes')
      .set({ attempts: sql`attempts + 1` })
      .where('id', '=', codeId)
      .where('consumed_at', 'is', null)
      .where('superseded_at', 'is', null)
      .where('expires_at', '>', now)
      .where('attempts', '<', maxAttempts)
      .returning(['attempts', 'mac', 'key_id'])
      .executeTakeFirst();
    if (row) return { kind: 'counted', attempts: Number(row.attempts), mac: row.mac, keyId: row.key_id };
    const current = await this.db.selectFrom('one_time_codes').selectAll().where('id', '=', codeId).executeTakeFirst();
    if (!current) return { kind: 'missing' };
    if (current.consumed_at !== null || current.superseded_at !== null) return { kind: 'consumed' };
    if (toNumber(current.expires_at) <= now) return { kind: 'expired' };
    return { kind: 'exhausted' };
  }

  /** Marks the code used; true for exactly one caller (the guarded UPDATE changes one row once). */
  async consumeCode(codeId: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('one_time_codes')
      .set({ consumed_at: now })
      .where('id', '=', codeId)
      .where('consumed_at', 'is', null)
      .where('superseded_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
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
