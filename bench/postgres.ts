// Reset and sign-in throughput on PostgreSQL against SQLite, in the same run, with 1 and with 2
// `userpool serve` processes (real processes, clients spread round-robin over them):
//   - ForgotPassword (a code issued, a message recorded: the reset path's writes);
//   - ConfirmForgotPassword with a wrong code (limits, the counted attempt, a comparison);
//   - InitiateAuth USER_PASSWORD_AUTH (one argon2id verification each, production cost).
// Two processes on SQLite share one database file (WAL, one writer at a time); on PostgreSQL
// they share one database. Each at 16 concurrent clients, with p50/p99, then the ratios.
// The PostgreSQL half needs USERPOOL_TEST_DATABASE_URL (or the local default server); a fresh
// database is made for the run and dropped after.
//
//   node --import tsx bench/postgres.ts [--requests 2000] [--signins 300]
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig } from '../src/config/config.js';
import { PasswordHasher } from '../src/crypto/password.js';
import { openStoreFrom, type DatabaseSettings } from '../src/store/open.js';
import { sdkClient } from '../test/helpers/server.js';
import { startCli, type Running } from '../test/helpers/cli.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../test/helpers/postgres.js';
import { fillUsers, usernameOf } from './lib/users.js';
import { measure, type Figures } from './lib/load.js';
import { postJson } from './lib/http.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const REQUESTS = Number(args.get('requests') ?? 2000);
const SIGNINS = Number(args.get('signins') ?? 300);
const USERS = 500;
const CONCURRENCY = 16;
const PASSWORD = 'Bench-Postgres-1!';

type Op = 'forgot' | 'wrong' | 'signIn';
const OPS: Array<[Op, string]> = [
  ['forgot', 'ForgotPassword'],
  ['wrong', 'Confirm, wrong code'],
  ['signIn', 'USER_PASSWORD_AUTH'],
];

const fmt = (f: Figures): string => `${f.opsPerSec.toFixed(0).padStart(6)} ops/s  p50 ${f.p50.toFixed(1).padStart(6)} ms  p99 ${f.p99.toFixed(1).padStart(6)} ms`;

/** Limits off: the bench measures the work behind them, not their refusals. */
const ENV = {
  USERPOOL_RECOVERY_REQUESTS_PER_SECOND: '100000',
  USERPOOL_RESET_REQUESTS_PER_HOUR: '10000',
  USERPOOL_RESET_FAILED_CONFIRMS_PER_HOUR: '1000',
  USERPOOL_RESET_FAILED_CONFIRMS_PER_DAY: '10000',
  USERPOOL_RESET_PASSWORD_CHANGED_NOTICE: 'false',
};

async function runSetup(label: string, settings: DatabaseSettings, processes: number): Promise<Record<Op, Figures>> {
  const macKeys = `k1:${randomBytes(32).toString('base64')}`;
  const dbArgs = settings.databaseUrl ? ['--database-url', settings.databaseUrl] : [];
  const running: Running[] = [];
  try {
    for (let p = 0; p < processes; p++) {
      // SQLite's processes share the data directory (the database file); PostgreSQL's do not.
      const dataDir = settings.databaseUrl ? mkdtempSync(join(tmpdir(), 'userpool-bench-node-')) : settings.dataDir;
      running.push(await startCli(['--port', '0', '--data-dir', dataDir, ...dbArgs, '--log-level', 'silent'], { ...ENV, USERPOOL_CODE_MAC_KEYS: macKeys }, 60_000));
    }
    const urls = running.map((r) => r.url);
    const sdk = sdkClient(urls[0]!);
    const poolId = (await sdk.send(new CreateUserPoolCommand({ PoolName: 'bench' }))).UserPool!.Id!;
    const client = await sdk.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bench', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
    );
    sdk.destroy();
    const clientId = client.UserPoolClient!.ClientId!;
    const store = await openStoreFrom({ ...settings, databasePoolSize: 2 });
    try {
      await fillUsers(store, poolId, 0, USERS, await new PasswordHasher().hashPassword(PASSWORD));
    } finally {
      await store.close();
    }
    const url = (i: number): string => urls[i % urls.length]!;
    const pick = (i: number): string => usernameOf((i * 7919) % USERS);
    const expect = (want: number) => (status: number, op: string) => {
      if (status !== want) throw new Error(`${label}: ${op} answered ${status}`);
    };
    const forgot = await measure(REQUESTS, CONCURRENCY, async (i) =>
      expect(200)(await postJson(url(i), 'ForgotPassword', { ClientId: clientId, Username: pick(i) }), 'ForgotPassword'),
    );
    const wrong = await measure(REQUESTS, CONCURRENCY, async (i) =>
      expect(400)(
        await postJson(url(i), 'ConfirmForgotPassword', { ClientId: clientId, Username: pick(i), ConfirmationCode: 'abc', Password: 'Bench-Wrong-1!' }),
        'ConfirmForgotPassword',
      ),
    );
    const signIn = await measure(SIGNINS, CONCURRENCY, async (i) =>
      expect(200)(
        await postJson(url(i), 'InitiateAuth', { ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: pick(i), PASSWORD } }),
        'InitiateAuth',
      ),
    );
    return { forgot, wrong, signIn };
  } finally {
    await Promise.all(running.map((r) => r.stop()));
  }
}

async function main(): Promise<void> {
  const base = { ...defaultConfig() };
  const results = new Map<string, Record<Op, Figures>>();
  const pg = await postgresForTests();
  console.log(`node ${process.version}, ${CONCURRENCY} concurrent clients, ${USERS} users, argon2id at production cost\n`);
  for (const processes of [1, 2]) {
    const dataDir = mkdtempSync(join(tmpdir(), 'userpool-bench-'));
    try {
      results.set(`sqlite/${processes}`, await runSetup(`sqlite x${processes}`, { ...base, dataDir, databaseUrl: undefined }, processes));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    if (pg.skip) continue;
    let database: TestDatabase | undefined;
    try {
      database = await createTestDatabase(pg.url);
      results.set(`postgres/${processes}`, await runSetup(`postgres x${processes}`, { ...base, dataDir: tmpdir(), databaseUrl: database.url }, processes));
    } finally {
      await database?.drop();
    }
  }
  for (const [key, figures] of results) {
    console.log(`${key.replace('/', ', ')} process(es):`);
    for (const [op, name] of OPS) console.log(`  ${name.padEnd(20)} ${fmt(figures[op])}`);
  }
  if (pg.skip) {
    console.log(`\nPostgreSQL half skipped: ${pg.skip}`);
    return;
  }
  console.log('\nratios (throughput):');
  for (const [op, name] of OPS) {
    const r = (a: string, b: string) => (results.get(a)![op].opsPerSec / results.get(b)![op].opsPerSec).toFixed(2);
    console.log(
      `  ${name.padEnd(20)} postgres/sqlite: 1 process ${r('postgres/1', 'sqlite/1')}, 2 processes ${r('postgres/2', 'sqlite/2')}   ` +
        `2/1 processes: sqlite ${r('sqlite/2', 'sqlite/1')}, postgres ${r('postgres/2', 'postgres/1')}`,
    );
  }
}

await main();
