// Chooses and opens the database from the configuration: PostgreSQL when a postgres:// URL is
// given, else the embedded SQLite file in the data directory. Both run the same migrations.
import { mkdirSync } from 'node:fs';
import { Migrator, sql, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';
import { openSqlite } from './sqlite/open.js';
import { openPostgres } from './postgres/open.js';
import { Store } from './store.js';

export interface DatabaseSettings {
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  databaseStatementTimeoutMs: number;
}

export interface OpenOptions {
  /** Called on each failed statement or connection attempt (the store-errors metric). */
  onError?: (err: unknown) => void;
  /** SQLite: checkpoint from a worker thread (sqlite/checkpointer.ts); for a long-lived store. */
  backgroundCheckpoints?: boolean;
}

/** Opens the database without migrating it. */
export function openDatabase(settings: DatabaseSettings, options: OpenOptions = {}): Kysely<Database> {
  if (settings.databaseUrl) {
    return openPostgres(settings.databaseUrl, {
      poolSize: settings.databasePoolSize,
      statementTimeoutMs: settings.databaseStatementTimeoutMs,
      onError: options.onError,
    });
  }
  mkdirSync(settings.dataDir, { recursive: true, mode: 0o700 });
  return openSqlite(settings.dataDir, options.onError, options.backgroundCheckpoints);
}

/**
 * Brings the schema up to date and returns the names of the migrations it applied (none when
 * it already was). On PostgreSQL kysely's Migrator holds an advisory lock while it works, so
 * several processes starting at once apply each migration once; the others wait, then find
 * nothing to do. The migration runs on its own connection without the statement timeout: a
 * migration of a large table, or the wait for another process's migration, may take longer
 * than a request ever should.
 */
export async function migrateDatabase(settings: DatabaseSettings): Promise<string[]> {
  const db = openDatabase({ ...settings, databasePoolSize: 1, databaseStatementTimeoutMs: 0 });
  try {
    return await migrateToLatest(db);
  } finally {
    await db.destroy();
  }
}

export async function migrateToLatest(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`database migration ${failed} failed: ${(error as Error).message}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Migrations this version knows that the database has not run (empty when current). */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/** One round trip to the database: throws when it cannot be reached. */
export async function pingDatabase(db: Kysely<Database>): Promise<void> {
  await sql`select 1`.execute(db);
}

/** Migrates, then opens the Store the server uses. */
export async function openStoreFrom(settings: DatabaseSettings, options: OpenOptions = {}): Promise<Store> {
  await migrateDatabase(settings);
  return new Store(openDatabase(settings, { backgroundCheckpoints: true, ...options }));
}
