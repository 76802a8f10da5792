// `userpool migrate`, and migrations when several processes start on a fresh database at once.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { runCli, startCli } from '../helpers/cli.js';
import { sdkClient, tempDataDir } from '../helpers/server.js';
import { createTestDatabase, postgresForTests, queryDatabase } from '../helpers/postgres.js';
import { migrationProvider } from '../../src/store/migrations/index.js';
import { sharedMacKeys } from './nodes.js';

const availability = await postgresForTests();
const MIGRATIONS = Object.keys(await migrationProvider.getMigrations()).sort();

const dirs: string[] = [];
function dataDir(): string {
  const d = tempDataDir();
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('userpool migrate', () => {
  test('on SQLite: applies every migration once, then finds nothing to do, then serve starts on it', async () => {
    const dir = dataDir();
    const first = await runCli(['migrate', '--data-dir', dir]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, [...MIGRATIONS.map((m) => `applied ${m}`), `userpool: database migrated (${MIGRATIONS.length} applied)`, ''].join('\n'));
    const second = await runCli(['migrate'], { USERPOOL_DATA_DIR: dir });
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, 'userpool: database already up to date\n');
    const running = await startCli(['--port', '0', '--data-dir', dir, '--log-level', 'silent']);
    assert.deepEqual(await running.stop(), { code: 0, signal: null });
  });

  test('a URL that is not postgres:// is refused without echoing it', async () => {
    const { code, stderr } = await runCli(['migrate', '--database-url', 'mysql://user:hunter2-secret@db/x', '--data-dir', dataDir()]);
    assert.equal(code, 2);
    assert.match(stderr, /^userpool migrate: --database-url must be a postgres:\/\/ URL/m);
    assert.ok(!stderr.includes('hunter2-secret'));
  });

  test('an unreachable database fails with exit code 1 and a message', async () => {
    const { code, stderr } = await runCli(['migrate', '--database-url', 'postgres://nobody@127.0.0.1:1/none', '--data-dir', dataDir()]);
    assert.equal(code, 1);
    assert.match(stderr, /^userpool migrate: .*ECONNREFUSED/m);
  });
});

describe('migrations on PostgreSQL', { skip: availability.skip }, () => {
  test('3 `userpool migrate` at once on a fresh database: each migration applied by exactly one', async () => {
    const database = await createTestDatabase(availability.url);
    try {
      const runs = await Promise.all([0, 1, 2].map(() => runCli(['migrate', '--database-url', database.url, '--data-dir', dataDir()], {}, 60_000)));
      for (const r of runs) assert.equal(r.code, 0, r.stderr);
      const applied = runs.flatMap((r) => r.stdout.split('\n').filter((l) => l.startsWith('applied ')).map((l) => l.slice(8))).sort();
      assert.deepEqual(applied, MIGRATIONS);
      const rows = await queryDatabase<{ name: string }>(database.url, 'select name from kysely_migration order by name');
      assert.deepEqual(rows.map((r) => r.name), MIGRATIONS);
      const again = await runCli(['migrate'], { USERPOOL_DATABASE_URL: database.url, USERPOOL_DATA_DIR: dataDir() });
      assert.equal(again.stdout, 'userpool: database already up to date\n');
    } finally {
      await database.drop();
    }
  });

  test('3 `userpool serve` started at once on a fresh database all come up on one schema', async () => {
    const database = await createTestDatabase(availability.url);
    const env = { USERPOOL_CODE_MAC_KEYS: sharedMacKeys() };
    const started = await Promise.allSettled(
      [0, 1, 2].map(() => startCli(['--port', '0', '--data-dir', dataDir(), '--database-url', database.url, '--log-level', 'silent'], env, 60_000)),
    );
    try {
      for (const s of started) assert.equal(s.status, 'fulfilled', s.status === 'rejected' ? String(s.reason) : '');
      const rows = await queryDatabase<{ name: string }>(database.url, 'select name from kysely_migration order by name');
      assert.deepEqual(rows.map((r) => r.name), MIGRATIONS);
      // Each serves, and sees what the others wrote.
      const names: string[] = [];
      for (const [i, s] of started.entries()) {
        const client = sdkClient((s as PromiseFulfilledResult<{ url: string }>).value.url);
        try {
          await client.send(new CreateUserPoolCommand({ PoolName: `from-node-${i}` }));
        } finally {
          client.destroy();
        }
        names.push(`from-node-${i}`);
      }
      const pools = await queryDatabase<{ name: string }>(database.url, 'select name from user_pools order by name');
      assert.deepEqual(pools.map((p) => p.name), names);
    } finally {
      for (const s of started) if (s.status === 'fulfilled') assert.deepEqual(await s.value.stop(), { code: 0, signal: null });
      await database.drop();
    }
  });
});
