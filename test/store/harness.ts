// The store behaviour suite runs every test on each database: SQLite always, PostgreSQL when
// one is available (test/helpers/postgres.ts). A suite body is written once against the Store
// API; `onEachDatabase` registers it once per database, on a fresh, migrated database.
import { describe, before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStoreFrom, type DatabaseSettings } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';

export interface StoreHandle {
  /** The store under test (set before the first test runs). */
  readonly store: Store;
  readonly kind: 'sqlite' | 'postgres';
  /** Settings that open the same database again (a second "process"). */
  readonly settings: DatabaseSettings;
  /**
   * Another Store on the same database: on PostgreSQL a second connection pool, as another
   * node has (the same one on every call). On SQLite the same store: a process holds one connection, and a second
   * better-sqlite3 connection in the same process would wait for the file lock synchronously,
   * blocking the event loop that the first needs to finish its transaction.
   */
  openAnother(): Promise<Store>;
}

const availability = await postgresForTests();

export function onEachDatabase(title: string, body: (h: StoreHandle) => void): void {
  sqliteSuite(title, body);
  postgresSuite(title, body);
}

function baseSettings(): Omit<DatabaseSettings, 'dataDir' | 'databaseUrl'> {
  return { databasePoolSize: 10, databaseStatementTimeoutMs: 5000 };
}

function sqliteSuite(title: string, body: (h: StoreHandle) => void): void {
  describe(`${title} [sqlite]`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'userpool-store-'));
    const opened: Store[] = [];
    const handle = makeHandle('sqlite', { ...baseSettings(), dataDir: dir, databaseUrl: undefined }, opened);
    before(async () => {
      (handle as { store: Store }).store = await handle.openAnother();
    });
    after(async () => {
      for (const s of opened) await s.close();
      rmSync(dir, { recursive: true, force: true });
    });
    body(handle);
  });
}

function postgresSuite(title: string, body: (h: StoreHandle) => void): void {
  describe(`${title} [postgres]`, { skip: availability.skip }, () => {
    let database: TestDatabase | undefined;
    const opened: Store[] = [];
    const dir = mkdtempSync(join(tmpdir(), 'userpool-store-'));
    const handle = makeHandle('postgres', { ...baseSettings(), dataDir: dir, databaseUrl: undefined }, opened);
    before(async () => {
      database = await createTestDatabase(availability.url);
      (handle.settings as { databaseUrl: string | undefined }).databaseUrl = database.url;
      (handle as { store: Store }).store = await handle.openAnother();
    });
    after(async () => {
      for (const s of opened) await s.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    });
    body(handle);
  });
}

function makeHandle(kind: StoreHandle['kind'], settings: DatabaseSettings, opened: Store[]): StoreHandle {
  return {
    store: undefined as unknown as Store,
    kind,
    settings,
    async openAnother() {
      // One other pool is enough to model a second node, and keeps connections bounded.
      if (opened.length > (kind === 'sqlite' ? 0 : 1)) return opened[opened.length - 1]!;
      const store = await openStoreFrom(settings);
      opened.push(store);
      return store;
    },
  };
}
