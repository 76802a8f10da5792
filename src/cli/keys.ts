// `userpool keys`: list, rotate and retire a pool's token signing keys, working on the data
// directory (a running server may share it: it publishes a new key at once, signs with it
// within seconds, and stops verifying a retired one within seconds).
import type { Command } from 'commander';
import { defaultConfig } from '../config/config.js';
import { openStore } from '../app.js';
import { systemClock } from '../domain/clock.js';
import { loadCodeMacKeys, type CodeMacKeys } from '../crypto/codes.js';
import { senderKey } from '../triggers/sealing.js';
import type { PoolRecord } from '../store/records.js';
import { SigningKeyRing } from '../operations/shared/signingKeys.js';

interface KeyOptions {
  dataDir?: string;
  databaseUrl?: string;
}

async function withRing(opts: KeyOptions, poolId: string, fn: (ring: SigningKeyRing, pool: PoolRecord, codeKeys: CodeMacKeys) => Promise<string>): Promise<void> {
  const config = {
    ...defaultConfig(),
    dataDir: opts.dataDir ?? process.env.USERPOOL_DATA_DIR ?? defaultConfig().dataDir,
    // With PostgreSQL the keys are in the shared database: every node sees a rotation.
    databaseUrl: opts.databaseUrl ?? (process.env.USERPOOL_DATABASE_URL || undefined),
    databasePoolSize: 1,
  };
  const store = await openStore(config);
  try {
    const pool = await store.pools.findPool(poolId);
    if (!pool) throw new Error(`user pool ${poolId} does not exist`);
    const codeKeys = loadCodeMacKeys(config.dataDir, process.env);
    const ring = new SigningKeyRing(store, codeKeys, systemClock);
    process.stdout.write(await fn(ring, pool, codeKeys));
  } catch (err) {
    process.stderr.write(`userpool keys: ${(err as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}

export function registerKeysCommand(program: Command): void {
  const keys = program.command('keys').description("Manage a pool's token signing keys");
  const dataDir = ['--data-dir <dir>', 'the server\'s data directory (USERPOOL_DATA_DIR, default ./data)'] as const;
  const databaseUrl = ['--database-url <url>', 'the servers\' PostgreSQL database, if they use one (USERPOOL_DATABASE_URL)'] as const;

  keys
    .command('list <poolId>')
    .description('The published keys, newest (the signing one) first')
    .option(...dataDir)
    .option(...databaseUrl)
    .action((poolId: string, opts: KeyOptions) =>
      withRing(opts, poolId, async (ring) => (await ring.jwks(poolId)).map((k) => `${k.kid}\n`).join('')),
    );

  keys
    .command('rotate <poolId>')
    .description('Add a key that signs from now on; older keys stay published until retired')
    .option(...dataDir)
    .option(...databaseUrl)
    .action((poolId: string, opts: KeyOptions) => withRing(opts, poolId, async (ring) => `${await ring.rotate(poolId)}\n`));

  keys
    .command('retire <poolId> <kid>')
    .description('Stop publishing a key: tokens it signed stop verifying')
    .option(...dataDir)
    .option(...databaseUrl)
    .action((poolId: string, kid: string, opts: KeyOptions) =>
      withRing(opts, poolId, async (ring) => {
        if ((await ring.jwks(poolId)).length <= 1) throw new Error('the last key of a pool cannot be retired: rotate first');
        if (!(await ring.retire(poolId, kid))) throw new Error(`${kid} is not a published key of ${poolId}`);
        return `retired ${kid}\n`;
      }),
    );

  keys
    .command('sender-key <poolId>')
    .description(
      "The keys the pool's CustomEmailSender/CustomSMSSender functions decrypt request.code with: one line per key, \"<kid> <base64url key>\", current first",
    )
    .option(...dataDir)
    .option(...databaseUrl)
    .action((poolId: string, opts: KeyOptions) =>
      withRing(opts, poolId, async (_ring, pool, codeKeys) => {
        const lambdaConfig = (pool.settings as { LambdaConfig?: { KMSKeyID?: string } }).LambdaConfig;
        const kmsKeyId = lambdaConfig?.KMSKeyID ?? '';
        return codeKeys.keys.map((k) => `${k.id} ${senderKey(codeKeys, k.id, poolId, kmsKeyId)!.toString('base64url')}\n`).join('');
      }),
    );
}
