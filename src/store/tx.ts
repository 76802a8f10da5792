import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

/**
 * Runs fn in a transaction: the caller's when it already is one (so repository methods
 * compose inside Store.transaction), a new one otherwise.
 */
export async function inTransaction<T>(db: Kysely<Database>, fn: (tx: Kysely<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}
