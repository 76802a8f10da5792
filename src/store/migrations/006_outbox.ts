// The message log becomes the outbox: a row is recorded inside the transaction that makes its
// code, and a delivery worker sends it afterwards. These columns carry the sending state:
// - attempts, next_attempt_at: how often it was tried and when it is next due (NULL: never,
//   for rows that nothing sends: the development log and rows recorded before this migration);
// - claimed_by, claimed_until: the worker holding it; the lease lets another worker take over
//   once it runs out (a process that died mid-send);
// - sent_at, last_error (a classification, never the server's free text or the body);
// - expires_at: after it the message is not worth sending (its code is dead);
// - redacted_subject, redacted_body: the copy with every secret replaced by {####}; it
//   overwrites subject and body once the message is sent, fails or expires.
// Portable column types, as in 001, so PostgreSQL runs the same migration.
import type { Kysely } from 'kysely';

const COLUMNS: Array<[string, 'integer' | 'bigint' | 'text']> = [
  ['next_attempt_at', 'bigint'],
  ['claimed_by', 'text'],
  ['claimed_until', 'bigint'],
  ['sent_at', 'bigint'],
  ['last_error', 'text'],
  ['expires_at', 'bigint'],
  ['redacted_subject', 'text'],
  ['redacted_body', 'text'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  // One column per statement: SQLite's ALTER TABLE adds one at a time.
  await db.schema.alterTable('messages').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  for (const [name, type] of COLUMNS) await db.schema.alterTable('messages').addColumn(name, type).execute();
  await db.schema.createIndex('messages_due').on('messages').columns(['status', 'next_attempt_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_due').execute();
  for (const [name] of [...COLUMNS].reverse()) await db.schema.alterTable('messages').dropColumn(name).execute();
  await db.schema.alterTable('messages').dropColumn('attempts').execute();
}
