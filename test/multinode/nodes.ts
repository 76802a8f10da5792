// Several real `userpool serve` processes on one PostgreSQL database, as a load balancer would
// have them: each with its own data directory (nothing shared through the file system), all
// given the same USERPOOL_CODE_MAC_KEYS, which is what lets any node check a code another
// issued. Clients are spread over them round-robin.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { startCli, type Running } from '../helpers/cli.js';
import { sdkClient } from '../helpers/server.js';
import { sample } from '../helpers/metrics.js';

export interface Nodes {
  urls: string[];
  clients: CognitoIdentityProviderClient[];
  /** The client for the i-th request of a round-robin spread. */
  next(i: number): CognitoIdentityProviderClient;
  /** A counter summed over every node's /metrics. */
  metricSum(name: string, labels?: Record<string, string>): Promise<number>;
  running: Running[];
  stop(): Promise<void>;
}

/** A fresh code MAC key ring in USERPOOL_CODE_MAC_KEYS form, shared by the nodes of one test. */
export function sharedMacKeys(): string {
  return `k1:${randomBytes(32).toString('base64')}`;
}

export async function startNodes(count: number, databaseUrl: string, env: Record<string, string> = {}): Promise<Nodes> {
  const dirs = Array.from({ length: count }, () => mkdtempSync(join(tmpdir(), 'userpool-node-')));
  const macKeys = env.USERPOOL_CODE_MAC_KEYS ?? sharedMacKeys();
  const started = await Promise.allSettled(
    dirs.map((dir) =>
      startCli(['--port', '0', '--data-dir', dir, '--database-url', databaseUrl, '--dev', '--log-level', 'warn'], {
        USERPOOL_CODE_MAC_KEYS: macKeys,
        USERPOOL_DATABASE_POOL_SIZE: '8',
        ...env,
      }, 60_000),
    ),
  );
  const running = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  // Should the test process end without stopping them (a crash, a cancelled run), the nodes
  // must not outlive it.
  const orphanGuard = (): void => {
    for (const r of running) if (r.child.exitCode === null && r.child.signalCode === null) r.child.kill('SIGKILL');
  };
  process.once('exit', orphanGuard);
  const stop = async (): Promise<void> => {
    for (const c of clients) c.destroy();
    await Promise.all(running.map((r) => r.stop()));
    process.removeListener('exit', orphanGuard);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  const clients = running.map((r) => sdkClient(r.url));
  const failed = started.find((r) => r.status === 'rejected');
  if (failed) {
    await stop();
    throw (failed as PromiseRejectedResult).reason;
  }
  return {
    urls: running.map((r) => r.url),
    clients,
    next: (i) => clients[i % clients.length]!,
    async metricSum(name, labels = {}) {
      let total = 0;
      for (const r of running) total += sample(await (await fetch(`${r.url}/metrics`)).text(), name, labels);
      return total;
    },
    running,
    stop,
  };
}

/** The code in the newest message to `email`, read from any node's development mailbox. */
export async function lastCodeFrom(url: string, email: string): Promise<string> {
  const res = await fetch(`${url}/_aws/ses?email=${encodeURIComponent(email)}`);
  const { messages } = (await res.json()) as { messages: Array<{ Body: { text_part: string } }> };
  const code = /\b(\d{6,10})\b/.exec(messages[messages.length - 1]?.Body.text_part ?? '')?.[1];
  if (!code) throw new Error(`no code in the newest message to ${email}`);
  return code;
}
