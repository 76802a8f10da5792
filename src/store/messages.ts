import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { MessageRecord } from './records.js';
import { toNumber } from './util.js';

type Row = Database['messages'];

function toRecord(row: Row): MessageRecord {
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
  };
}

/** The log of every message the server sends (what development mode shows). */
export class MessageRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async recordMessage(m: MessageRecord): Promise<void> {
    await this.db
      .insertInto('messages')
      .values({
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
      })
      .execute();
  }

  /** Messages oldest first, optionally for one destination and channel. */
  async listMessages(opts: { channel?: 'EMAIL' | 'SMS'; destination?: string; limit?: number } = {}): Promise<MessageRecord[]> {
    let q = this.db.selectFrom('messages').selectAll().orderBy('created_at').orderBy('id');
    if (opts.channel) q = q.where('channel', '=', opts.channel);
    if (opts.destination) q = q.where('destination', '=', opts.destination);
    if (opts.limit) q = q.limit(opts.limit);
    return (await q.execute()).map(toRecord);
  }

  async clearMessages(channel?: 'EMAIL' | 'SMS'): Promise<void> {
    let q = this.db.deleteFrom('messages');
    if (channel) q = q.where('channel', '=', channel);
    await q.execute();
  }
}
