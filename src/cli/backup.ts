// `userpool backup` and `userpool restore` for the embedded SQLite store.
//
// A backup is one tar file: a manifest (userpool-backup.json), the database copied with
// SQLite's online backup API, and every other file of the data directory, above all
// code-mac-keys.json. The database alone is not enough: the code MAC keys MAC the one-time
// codes, key the rate limits and wrap the pools' token signing keys, so without them a
// restored server could not check codes it issued nor sign tokens. The archive therefore
// holds password hashes and keys: it is created readable by its owner only.
//
// The online backup is safe while a server runs and writes: the copy is taken in one step
// inside a single read transaction, so it is one consistent snapshot including what is still
// in the WAL, and in WAL mode that read blocks no writer. (Copied page by page, the backup
// would restart whenever another process wrote, and might never finish under load.)
//
// PostgreSQL deployments use pg_dump and pg_restore instead (see the README).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import BetterSqlite3 from 'better-sqlite3';
import { json, out } from './output.js';
import { reportError, UnavailableError, UsageError } from './remote.js';
import { extractEntry, listTar, writeTar, type TarSource } from './tar.js';

const DATABASE = 'userpool.sqlite';
const MANIFEST = 'userpool-backup.json';
const KEYS = 'code-mac-keys.json';
/** The database's own side files: never copied, and removed before a restore. */
const SQLITE_SIDE_FILES = ['-wal', '-shm', '-journal'].map((s) => DATABASE + s);
const ENTRY_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

interface Manifest {
  format: 'userpool-backup';
  version: 1;
  createdAt: string;
  database: string;
  files: string[];
  pools: number;
  users: number;
  /** The keys came from USERPOOL_CODE_MAC_KEYS, so they are not in the archive. */
  codeMacKeysFromEnvironment: boolean;
}

