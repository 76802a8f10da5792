import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { AuditEventRecord, JsonObject } from './records.js';
import { toNumber } from './util.js';
import { prepare } from './prepared.js';

type Row = Database['audit_events'];

function toRecord(row: Row): AuditEventRecord {
  return {
    id: row.id,
    poolId: row.pool_id,
    sub: row.sub,
    subjectKey: row.subject_key,
    eventType: row.event_type,
    outcome: row.outcome,
    reason: row.reason,
    clientId: row.client_id,
    ip: row.ip,
    userAgent: row.user_agent,
    device: row.device,
    details: row.details === null ? null : (JSON.parse(row.details) as JsonObject),
    createdAt: toNumber(row.created_at),
  };
}

type EventRow = Database['audit_events'];
const EVENT_COLUMNS = ['id', 'pool_id', 'sub', 'subject_key', 'event_type', 'outcome', 'reason', 'client_id', 'ip', 'user_agent', 'device', 'details', 'created_at'] as const;
// Every audited request writes one (prepared.ts).
const insertEvent = prepare(EVENT_COLUMNS, (db, row: Pick<EventRow, (typeof EVENT_COLUMNS)[number]>) => db.insertInto('audit_events').values(row));

/** Security events (never holding a secret), queryable per user. */
export class AuditRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async recordEvent(e: AuditEventRecord): Promise<void> {
    await insertEvent.execute(this.db, {
      id: e.id,
      pool_id: e.poolId,
      sub: e.sub,
      subject_key: e.subjectKey,
      event_type: e.eventType,
      outcome: e.outcome,
      reason: e.reason,
      client_id: e.clientId,
      ip: e.ip,
      user_agent: e.userAgent,
      device: e.device,
      details: e.details === null ? null : JSON.stringify(e.details),
      created_at: e.createdAt,
    });
  }

  /** A user's events, newest first. */
  async listUserEvents(poolId: string, sub: string, limit: number, beforeCreatedAt?: number): Promise<AuditEventRecord[]> {
    let q = this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('pool_id', '=', poolId)
      .where('sub', '=', sub)
      // Message deliveries (delivery/worker.ts) are in the trail but are not auth events.
      .where('event_type', '<>', 'MessageDelivery')
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit);
    if (beforeCreatedAt !== undefined) q = q.where('created_at', '<', beforeCreatedAt);
    return (await q.execute()).map(toRecord);
  }
}
