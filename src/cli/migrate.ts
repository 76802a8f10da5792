// `userpool migrate`: brings the database schema up to date and exits. `userpool serve` does
// the same at start, so this is for deployments that migrate as a separate step (before
// rolling out a new version to N nodes) and for checking a database URL. Safe to run while
// other processes start or serve: on PostgreSQL the migration holds an advisory lock.
import type { Command } from 'commander';
import { defaultConfig } from '../config/config.js';
import { migrateDatabase } from '../store/open.js';

interface MigrateOptions {
  dataDir?: string;
  databaseUrl?: string;
}

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Apply pending database migrations and exit (serve also does this at start)')
    .option('--data-dir <dir>', 'folder of the embedded SQLite database (USERPOOL_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'postgres:// URL instead of the embedded SQLite store (USERPOOL_DATABASE_URL)')
    .action(async (opts: MigrateOptions) => {
      const defaults = defaultConfig();
      const dataDir = opts.dataDir ?? (process.env.USERPOOL_DATA_DIR || defaults.dataDir);
      const databaseUrl = opts.databaseUrl ?? (process.env.USERPOOL_DATABASE_URL || undefined);
      if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
        // The URL is not echoed: it may hold a password.
        process.stderr.write('userpool migrate: --database-url must be a postgres:// URL (leave it unset for the embedded SQLite store)\n');
        process.exitCode = 2;
        return;
      }
      try {
        const applied = await migrateDatabase({ ...defaults, dataDir, databaseUrl });
        for (const name of applied) process.stdout.write(`applied ${name}\n`);
        process.stdout.write(applied.length > 0 ? `userpool: database migrated (${applied.length} applied)\n` : 'userpool: database already up to date\n');
      } catch (err) {
        process.stderr.write(`userpool migrate: ${(err as Error).message}\n`);
        process.exitCode = 1;
      }
    });
}
