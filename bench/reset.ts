// The reset journey's throughput, against the ceilings of the same machine in the same run:
//   - ConfirmForgotPassword success vs bare argon2id hashing (each success hashes once);
//   - wrong-code ConfirmForgotPassword and ForgotPassword vs a bare fastify route that
//     answers {} (the cost of HTTP + JSON with no work at all);
// each at 16 concurrent clients, with p50/p99, at 1k users and again at 100k users.
//
//   node --import tsx bench/reset.ts [--large 100000] [--requests 3000] [--successes 300] [--rounds 3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startApp } from '../src/app.js';
import { defaultConfig } from '../src/config/config.js';
import { PasswordHasher } from '../src/crypto/password.js';
import { sdkClient } from '../test/helpers/server.js';
import { checkpoint, emailOf, fillUsers, usernameOf } from './lib/users.js';
import { measure, type Figures } from './lib/load.js';
import { postJson } from './lib/http.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const LARGE = Number(args.get('large') ?? 100_000);
const REQUESTS = Number(args.get('requests') ?? 3000);
const SUCCESSES = Number(args.get('successes') ?? 300);
const CONCURRENCY = 16;
const SMALL = 1_000;
const WARMUP = 1_000;
const ROUNDS = Number(args.get('rounds') ?? 3);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const fmt = (f: Figures): string => `${f.opsPerSec.toFixed(0).padStart(7)} ops/s   p50 ${f.p50.toFixed(1).padStart(6)} ms   p99 ${f.p99.toFixed(1).padStart(6)} ms`;

