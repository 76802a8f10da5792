// Opens PostgreSQL through kysely's PostgresDialect over a pg connection pool. Several userpool
// processes share one database this way; everything that must hold across them (attempt
// counters, code consumption, rate windows) is a single guarded statement in the repositories,
// so no session state or advisory lock is needed on the request path.
import pg from 'pg';
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import type { Database } from '../schema.js';
import { isUniqueViolation } from '../util.js';

export interface PostgresOptions {
  /** Most connections this process opens (pg Pool `max`). */
  poolSize: number;
  /**
   * Server-side statement_timeout in ms (0 = none): a stuck query (a lock held by a frozen
   * node, a runaway plan) fails the one request after this long instead of holding it and its
   * connection forever.
   */
  statementTimeoutMs: number;
  /** Called on every failure to reach the database or run a statement (metrics). */
  onError?: (err: unknown) => void;
}

/** pg's OID of int8 (bigint). */
const INT8_OID = 20;

/**
 * bigint columns (epoch-ms times) come back from pg as strings by default, because an int8 may
 * exceed 2^53. Ours are times and counters far below it, so they are parsed to numbers here;
 * a value that would lose precision is an error rather than a silently wrong time.
 */
function parseInt8(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error('a bigint column holds a value beyond 2^53');
  return n;
}

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format);
  },
};

/** How long to wait for a new connection before the request fails (PostgreSQL down or unreachable). */
const CONNECT_TIMEOUT_MS = 5_000;
/**
 * A transaction left open this long is ended by the server, releasing its row locks: a node
 * frozen mid-transaction must not stall the others. No userpool transaction waits on anything
 * but the database (passwords are hashed before a transaction starts).
 */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

export function postgresPool(url: string, options: PostgresOptions): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    application_name: 'userpool',
    ...(options.statementTimeoutMs > 0 ? { statement_timeout: options.statementTimeoutMs } : {}),
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    types,
  });
  // An idle connection that the server closes (PostgreSQL restarted, connection killed) is
  // reported here. Without a listener, Node would treat it as an unhandled error and exit; with
  // it the pool drops the connection and opens a new one when next needed, so userpool
  // recovers without a restart.
  pool.on('error', (err) => options.onError?.(err));
  return pool;
}

/**
 * A pool that reports failed connection attempts (kysely sees only failed statements) and
 * guards checked-out connections. pg-pool listens for 'error' only on idle connections; a
 * connection in use whose server session ends (PostgreSQL restarting, an administrator ending
 * sessions) emits 'error' with no listener, which would end the whole process. The listener
 * added here only reports it: the statement in flight fails on its own, and pg-pool discards
 * the broken connection when it is released.
 */
function reportingPool(pool: pg.Pool, onError: ((err: unknown) => void) | undefined): PostgresPool {
  const guarded = new WeakSet<pg.PoolClient>();
  return {
    async connect(): Promise<PostgresPoolClient> {
      let client: pg.PoolClient;
      try {
        client = await pool.connect();
      } catch (err) {
        onError?.(err);
        throw err;
      }
      if (!guarded.has(client)) {
        guarded.add(client);
        client.on('error', (err) => onError?.(err));
      }
      return client;
    },
    end: () => pool.end(),
  };
}

export function openPostgres(url: string, options: PostgresOptions): Kysely<Database> {
  const pool = postgresPool(url, options);
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: reportingPool(pool, options.onError) }),
    log: (event) => {
      // A unique violation is an expected answer (StoreConflict), not a failing database.
      if (event.level === 'error' && !isUniqueViolation(event.error)) options.onError?.(event.error);
    },
  });
}
