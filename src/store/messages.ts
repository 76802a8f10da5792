// The outbox: every message the server sends is a row here first, recorded in the transaction
// that made its code. A delivery worker (delivery/worker.ts) claims due rows, sends them and
// records the outcome. Every state change that matters across processes is ONE guarded
// statement, so several processes on one database never send a message twice.
import { SqliteAdapter, sql, type ExpressionBuilder, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { MessageRecord } from './records.js';
import { toNullableNumber, toNumber } from './util.js';
import { prepare } from './prepared.js';

type Row = Database['messages'];

/** A message with its sending state. */
export interface OutboxMessage extends MessageRecord {
  attempts: number;
  /** When it is next due; null for rows nothing sends (the development log). */
  nextAttemptAt: number | null;
  claimedBy: string | null;
  claimedUntil: number | null;
  sentAt: number | null;
  lastError: string | null;
  expiresAt: number | null;
}

/** What recording a message stores beyond the log fields. */
export interface OutboxFields {
  nextAttemptAt: number | null;
  expiresAt: number | null;
  /** Subject and body with the secrets replaced; null when the message holds none. */
  redactedSubject: string | null;
  redactedBody: string | null;
}

/** Final states: nothing claims these again. */
export type FinalStatus = 'sent' | 'failed' | 'expired';

/**
 * The SET part that ends a message's secrets: the redacted copies (made when the message was
 * recorded) replace subject and body. A message recorded with no redacted copy (it held no
 * secret, or it belongs to the development log, which keeps its text) keeps its own.
 */
function redacted(eb: ExpressionBuilder<Database, 'messages'>) {
  return {
    subject: eb.fn.coalesce('redacted_subject', 'subject'),
    body: eb.fn.coalesce('redacted_body', 'body'),
    redacted_subject: null,
    redacted_body: null,
  };
}

function toRecord(row: Row): OutboxMessage {
  return {
    id: row.id,
    poolId: row.pool_id,
    sub: row.sub,
    channel: row.channel as MessageRecord['channel'],
    destination: row.destination,
    subject: row.subject,
    body: row.body,
    purpose: row.purpose,
    status: row.status,
    createdAt: toNumber(row.created_at),
    attempts: Number(row.attempts ?? 0),
    nextAttemptAt: toNullableNumber(row.next_attempt_at),
    claimedBy: row.claimed_by,
    claimedUntil: toNullableNumber(row.claimed_until),
    sentAt: toNullableNumber(row.sent_at),
    lastError: row.last_error,
    expiresAt: toNullableNumber(row.expires_at),
  };
}

export interface ClaimRequest {
  /** Who claims (one id per worker process). */
  owner: string;
  now: number;
  /** How long the claim holds; after it another worker may take the message over. */
  leaseMs: number;
  /** Only messages of these channels (the ones the worker has a transport for). */
  channels: ReadonlyArray<'EMAIL' | 'SMS'>;
  limit: number;
  /** Only these messages (a request waiting for its own message's first attempt). */
  ids?: readonly string[];
}

/** A busy journal scrub is retried for up to about two seconds. */
const SCRUB_ATTEMPTS = 100;
const SCRUB_RETRY_MS = 20;

const MESSAGE_COLUMNS = [
  'id', 'pool_id', 'sub', 'channel', 'destination', 'subject', 'body', 'purpose', 'status', 'created_at', 'attempts', 'next_attempt_at',
  'claimed_by', 'claimed_until', 'sent_at', 'last_error', 'expires_at', 'redacted_subject', 'redacted_body',
] as const;
// Every code sent is one (prepared.ts).
const insertMessage = prepare(MESSAGE_COLUMNS, (db, row: Pick<Database['messages'], (typeof MESSAGE_COLUMNS)[number]>) => db.insertInto('messages').values(row));

export class MessageRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async recordMessage(m: MessageRecord, outbox?: OutboxFields): Promise<void> {
    await insertMessage.execute(this.db, {
      id: m.id,
      pool_id: m.poolId,
      sub: m.sub,
      channel: m.channel,
      destination: m.destination,
      subject: m.subject,
      body: m.body,
      purpose: m.purpose,
      status: m.status,
      created_at: m.createdAt,
      attempts: 0,
      next_attempt_at: outbox?.nextAttemptAt ?? null,
      claimed_by: null,
      claimed_until: null,
      sent_at: null,
      last_error: null,
      expires_at: outbox?.expiresAt ?? null,
      redacted_subject: outbox?.redactedSubject ?? null,
      redacted_body: outbox?.redactedBody ?? null,
    });
  }

  /** Messages oldest first, optionally for one destination and channel. */
  async listMessages(opts: { channel?: 'EMAIL' | 'SMS'; destination?: string; limit?: number } = {}): Promise<OutboxMessage[]> {
    let q = this.db.selectFrom('messages').selectAll().orderBy('created_at').orderBy('id');
    if (opts.channel) q = q.where('channel', '=', opts.channel);
    if (opts.destination) q = q.where('destination', '=', opts.destination);
    if (opts.limit) q = q.limit(opts.limit);
    return (await q.execute()).map(toRecord);
  }

  async findMessage(id: string): Promise<OutboxMessage | undefined> {
    const row = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  async clearMessages(channel?: 'EMAIL' | 'SMS'): Promise<void> {
    let q = this.db.deleteFrom('messages');
    if (channel) q = q.where('channel', '=', channel);
    await q.execute();
  }

  /**
   * Claims due messages for one worker, in ONE guarded UPDATE, and returns them with their
   * attempt counted. The race it prevents: two workers (or a worker and a request waiting
   * for its message) both read the same due row and both send it. The subquery only proposes
   * candidates; the outer WHERE repeats the guard (still pending, due, not expired, lease
   * free), and that guard is evaluated against the row as it is when the UPDATE locks it.
   * On PostgreSQL READ COMMITTED the second UPDATE to reach a row waits for the first one's
   * commit, then re-checks the WHERE on the new row version (claimed_until now lies in the
   * future) and skips it; SQLite has a single writer. So exactly one claimant gets each row.
   */
  async claimDue(req: ClaimRequest): Promise<OutboxMessage[]> {
    if (req.channels.length === 0 || req.limit <= 0 || (req.ids && req.ids.length === 0)) return [];
    let candidates = this.db
      .selectFrom('messages')
      .select('id')
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', req.now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', req.now)]))
      .where('channel', 'in', [...req.channels]);
    if (req.ids) candidates = candidates.where('id', 'in', [...req.ids]);
    candidates = candidates.orderBy('next_attempt_at').orderBy('id').limit(req.limit);
    const rows = await this.db
      .updateTable('messages')
      .set({ claimed_by: req.owner, claimed_until: req.now + req.leaseMs, attempts: sql<number>`attempts + 1` })
      .where('id', 'in', candidates)
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', req.now)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', req.now)]))
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', req.now)]))
      .returningAll()
      .execute();
    return rows.map(toRecord);
  }

  /**
   * Records the end of a message (sent, failed for good) by the worker that holds it; the
   * redacted copies replace subject and body. False when the claim was lost (the lease ran
   * out and another worker took it).
   */
  async finish(id: string, owner: string, status: Exclude<FinalStatus, 'expired'>, now: number, error: string | null): Promise<boolean> {
    const res = await this.db
      .updateTable('messages')
      .set((eb) => ({
        status,
        sent_at: status === 'sent' ? now : null,
        last_error: error,
        claimed_by: null,
        claimed_until: null,
        next_attempt_at: null,
        ...redacted(eb),
      }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('claimed_by', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Releases the claim and makes the message due again at `nextAttemptAt` (a transient failure). */
  async retryLater(id: string, owner: string, nextAttemptAt: number, error: string): Promise<boolean> {
    const res = await this.db
      .updateTable('messages')
      .set({ next_attempt_at: nextAttemptAt, last_error: error, claimed_by: null, claimed_until: null })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('claimed_by', '=', owner)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Fails a pending message nobody holds (its caller was told delivery failed, so it must
   * not go out later). Guarded like a claim: a message being sent right now is left alone.
   */
  async cancel(id: string, now: number, error: string): Promise<boolean> {
    const res = await this.db
      .updateTable('messages')
      .set((eb) => ({
        status: 'failed',
        last_error: error,
        next_attempt_at: null,
        ...redacted(eb),
      }))
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Ends every pending message whose time is up and that nobody holds, and its secrets with
   * it; returns them (for the audit trail). Safe to run in every process.
   */
  async expireDue(now: number, limit = 500): Promise<OutboxMessage[]> {
    const candidates = this.db
      .selectFrom('messages')
      .select('id')
      .where('status', '=', 'pending')
      .where('expires_at', '<=', now)
      .limit(limit);
    const rows = await this.db
      .updateTable('messages')
      .set((eb) => ({
        status: 'expired',
        last_error: 'expired',
        next_attempt_at: null,
        ...redacted(eb),
      }))
      .where('id', 'in', candidates)
      .where('status', '=', 'pending')
      .where('expires_at', '<=', now)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<=', now)]))
      .returningAll()
      .execute();
    return rows.map(toRecord);
  }

  /**
   * Makes redactions final on disk. SQLite keeps earlier page images, the code still in them,
   * in its write-ahead log until a checkpoint recycles it; a TRUNCATE checkpoint copies the
   * log into the database (whose freed space is zeroed, see sqlite/open.ts) and empties it.
   * PostgreSQL keeps old row versions until VACUUM reuses their space; there is no statement
   * that forces that, so this does nothing there.
   *
   * A checkpoint already running (the background checkpointer, sqlite/checkpointer.ts, or
   * another process) makes this one answer busy without doing anything, so it is retried
   * until it has truncated the log.
   */
  async scrubJournal(): Promise<void> {
    if (!(this.db.getExecutor().adapter instanceof SqliteAdapter) || this.db.isTransaction) return;
    for (let attempt = 0; attempt < SCRUB_ATTEMPTS; attempt++) {
      const { rows } = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(this.db);
      if (Number(rows[0]?.busy ?? 0) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, SCRUB_RETRY_MS));
    }
  }

  /**
   * The soonest time a pending message of these channels can be claimed: its due time, or
   * the end of the lease that holds it (a claim left by a process that died).
   */
  async nextDueAt(channels: ReadonlyArray<'EMAIL' | 'SMS'>, now: number): Promise<number | undefined> {
    if (channels.length === 0) return undefined;
    const row = await this.db
      .selectFrom('messages')
      .select((eb) =>
        eb.fn
          .min(eb.case().when('claimed_until', '>', now).then(eb.ref('claimed_until')).else(eb.ref('next_attempt_at')).end())
          .as('due'),
      )
      .where('status', '=', 'pending')
      .where('channel', 'in', [...channels])
      .executeTakeFirst();
    return row?.due === null || row?.due === undefined ? undefined : Number(row.due);
  }
}
