// PostgreSQL for tests. USERPOOL_TEST_DATABASE_URL names a server and a database to connect to
// (the maintenance database `postgres` is right) as a role allowed to create databases; every
// test file then works in a database of its own, created fresh and dropped after, so runs and
// files never see each other's rows.
//
// Unset, the default below is tried: when it answers, the PostgreSQL tests run; when it does
// not, they are reported as skipped with the reason. CI sets the variable (.ci/run), and then
// an unreachable server fails the tests instead of skipping them.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface PostgresAvailability {
  url: string;
  /** Set when the tests cannot run, with the reason. */
  skip?: string;
}

let probed: Promise<PostgresAvailability> | undefined;

/** Where the PostgreSQL tests run, or why they cannot. */
export function postgresForTests(): Promise<PostgresAvailability> {
  probed ??= (async () => {
    const configured = process.env.USERPOOL_TEST_DATABASE_URL;
    if (configured) return { url: configured };
    const client = new pg.Client({ connectionString: DEFAULT_TEST_DATABASE_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return { url: DEFAULT_TEST_DATABASE_URL };
    } catch (err) {
      return {
        url: DEFAULT_TEST_DATABASE_URL,
        skip: `no PostgreSQL at ${DEFAULT_TEST_DATABASE_URL} (${(err as Error).message}); set USERPOOL_TEST_DATABASE_URL to run these tests`,
      };
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return probed;
}

export interface TestDatabase {
  /** URL of the fresh database. */
  url: string;
  name: string;
  /** Drops the database (ending any connection still open to it). */
  drop(): Promise<void>;
}

async function admin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty database for one test file. It is created with a linguistic (ICU en-US)
 * collation when the server offers one, the common production setup, so the suite proves the
 * store orders and matches text the same way as on SQLite under it; else with the default.
 */
export async function createTestDatabase(adminUrl: string): Promise<TestDatabase> {
  const name = `userpool_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await admin(adminUrl, async (client) => {
    try {
      await client.query(`create database ${name} template template0 encoding 'UTF8' locale_provider icu icu_locale 'en-US' locale 'C.UTF-8'`);
    } catch {
      await client.query(`create database ${name}`);
    }
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: () => admin(adminUrl, async (client) => void (await client.query(`drop database if exists ${name} with (force)`))),
  };
}

/** A direct client on a test database, for assertions on stored rows. */
export async function queryDatabase<T extends pg.QueryResultRow>(url: string, text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
