import { PostgresAdapter, sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs fn in a transaction: the caller's when it already is one (so repository methods
 * compose inside Store.transaction), a new one otherwise.
 */
export async function inTransaction<T>(db: Kysely<Database>, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}

/**
 * Makes transactions that name the same key run one after another, from this call to their
 * end. For "supersede what exists, then insert" writes: under PostgreSQL's READ COMMITTED, the
 * UPDATE of a transaction cannot see a row that a concurrent one inserts, so two of them would
 * each leave their own row live. A transaction-scoped advisory lock (released at commit or
 * rollback, so never leaked) closes that. SQLite needs nothing: one writer at a time, and the
 * caller's first statement is a write.
 */
export async function lockKey(tx: Kysely<Database>, key: string): Promise<void> {
  if (!tx.isTransaction) throw new Error('lockKey needs a transaction');
  if (!(tx.getExecutor().adapter instanceof PostgresAdapter)) return;
  await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(tx);
}
