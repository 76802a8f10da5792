// Nodes of one PostgreSQL database must hold the same code MAC keys; a node that does not is
// refused at start, with a message saying what to do (src/cli/sharedKeys.ts).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { runCli, startCli, type Running } from '../helpers/cli.js';
import { tempDataDir } from '../helpers/server.js';
import { createTestDatabase, postgresForTests, queryDatabase, type TestDatabase } from '../helpers/postgres.js';

const availability = await postgresForTests();

describe('code MAC keys shared by the nodes of a database', { skip: availability.skip }, () => {
  let database: TestDatabase;
  let first: Running;
  const dirs: string[] = [];
  const key = () => randomBytes(32).toString('base64');
  const k1 = key();
  const dir = () => {
    const d = tempDataDir();
    dirs.push(d);
    return d;
  };
  const serveArgs = () => ['serve', '--port', '0', '--data-dir', dir(), '--database-url', database.url, '--log-level', 'silent'];

  before(async () => {
    database = await createTestDatabase(availability.url);
    first = await startCli(serveArgs().slice(1), { USERPOOL_CODE_MAC_KEYS: `k1:${k1}` });
  });
  after(async () => {
    await first?.stop();
    await database?.drop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('the database records a check value per key, never the key', async () => {
    const rows = await queryDatabase<{ key: string; value: string }>(database.url, "select key, value from settings_kv where key like 'code-mac-key-check:%'");
    assert.deepEqual(rows.map((r) => r.key), ['code-mac-key-check:k1']);
    assert.ok(!rows[0]!.value.includes(k1) && !rows[0]!.value.includes(Buffer.from(k1, 'base64').toString('hex')));
  });

  test('a node without USERPOOL_CODE_MAC_KEYS (a key of its own) is refused', async () => {
    const { code, stderr, stdout } = await runCli(serveArgs());
    assert.equal(code, 1);
    assert.match(stderr, /^userpool: could not start: none of this node's code MAC keys is one that other nodes of this database use: give every node the same USERPOOL_CODE_MAC_KEYS/m);
    assert.doesNotMatch(stdout, /listening/);
  });

  test('a node with a different key under the same id is refused, without the key in the message', async () => {
    const other = key();
    const { code, stderr } = await runCli(serveArgs(), { USERPOOL_CODE_MAC_KEYS: `k1:${other}` });
    assert.equal(code, 1);
    assert.match(stderr, /code MAC key k1 differs from the key k1 that other nodes of this database use/);
    assert.ok(!stderr.includes(other) && !stderr.includes(k1));
  });

  test('a node rotating in a new key beside the shared one starts, and records the new key', async () => {
    const running = await startCli(serveArgs().slice(1), { USERPOOL_CODE_MAC_KEYS: `k2:${key()},k1:${k1}` });
    assert.deepEqual(await running.stop(), { code: 0, signal: null });
    const rows = await queryDatabase<{ key: string }>(database.url, "select key from settings_kv where key like 'code-mac-key-check:%' order by key");
    assert.deepEqual(rows.map((r) => r.key), ['code-mac-key-check:k1', 'code-mac-key-check:k2']);
  });
});
