// Opens the embedded SQLite database. WAL lets readers run beside the single writer; the
// busy timeout makes a second process on the same file wait for the lock instead of failing.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import type { Database } from '../schema.js';
import { isUniqueViolation } from '../util.js';
import { startCheckpointer, type Checkpointer } from './checkpointer.js';

/** Most distinct statements the cache keeps; the store issues a few dozen shapes. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * better-sqlite3 behind kysely, with prepared statements reused by SQL text. Kysely prepares
 * every query anew, and parsing SQL was a sixth of the request path's CPU. Reuse is safe:
 * kysely runs one query at a time on the connection and never leaves a statement iterating.
 */
function withStatementCache(db: BetterSqlite3.Database, checkpointer: Checkpointer | undefined): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => {
      checkpointer?.stop();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      let stmt = cache.get(sql);
      if (!stmt) {
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
        stmt = db.prepare(sql) as unknown as SqliteStatement;
        cache.set(sql, stmt);
      }
      return stmt;
    },
  };
}

/**
 * `onError` hears of every failed statement except unique-key conflicts (the store-errors
 * metric). `backgroundCheckpoints` moves checkpoints to a worker (checkpointer.ts): for the
 * server's long-lived store, not for a migration or a command that opens and closes at once.
 */
export function openSqlite(dataDir: string, onError?: (err: unknown) => void, backgroundCheckpoints = false): Kysely<Database> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'userpool.sqlite');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // SQLite's default page cache is 2 MiB; at 100k users the indexes alone outgrow it, and
  // every lookup then pays system calls for pages the OS already holds. 64 MiB of cache and
  // memory-mapped reads keep lookups flat as a pool grows.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('mmap_size = 268435456');
  // Freed space is zeroed, not left holding old row text: a message's code is overwritten by
  // its redacted copy once delivered (store/messages.ts), and must not linger in a free slot.
  sqlite.pragma('secure_delete = ON');
  // A log that grew under load is cut back to this size once checkpointed, not kept at its peak.
  sqlite.pragma('journal_size_limit = 67108864');
  return new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite, backgroundCheckpoints ? startCheckpointer(sqlite, file) : undefined) }),
    log: (event) => {
      if (event.level === 'error' && !isUniqueViolation(event.error)) onError?.(event.error);
    },
  });
}
