// `userpool export --pool ID`: a pool's users and their attributes, streamed page by page from
// ListUsers, as a Cognito user-import CSV (the columns GetCSVHeader gives, so the file imports
// into another pool as it is) or as JSON lines. Nothing secret is in either: ListUsers never
// returns password hashes; those are only in a backup (`userpool backup`).
import { createWriteStream, renameSync, rmSync, type WriteStream } from 'node:fs';
import { Option, type Command } from 'commander';
import { GetCSVHeaderCommand, type UserType } from '@aws-sdk/client-cognito-identity-provider';
import { json, out } from './output.js';
import { remoteCommand, runRemote, UnavailableError, UsageError, type RemoteOptions } from './remote.js';
import { listAllUsers } from './users.js';

type ExportOptions = RemoteOptions & { pool: string; format: 'csv' | 'jsonl'; out?: string };

/**
 * One CSV value. Quoted when it holds a comma, quote, line break or backslash: Cognito's
 * import reads an unquoted `\,` as a literal comma, so a value ending in a backslash must not
 * stand bare before the separator.
 */
export function csvValue(value: string): string {
  return /[",\r\n\\]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, '""')}"` : value;
}

/** The CSV row of a user under `columns` (GetCSVHeader's). */
export function csvRow(columns: readonly string[], user: UserType): string {
  const attrs = new Map((user.Attributes ?? []).map((a) => [a.Name!, a.Value ?? '']));
  return (
    columns
      .map((c) => {
        if (c === 'cognito:username') return csvValue(user.Username ?? '');
        // ListUsers reports SMS MFA only through the legacy MFAOptions list.
        if (c === 'cognito:mfa_enabled') return (user.MFAOptions?.length ?? 0) > 0 ? 'true' : 'false';
        return csvValue(attrs.get(c) ?? '');
      })
      .join(',') + '\n'
  );
}

/** One JSON line per user: attributes as an object, dates as ISO strings. */
export function jsonLine(user: UserType): string {
  return (
    JSON.stringify({
      Username: user.Username,
      UserStatus: user.UserStatus,
      Enabled: user.Enabled,
      UserCreateDate: user.UserCreateDate,
      UserLastModifiedDate: user.UserLastModifiedDate,
      Attributes: Object.fromEntries((user.Attributes ?? []).map((a) => [a.Name, a.Value])),
    }) + '\n'
  );
}

/** Writes with backpressure: a slow disk or pipe holds the next page, not memory. */
function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.write(text)) return resolve();
    const onDrain = (): void => {
      stream.off('error', onError);
      resolve();
    };
    const onError = (err: Error): void => {
      stream.off('drain', onDrain);
      reject(err);
    };
    stream.once('drain', onDrain);
    stream.once('error', onError);
  });
}

function openFile(path: string): Promise<WriteStream> {
  return new Promise((resolve, reject) => {
    // Personal data: readable by the owner only.
    const stream = createWriteStream(path, { mode: 0o600 });
    stream.once('open', () => resolve(stream));
    stream.once('error', (err) => reject(new UnavailableError(`cannot write ${path}: ${err.message}`)));
  });
}

function closeFile(stream: WriteStream): Promise<void> {
  return new Promise((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export function registerExportCommand(program: Command): void {
  remoteCommand(
    program
      .command('export')
      .description("Write a pool's users and attributes as a Cognito import CSV or JSON lines (no password hashes: see backup)")
      .requiredOption('--pool <poolId>', 'the user pool')
      .addOption(new Option('--format <format>', 'csv (the columns of GetCSVHeader) or jsonl').choices(['csv', 'jsonl']).default('csv'))
      .option('--out <file>', 'write to this file (made readable by its owner only) instead of stdout'),
  ).action(async (opts: ExportOptions) =>
    runRemote('export', opts, async (client) => {
      if (opts.json && !opts.out) throw new UsageError('--json reports on an export to --out FILE; for JSON users on stdout use --format jsonl');
      // Columns first: an unknown pool fails here, before any file is made.
      const columns = opts.format === 'csv' ? (await client.send(new GetCSVHeaderCommand({ UserPoolId: opts.pool }))).CSVHeader ?? [] : [];
      // The export goes to a side file renamed into place at the end: a failed export never
      // leaves a partial file under the name asked for.
      const partial = opts.out ? `${opts.out}.partial` : undefined;
      const stream: NodeJS.WritableStream = partial ? await openFile(partial) : process.stdout;
      let count = 0;
      try {
        if (opts.format === 'csv') await write(stream, columns.map(csvValue).join(',') + '\n');
        for await (const page of listAllUsers(client, opts.pool)) {
          let chunk = '';
          for (const user of page) chunk += opts.format === 'csv' ? csvRow(columns, user) : jsonLine(user);
          count += page.length;
          if (chunk) await write(stream, chunk);
        }
        if (partial) {
          await closeFile(stream as WriteStream);
          renameSync(partial, opts.out!);
        }
      } catch (err) {
        if (partial) {
          (stream as WriteStream).destroy();
          rmSync(partial, { force: true });
        }
        throw err;
      }
      if (opts.out) {
        if (opts.json) out(json({ UserPoolId: opts.pool, Format: opts.format, Users: count, File: opts.out }));
        else out(`exported ${count} users of ${opts.pool} to ${opts.out}\n`);
      }
    }),
  );
}