async function bareRoute(): Promise<Figures> {
  const app = Fastify();
  app.post('/', async () => ({}));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}/`;
  const figures = await measure(REQUESTS, CONCURRENCY, async () => {
    await postJson(url, 'Nothing', {});
  });
  await app.close();
  return figures;
}

async function argon2Ceiling(): Promise<Figures> {
  const hasher = new PasswordHasher();
  return measure(SUCCESSES, CONCURRENCY, async (i) => {
    await hasher.hashPassword(`Bench-Password-${i}!`);
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'userpool-bench-'));
  const config = {
    ...defaultConfig(),
    port: 0,
    dataDir,
    logLevel: 'silent',
    // The limiters would answer most of these requests; the bench measures the work behind them.
    reset: {
      ...defaultConfig().reset,
      recoveryRequestsPerSecond: 1_000_000,
      forgotPasswordPerHour: 1_000_000,
      failedConfirmsPerHour: 1_000_000,
      failedConfirmsPerDay: 1_000_000,
      passwordChangedNotice: false,
    },
  };
  const app = await startApp(config);
  const sdk = sdkClient(app.url);
  const store = app.services.store;
  try {
    const pool = await sdk.send(new CreateUserPoolCommand({ PoolName: 'bench' }));
    const poolId = pool.UserPool!.Id!;
    const client = await sdk.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bench' }));
    const clientId = client.UserPoolClient!.ClientId!;
    const hash = await new PasswordHasher().hashPassword('Bench-Start-1!');

    console.log(`machine: ${process.arch}, node ${process.version}, ${CONCURRENCY} concurrent clients\n`);
    // Each round measures the ceilings right beside the runs they are compared with: on a
    // shared machine a ceiling taken minutes earlier is a different machine. Ratios are the
    // median of the rounds; figures are from the median round.
    const results: Record<number, Record<string, Figures>> = {};
    let filled = 0;
    let passwordRound = 0;
    for (const size of [SMALL, LARGE]) {
      await fillUsers(store, poolId, filled, size, hash);
      filled = size;
      await checkpoint(store);
      const pick = (i: number): number => (i * 7919) % size;
      if (size === SMALL) {
        // Untimed warm-up of both request paths, so JIT compilation is not billed to the
        // first size measured (the ratio between sizes would otherwise favour the second).
        await measure(WARMUP, CONCURRENCY, async (i) => {
          await postJson(app.url, 'ForgotPassword', { ClientId: clientId, Username: usernameOf(pick(i)) });
          await postJson(app.url, 'ConfirmForgotPassword', { ClientId: clientId, Username: usernameOf(pick(i)), ConfirmationCode: 'abc', Password: 'Bench-Wrong-1!' });
        });
      }
      const rounds: Array<Record<'bare' | 'argon' | 'forgot' | 'wrong' | 'success', Figures>> = [];
      for (let round = 0; round < ROUNDS; round++) {
        const bare = await bareRoute();
        const forgot = await measure(REQUESTS, CONCURRENCY, async (i) => {
          const status = await postJson(app.url, 'ForgotPassword', { ClientId: clientId, Username: usernameOf(pick(i)) });
          if (status !== 200) throw new Error(`ForgotPassword answered ${status}`);
        });
        const wrong = await measure(REQUESTS, CONCURRENCY, async (i) => {
          const status = await postJson(app.url, 'ConfirmForgotPassword', {
            ClientId: clientId,
            Username: usernameOf(pick(i)),
            ConfirmationCode: 'abc', // never a valid code: digits only are issued
            Password: 'Bench-Wrong-1!',
          });
          if (status !== 400) throw new Error(`wrong code answered ${status}`);
        });
        // Fresh codes for the success run, read back from the message log.
        const users = Array.from({ length: SUCCESSES }, (_, i) => pick(REQUESTS + i + passwordRound * SUCCESSES));
        for (const u of users) await postJson(app.url, 'ForgotPassword', { ClientId: clientId, Username: usernameOf(u) });
        const codes = new Map<string, string>();
        for (const m of await store.messages.listMessages({ channel: 'EMAIL' })) {
          codes.set(m.destination, /(\d{6})/.exec(m.body)![1]!);
        }
        await store.messages.clearMessages();
        passwordRound++;
        const argon = await argon2Ceiling();
        const success = await measure(SUCCESSES, CONCURRENCY, async (i) => {
          const u = users[i]!;
          const status = await postJson(app.url, 'ConfirmForgotPassword', {
            ClientId: clientId,
            Username: usernameOf(u),
            ConfirmationCode: codes.get(emailOf(u)),
            Password: `Bench-New-${passwordRound}-${i}!`,
          });
          if (status !== 200) throw new Error(`confirm answered ${status}`);
        });
        rounds.push({ bare, argon, forgot, wrong, success });
      }
      const ratio = (op: 'forgot' | 'wrong' | 'success'): number => {
        const base = op === 'success' ? 'argon' : 'bare';
        return median(rounds.map((r) => r[op].opsPerSec / r[base].opsPerSec));
      };
      const middle = (op: keyof (typeof rounds)[number]): Figures => rounds.map((r) => r[op]).sort((x, y) => x.opsPerSec - y.opsPerSec)[Math.floor(rounds.length / 2)]!;
      results[size] = { forgot: middle('forgot'), wrong: middle('wrong'), success: middle('success') };
      const pct = (x: number): string => `${(x * 100).toFixed(0)}%`;
      console.log(`${size} users (median of ${ROUNDS} rounds; per-round ratios ${rounds.map((r) => pct(r.success.opsPerSec / r.argon.opsPerSec)).join(' ')} for success):`);
      console.log(`  bare fastify {}         ${fmt(middle('bare'))}`);
      console.log(`  bare argon2id hash      ${fmt(middle('argon'))}`);
      console.log(`  ForgotPassword          ${fmt(results[size]!.forgot!)}   ${pct(ratio('forgot'))} of bare route (target >= 20%)`);
      console.log(`  Confirm, wrong code     ${fmt(results[size]!.wrong!)}   ${pct(ratio('wrong'))} of bare route (target >= 20%)`);
      console.log(`  Confirm, success        ${fmt(results[size]!.success!)}   ${pct(ratio('success'))} of bare argon2 (target >= 85%)\n`);
    }
    console.log(`ratio ${LARGE} users / ${SMALL} users (p50 latency; target < 1.3):`);
    for (const op of ['forgot', 'wrong', 'success']) {
      const r = results[LARGE]![op]!.p50 / results[SMALL]![op]!.p50;
      console.log(`  ${op.padEnd(8)} ${r.toFixed(2)}`);
    }
  } finally {
    sdk.destroy();
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
