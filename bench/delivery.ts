// ForgotPassword throughput with real delivery, against the same with the outbox only:
//   - outbox only: messages recorded, no transport (what a server without SMTP does);
//   - SMTP, the caller waits (PreventUserExistenceErrors LEGACY: the request waits for the
//     first attempt, so a refusal can be answered);
//   - SMTP, the caller does not wait (ENABLED: the worker sends after the answer), with the
//     time the outbox took to drain;
// each at 16 concurrent clients, with p50/p99 and the ratio to outbox-only (best of three
// interleaved rounds). The SMTP server (smtp-server, draining every message) runs in a child
// process, as a local relay would.
//
//   node --import tsx bench/delivery.ts [--users 2000] [--requests 2000]
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { SMTPServer } from 'smtp-server';
import { startApp, type App } from '../src/app.js';
import { defaultConfig, type ServerConfig } from '../src/config/config.js';
import { PasswordHasher } from '../src/crypto/password.js';
import { sdkClient } from '../test/helpers/server.js';
import { checkpoint, fillUsers, usernameOf } from './lib/users.js';
import { measure, type Figures } from './lib/load.js';
import { postJson } from './lib/http.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const USERS = Number(args.get('users') ?? 2000);
const REQUESTS = Number(args.get('requests') ?? 2000);
const CONCURRENCY = 16;
const WARMUP = 1000;

/** The child: an SMTP server that accepts and drains every message, counting them. */
async function sink(): Promise<void> {
  let received = 0;
  const server = new SMTPServer({
    logger: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    onData(stream, _session, callback) {
      stream.on('end', () => {
        received++;
        callback();
      });
      stream.resume();
    },
  });
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.server.address() as { port: number }).port }));
  process.on('message', () => process.send!({ received }));
}

function ask<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve(m as T));
    child.send('count');
  });
}

const fmt = (f: Figures): string => `${f.opsPerSec.toFixed(0).padStart(6)} ops/s   p50 ${f.p50.toFixed(1).padStart(6)} ms   p99 ${f.p99.toFixed(1).padStart(6)} ms`;

async function server(delivery: ServerConfig['delivery'], dataDir: string): Promise<{ app: App; legacy: string; enabled: string }> {
  const d = defaultConfig();
  const app = await startApp({
    ...d,
    port: 0,
    dataDir,
    logLevel: 'silent',
    // The limiters would answer most of these requests; the bench measures the work behind them.
    reset: { ...d.reset, recoveryRequestsPerSecond: 1_000_000, forgotPasswordPerHour: 1_000_000 },
    delivery,
  });
  const sdk = sdkClient(app.url);
  try {
    const pool = await sdk.send(new CreateUserPoolCommand({ PoolName: 'bench' }));
    const poolId = pool.UserPool!.Id!;
    const client = async (prevent: 'LEGACY' | 'ENABLED'): Promise<string> =>
      (await sdk.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: prevent, PreventUserExistenceErrors: prevent }))).UserPoolClient!.ClientId!;
    const legacy = await client('LEGACY');
    const enabled = await client('ENABLED');
    await fillUsers(app.services.store, poolId, 0, USERS, await new PasswordHasher().hashPassword('Bench-Start-1!'));
    await checkpoint(app.services.store);
    return { app, legacy, enabled };
  } finally {
    sdk.destroy();
  }
}

function forgot(url: string, clientId: string, requests = REQUESTS): Promise<Figures> {
  return measure(requests, CONCURRENCY, async (i) => {
    const status = await postJson(url, 'ForgotPassword', { ClientId: clientId, Username: usernameOf((i * 7919) % USERS) });
    if (status !== 200) throw new Error(`ForgotPassword answered ${status}`);
  });
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--sink'], { execArgv: ['--import', 'tsx'] });
  const { port } = await new Promise<{ port: number }>((resolve) => child.once('message', (m) => resolve(m as { port: number })));
  const d = defaultConfig().delivery;
  const dirs = [mkdtempSync(join(tmpdir(), 'userpool-bench-')), mkdtempSync(join(tmpdir(), 'userpool-bench-'))];
  try {
    console.log(`machine: ${process.arch}, node ${process.version}, ${CONCURRENCY} concurrent clients, ${USERS} users, ${REQUESTS} requests per run\n`);

    const plain = await server(d, dirs[0]!);
    const smtp = await server({ ...d, smtp: { ...d.smtp, host: '127.0.0.1', port, starttls: 'off' } }, dirs[1]!);
    const drained = async (): Promise<void> => {
      while ((await smtp.app.services.store.messages.listMessages()).some((m) => m.status === 'pending')) await new Promise((r) => setTimeout(r, 50));
    };
    // Warm-up (JIT, caches, connections), then two rounds of the three runs, interleaved so a
    // burst of load from elsewhere on the machine does not fall on one kind only; best of three.
    await forgot(plain.app.url, plain.legacy, WARMUP);
    await forgot(smtp.app.url, smtp.legacy, WARMUP);
    await drained();
    const best = { outbox: [] as Figures[], waited: [] as Figures[], queued: [] as Figures[], drain: [] as number[] };
    for (let round = 0; round < 3; round++) {
      best.outbox.push(await forgot(plain.app.url, plain.legacy));
      best.waited.push(await forgot(smtp.app.url, smtp.legacy));
      await drained();
      const before = (await ask<{ received: number }>(child)).received;
      const started = performance.now();
      best.queued.push(await forgot(smtp.app.url, smtp.enabled));
      while ((await ask<{ received: number }>(child)).received - before < REQUESTS) await new Promise((r) => setTimeout(r, 20));
      best.drain.push((performance.now() - started) / 1000);
    }
    const top = (runs: Figures[]): Figures => runs.reduce((a, b) => (b.opsPerSec > a.opsPerSec ? b : a));
    const outboxOnly = top(best.outbox);
    const waited = top(best.waited);
    const queued = top(best.queued);
    const drain = Math.min(...best.drain);
    console.log(`outbox only (no transport)           ${fmt(outboxOnly)}`);
    console.log(`SMTP, caller waits (LEGACY)          ${fmt(waited)}   ${((waited.opsPerSec / outboxOnly.opsPerSec) * 100).toFixed(0)}% of outbox only`);
    console.log(`SMTP, caller does not wait (ENABLED) ${fmt(queued)}   ${((queued.opsPerSec / outboxOnly.opsPerSec) * 100).toFixed(0)}% of outbox only`);
    console.log(`  answered and all ${REQUESTS} mails received in ${drain.toFixed(1)} s (${(REQUESTS / drain).toFixed(0)} mails/s)`);
    console.log(`\nratio SMTP (caller waits) / outbox only:   ${(waited.opsPerSec / outboxOnly.opsPerSec).toFixed(2)}`);
    console.log(`ratio SMTP (no wait) / outbox only:        ${(queued.opsPerSec / outboxOnly.opsPerSec).toFixed(2)}`);
    console.log(`ratio SMTP (no wait, until sent) / outbox: ${(REQUESTS / drain / outboxOnly.opsPerSec).toFixed(2)}`);
    await plain.app.close();
    await smtp.app.close();
  } finally {
    child.kill();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--sink')) await sink();
else await main();
