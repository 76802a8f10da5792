// User lookups must not slow down as a pool grows. Starts the real server (port 0, a temp
// data dir), fills one pool to 1k and then 100k users straight through the store (batched
// transactions, one precomputed password hash: no KDF per user), and times AdminGetUser and
// ListUsers with `email = "..."` and `email ^= "..."` through the AWS SDK at both sizes.
//
// The two sizes are measured a minute apart, so a busy machine can skew their ratio. A second
// pool of 1k users in the same database is therefore measured again beside the 100k pool,
// request for request (alternating), which cancels that noise: the "control" ratio.
//
//   node --import tsx bench/userLookup.ts [--requests 2000] [--large 100000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomInt } from 'node:crypto';
import { AdminGetUserCommand, CognitoIdentityProviderClient, CreateUserPoolCommand, ListUsersCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startApp } from '../src/app.js';
import { defaultConfig } from '../src/config/config.js';
import { checkpoint, emailOf, fillUsers, usernameOf } from './lib/users.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const REQUESTS = Number(args.get('requests') ?? 2000);
const SMALL = 1_000;
const LARGE = Number(args.get('large') ?? 100_000);
const WARMUP = 200;
/** Untimed calls of every operation before the first measurement, so JIT warm-up is not billed to the small pool. */
const GLOBAL_WARMUP = 3_000;
const TARGET_RATIO = 1.5;

type Call = (poolId: string, i: number) => Promise<void>;
interface Target {
  poolId: string;
  size: number;
}
interface Figures {
  p50: number;
  p99: number;
}

function figures(times: number[]): Figures {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  return { p50: at(50), p99: at(99) };
}

async function timed(call: Call, target: Target): Promise<number> {
  const i = randomInt(target.size);
  const t0 = process.hrtime.bigint();
  await call(target.poolId, i);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/**
 * Sequential requests (latency, not throughput): WARMUP untimed, then REQUESTS timed per
 * target; with several targets the requests alternate between them.
 */
async function measure(call: Call, targets: Target[]): Promise<Figures[]> {
  for (let i = 0; i < WARMUP; i++) for (const t of targets) await timed(call, t);
  const times = targets.map(() => [] as number[]);
  for (let i = 0; i < REQUESTS; i++) {
    for (let k = 0; k < targets.length; k++) times[k]!.push(await timed(call, targets[k]!));
  }
  return times.map(figures);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'userpool-bench-'));
  const app = await startApp({ ...defaultConfig(), port: 0, logLevel: 'silent', dataDir });
  const client = new CognitoIdentityProviderClient({
    endpoint: app.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIABENCHBENCHBENCH0', secretAccessKey: 'bench-secret-key-000000000000000' },
    maxAttempts: 1,
  });
  try {
    const store = app.services.store;
    const growing = (await client.send(new CreateUserPoolCommand({ PoolName: 'bench-growing' }))).UserPool!.Id!;
    const control = (await client.send(new CreateUserPoolCommand({ PoolName: 'bench-control' }))).UserPool!.Id!;
    const passwordHash = await app.services.passwords.hashPassword('Bench-Pass-123');

    const operations: Array<[string, Call]> = [
      [
        'AdminGetUser',
        async (poolId, i) => {
          const out = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: usernameOf(i) }));
          if (out.Username !== usernameOf(i)) throw new Error('AdminGetUser returned the wrong user');
        },
      ],
      [
        'ListUsers email = "..."',
        async (poolId, i) => {
          const out = await client.send(new ListUsersCommand({ UserPoolId: poolId, Filter: `email = "${emailOf(i)}"` }));
          if (out.Users?.length !== 1) throw new Error('exact filter did not find exactly one user');
        },
      ],
      [
        'ListUsers email ^= "..."',
        async (poolId, i) => {
          // The first 9 characters (user + 5 digits) match 10 users at either size.
          const out = await client.send(new ListUsersCommand({ UserPoolId: poolId, Filter: `email ^= "${emailOf(i).slice(0, 9)}"` }));
          if (!out.Users || out.Users.length < 1 || out.Users.length > 10) throw new Error('prefix filter returned an unexpected page');
        },
      ],
    ];

    const started = Date.now();
    await fillUsers(store, growing, 0, SMALL, passwordHash);
    await fillUsers(store, control, 0, SMALL, passwordHash);
    await checkpoint(store);
    for (let i = 0; i < GLOBAL_WARMUP; i++) for (const [, call] of operations) await call(growing, randomInt(SMALL));
    const atSmall = new Map<string, Figures>();
    for (const [name, call] of operations) atSmall.set(name, (await measure(call, [{ poolId: growing, size: SMALL }]))[0]!);

    const t0 = Date.now();
    await fillUsers(store, growing, SMALL, LARGE, passwordHash);
    await checkpoint(store);
    console.log(`pool grown from ${fmt(SMALL)} to ${fmt(await store.users.countUsers(growing))} users in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const atLarge = new Map<string, Figures>();
    const controlFigures = new Map<string, Figures>();
    for (const [name, call] of operations) {
      const [large, small] = await measure(call, [
        { poolId: growing, size: LARGE },
        { poolId: control, size: SMALL },
      ]);
      atLarge.set(name, large!);
      controlFigures.set(name, small!);
    }

    const header = ['operation', `p50 @${fmt(SMALL)}`, `p99 @${fmt(SMALL)}`, `p50 @${fmt(LARGE)}`, `p99 @${fmt(LARGE)}`, 'p50 ratio', 'p99 ratio', 'control p50', 'control ratio'];
    const rows: string[][] = [];
    let worst = 0;
    let worstControl = 0;
    for (const [name] of operations) {
      const a = atSmall.get(name)!;
      const b = atLarge.get(name)!;
      const c = controlFigures.get(name)!;
      worst = Math.max(worst, b.p50 / a.p50);
      worstControl = Math.max(worstControl, b.p50 / c.p50);
      rows.push([name, ms(a.p50), ms(a.p99), ms(b.p50), ms(b.p99), ratio(b.p50 / a.p50), ratio(b.p99 / a.p99), ms(c.p50), ratio(b.p50 / c.p50)]);
    }
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log('');
    console.log(`User lookups through the AWS SDK: ${REQUESTS} sequential requests per cell, latency in ms.`);
    console.log(`Ratios are ${fmt(LARGE)} / ${fmt(SMALL)} users in the same pool; the control is a second ${fmt(SMALL)}-user pool`);
    console.log(`measured alternately with the ${fmt(LARGE)}-user pool, so machine noise hits both alike.`);
    console.log('');
    console.log(line(header));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const r of rows) console.log(line(r));
    console.log('');
    console.log(`KDF runs: ${app.services.passwords.kdfCalls} (the one precomputed hash). Total time ${((Date.now() - started) / 1000).toFixed(0)} s.`);
    console.log(`worst p50 ratio ${fmt(LARGE)}/${fmt(SMALL)}:         ${ratio(worst)}  (target under x${TARGET_RATIO}) ${verdict(worst)}`);
    console.log(`worst p50 ratio ${fmt(LARGE)}/${fmt(SMALL)} control: ${ratio(worstControl)}  (target under x${TARGET_RATIO}) ${verdict(worstControl)}`);
  } finally {
    client.destroy();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const fmt = (n: number): string => n.toLocaleString('en-US');
const ms = (v: number): string => v.toFixed(2);
const ratio = (v: number): string => `x${v.toFixed(2)}`;
const verdict = (v: number): string => (v < TARGET_RATIO ? 'OK' : 'OVER TARGET');

await main();
