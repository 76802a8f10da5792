// `userpool serve` processes that a test kills with SIGKILL and restarts, as a process
// supervisor would: each node keeps its port and its data directory across restarts, so a
// client (and a load balancer) keeps addressing it by the same URL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { startCli, type Running } from '../helpers/cli.js';
import { sdkClient } from '../helpers/server.js';
import { sharedMacKeys } from './nodes.js';

export interface Node {
  url: string;
  port: number;
  /** The SDK client for this node (one attempt per request: no retry hides an outcome). */
  client: CognitoIdentityProviderClient;
  running: Running;
  /** Killed and not yet listening again. */
  down: boolean;
}

export interface Supervised {
  nodes: Node[];
  /** SIGKILL, wait for the exit, start again on the same port; resolves once it listens. */
  crash(i: number): Promise<void>;
  /** How many SIGKILLs were sent. */
  kills(): number;
  stop(): Promise<void>;
}

export async function startSupervised(count: number, databaseUrl: string, env: Record<string, string> = {}): Promise<Supervised> {
  const fullEnv = { USERPOOL_CODE_MAC_KEYS: sharedMacKeys(), USERPOOL_DATABASE_POOL_SIZE: '4', ...env };
  const dirs = Array.from({ length: count }, () => mkdtempSync(join(tmpdir(), 'userpool-node-')));
  const launch = (dir: string, port: number): Promise<Running> =>
    startCli(['--port', String(port), '--data-dir', dir, '--database-url', databaseUrl, '--dev', '--log-level', 'warn'], fullEnv, 60_000);
  const nodes: Node[] = [];
  const orphanGuard = (): void => {
    for (const n of nodes) if (n.running.child.exitCode === null && n.running.child.signalCode === null) n.running.child.kill('SIGKILL');
  };
  process.once('exit', orphanGuard);
  let killed = 0;
  const stop = async (): Promise<void> => {
    for (const n of nodes) n.client.destroy();
    await Promise.all(nodes.map((n) => n.running.stop()));
    process.removeListener('exit', orphanGuard);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    // The first alone migrates the fresh database; the others then start together.
    const first = await launch(dirs[0]!, 0);
    const others = await Promise.allSettled(dirs.slice(1).map((dir) => launch(dir, 0)));
    for (const running of [first, ...others.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))]) {
      nodes.push({ url: running.url, port: Number(new URL(running.url).port), client: sdkClient(running.url), running, down: false });
    }
    const failed = others.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    nodes,
    kills: () => killed,
    async crash(i) {
      const n = nodes[i]!;
      const exited = new Promise<void>((resolve) => n.running.child.once('exit', () => resolve()));
      n.down = true;
      killed++;
      n.running.child.kill('SIGKILL');
      await exited;
      n.running = await launch(dirs[i]!, n.port);
      n.down = false;
    },
    stop,
  };
}