function counts(db: BetterSqlite3.Database): { pools: number; users: number } {
  const count = (table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  return { pools: count('user_pools'), users: count('users') };
}

function checkIntegrity(db: BetterSqlite3.Database): void {
  const rows = db.pragma('integrity_check') as Array<{ integrity_check: string }>;
  const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
  if (problems.length > 0) throw new UnavailableError(`the database copy fails PRAGMA integrity_check: ${problems.slice(0, 5).join('; ')}`);
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('user_pools', 'users')").all();
  if (tables.length !== 2) throw new UnavailableError('the database is not a userpool database');
}

function dataDirOf(opts: { dataDir?: string }): string {
  return opts.dataDir ?? (process.env.USERPOOL_DATA_DIR || './data');
}

async function backup(opts: { dataDir?: string; out: string; databaseUrl?: string; json?: boolean }): Promise<void> {
  if (opts.databaseUrl) throw new UsageError('backup copies the embedded SQLite store; for PostgreSQL use pg_dump (see the README)');
  const dataDir = dataDirOf(opts);
  const source = join(dataDir, DATABASE);
  if (!existsSync(source)) throw new UnavailableError(`${dataDir} holds no userpool database (${DATABASE})`);
  if (existsSync(opts.out)) throw new UsageError(`${opts.out} exists; a backup never overwrites a file`);
  if (!existsSync(dirname(resolve(opts.out)))) throw new UnavailableError(`cannot write ${opts.out}: its folder does not exist`);

  // Staged beside the output, so the finished archive is renamed into place on one file system.
  const staging = mkdtempSync(join(dirname(resolve(opts.out)), '.userpool-backup-'));
  try {
    const copy = join(staging, DATABASE);
    const db = new BetterSqlite3(source, { fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      // The first step only sizes the copy; the second copies every page at once.
      await db.backup(copy, { progress: () => 0x7fffffff });
    } finally {
      db.close();
    }
    const copied = new BetterSqlite3(copy);
    let manifestCounts;
    try {
      checkIntegrity(copied);
      manifestCounts = counts(copied);
      // A self-contained file: no WAL beside it when restored.
      copied.pragma('journal_mode = DELETE');
    } finally {
      copied.close();
    }

    const others = readdirSync(dataDir).filter((name) => {
      if (name === DATABASE || SQLITE_SIDE_FILES.includes(name) || !ENTRY_NAME.test(name)) return false;
      return statSync(join(dataDir, name)).isFile();
    });
    const keysFromEnvironment = Boolean(process.env.USERPOOL_CODE_MAC_KEYS);
    const manifest: Manifest = {
      format: 'userpool-backup',
      version: 1,
      createdAt: new Date().toISOString(),
      database: DATABASE,
      files: [DATABASE, ...others],
      ...manifestCounts,
      codeMacKeysFromEnvironment: keysFromEnvironment,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest, null, 2) + '\n');
    const entries: TarSource[] = [{ name: MANIFEST, data: manifestBytes, size: manifestBytes.length, mtimeMs: Date.now() }];
    for (const [name, path] of [[DATABASE, copy] as const, ...others.map((n) => [n, join(dataDir, n)] as const)]) {
      const st = statSync(path);
      entries.push({ name, path, size: st.size, mtimeMs: st.mtimeMs });
    }
    const partial = join(staging, basename(opts.out));
    await writeTar(partial, entries);
    renameSync(partial, opts.out);

    if (opts.json) {
      out(json({ ...manifest, file: opts.out }));
    } else {
      out(`backed up ${dataDir} to ${opts.out}: ${manifest.pools} pools, ${manifest.users} users; files ${manifest.files.join(', ')}\n`);
    }
    if (keysFromEnvironment) {
      process.stderr.write('userpool backup: note: the code MAC keys come from USERPOOL_CODE_MAC_KEYS and are not in the backup; keep them with it\n');
    } else if (!others.includes(KEYS)) {
      process.stderr.write(`userpool backup: warning: ${dataDir} has no ${KEYS}; a restored server cannot check outstanding codes or sign with the pools' keys\n`);
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function restore(opts: { from: string; dataDir?: string; force?: boolean; json?: boolean }): Promise<void> {
  const dataDir = dataDirOf(opts);
  if (!existsSync(opts.from)) throw new UnavailableError(`${opts.from} does not exist`);
  let entries;
  try {
    entries = await listTar(opts.from);
  } catch (err) {
    throw new UnavailableError(`${opts.from} is not a userpool backup: ${(err as Error).message}`);
  }
  const names = entries.map((e) => e.name);
  if (!names.includes(MANIFEST) || !names.includes(DATABASE)) throw new UnavailableError(`${opts.from} is not a userpool backup: it lacks ${MANIFEST} or ${DATABASE}`);
  const bad = names.find((n) => !ENTRY_NAME.test(n) || SQLITE_SIDE_FILES.includes(n));
  if (bad !== undefined) throw new UnavailableError(`${opts.from} holds an entry a backup never has: ${bad}`);

  const existing = existsSync(dataDir) ? readdirSync(dataDir) : [];
  if (existing.length > 0 && !opts.force) {
    throw new UsageError(`${dataDir} is not empty; stop the server using it and pass --force to replace its database and keys`);
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const staging = mkdtempSync(join(dataDir, '.userpool-restore-'));
  try {
    for (const entry of entries) await extractEntry(opts.from, entry, join(staging, entry.name));
    const db = new BetterSqlite3(join(staging, DATABASE), { fileMustExist: true });
    let restoredCounts;
    try {
      checkIntegrity(db);
      restoredCounts = counts(db);
    } finally {
      db.close();
    }
    // Only now, with a verified copy in hand, is the old state removed: the database, its
    // side files (a stale WAL must never be replayed onto another database) and the files the
    // backup brings.
    for (const name of [DATABASE, ...SQLITE_SIDE_FILES, ...names]) rmSync(join(dataDir, name), { force: true });
    for (const name of names) if (name !== MANIFEST) renameSync(join(staging, name), join(dataDir, name));
    const manifest = JSON.parse(readFileSync(join(staging, MANIFEST), 'utf8')) as Manifest;
    const result = { from: opts.from, dataDir, createdAt: manifest.createdAt, files: names.filter((n) => n !== MANIFEST), ...restoredCounts, integrity: 'ok' };
    if (opts.json) out(json(result));
    else out(`restored ${opts.from} (taken ${manifest.createdAt}) to ${dataDir}: ${result.pools} pools, ${result.users} users; integrity ok\n`);
    if (manifest.codeMacKeysFromEnvironment) {
      process.stderr.write('userpool restore: note: this backup was taken with USERPOOL_CODE_MAC_KEYS; start the server with the same keys\n');
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

async function run(command: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    process.exitCode = reportError(command, err instanceof UsageError || err instanceof UnavailableError ? err : new UnavailableError((err as Error).message));
  }
}

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('Copy the SQLite database and the keys of a data directory into one tar file; safe while the server runs')
    .requiredOption('--out <file>', 'the backup file to create (never overwritten; holds password hashes and keys: keep it safe)')
    .option('--data-dir <dir>', 'the server\'s data directory (USERPOOL_DATA_DIR, default ./data)')
    .option('--database-url <url>', 'refused: back up PostgreSQL with pg_dump')
    .option('--json', 'print the backup\'s manifest as JSON')
    .action((opts: { dataDir?: string; out: string; databaseUrl?: string; json?: boolean }) => run('backup', () => backup(opts)));

  program
    .command('restore')
    .description('Restore a backup into a data directory, verified with PRAGMA integrity_check (stop the server first)')
    .requiredOption('--from <file>', 'a file made by userpool backup')
    .option('--data-dir <dir>', 'the data directory to restore into (USERPOOL_DATA_DIR, default ./data)')
    .option('--force', 'replace the database and keys of a data directory that is not empty')
    .option('--json', 'print the result as JSON')
    .action((opts: { from: string; dataDir?: string; force?: boolean; json?: boolean }) => run('restore', () => restore(opts)));
}
