// `userpool import FILE.csv --pool ID`: a Cognito user import job run from start to end, over
// the same operations any client uses: the file's header checked against GetCSVHeader,
// CreateUserImportJob, the file streamed with PUT to the job's PreSignedUrl (never read
// whole), StartUserImportJob, then DescribeUserImportJob polled with progress on stderr, and
// a summary (with the first failed rows from the job's log) or the final job as --json.
import { createReadStream, statSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Command } from 'commander';
import {
  CreateUserImportJobCommand,
  DescribeUserImportJobCommand,
  GetCSVHeaderCommand,
  StartUserImportJobCommand,
  type CognitoIdentityProviderClient,
  type UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import { CsvReader, isBlank } from '../import/csv.js';
import { json, keyValues, out } from './output.js';
import { endpointOf, EXIT_COGNITO, remoteCommand, runRemote, UnavailableError, UsageError, type RemoteOptions } from './remote.js';
import { ImportProgress } from './progress.js';
import { fetchImportLog } from './importLog.js';

type ImportOptions = RemoteOptions & { pool: string; jobName?: string; roleArn: string; pollMs: string };

const FINISHED = new Set(['Succeeded', 'Failed', 'Stopped', 'Expired']);
/** Cognito requires a CloudWatch Logs role; here the log is served by the server itself. */
const DEFAULT_ROLE = 'arn:aws:iam::000000000000:role/userpool-import';
const FAILURES_SHOWN = 10;
/** Cognito's limit on an import file. */
const MAX_FILE_BYTES = 100 * 1024 * 1024;

/** The first record of the file: its header. */
async function readHeader(file: string): Promise<string[]> {
  const reader = new CsvReader();
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) {
    const [first] = reader.push(decoder.decode(chunk as Buffer, { stream: true }));
    if (first) return first.fields.map((f) => f.trim());
  }
  const [only] = reader.end();
  return only?.fields.map((f) => f.trim()) ?? [];
}

/** Why the header would fail the job, before a job is made for it. */
function headerProblem(fileColumns: string[], poolColumns: string[]): string | undefined {
  const known = new Set(poolColumns);
  const unknown = fileColumns.filter((c) => !known.has(c));
  if (unknown.length > 0) return `the header has columns that are not in the pool's CSV header (userpool export or GetCSVHeader lists them): ${unknown.slice(0, 10).join(', ')}`;
  if (!fileColumns.includes('cognito:username')) return 'the header has no cognito:username column';
  const dup = fileColumns.find((c, i) => fileColumns.indexOf(c) !== i);
  if (dup) return `the header names ${dup} twice`;
  return undefined;
}

/** PUTs the file to the upload URL as `curl --upload-file` does; counts the rows on the way. */
async function upload(url: string, file: string, onRows: (rows: number) => void): Promise<void> {
  const size = statSync(file).size;
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const req = send(target, { method: 'PUT', headers: { 'content-length': String(size), 'content-type': 'text/csv' } });
  // The answer, or undefined when the connection closed without one (the pipeline below
  // then holds the error).
  const answered = new Promise<IncomingMessage | undefined>((resolve) => {
    req.once('response', resolve);
    req.once('close', () => resolve(undefined));
  });
  const reader = new CsvReader();
  const decoder = new TextDecoder('utf-8');
  let rows = -1;
  let counting = true;
  const source = createReadStream(file, { highWaterMark: 256 * 1024 });
  source.on('data', (chunk) => {
    if (!counting) return;
    try {
      for (const record of reader.push(decoder.decode(chunk as Buffer, { stream: true }))) if (!isBlank(record)) rows++;
      onRows(rows);
    } catch {
      // A record too long to count: the server reports it; the progress shows no total.
      counting = false;
      onRows(-1);
    }
  });
  // A refusal (an expired URL, a file too large) may come before the whole file is sent, and
  // the server then closes the connection: the answer is what to report, not the broken pipe.
  const sent = await pipeline(source, req).then(
    () => undefined,
    (err: unknown) => err,
  );
  if (sent === undefined && counting) {
    for (const record of reader.end()) if (!isBlank(record)) rows++;
    onRows(rows);
  }
  const res = await answered;
  if (!res) throw sent ?? new Error('the upload got no answer');
  let body = '';
  for await (const piece of res) body += (piece as Buffer).toString();
  if (res.statusCode !== 200) {
    const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? `HTTP ${res.statusCode}`;
    const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? 'the upload was refused';
    const err = new Error(message) as Error & { $metadata: object; $fault: string };
    err.name = code;
    // Reported like a Cognito error: the server answered, and refused.
    err.$metadata = { httpStatusCode: res.statusCode };
    err.$fault = 'client';
    throw err;
  }
}

function summary(job: UserImportJobType): string {
  const seconds = job.StartDate && job.CompletionDate ? (job.CompletionDate.getTime() - job.StartDate.getTime()) / 1000 : undefined;
  return keyValues([
    ['Job', job.JobId],
    ['Pool', job.UserPoolId],
    ['Status', job.Status],
    ['Imported', job.ImportedUsers],
    ['Skipped', job.SkippedUsers],
    ['Failed', job.FailedUsers],
    ['Duration', seconds === undefined ? undefined : `${seconds.toFixed(1)} s`],
    ['Message', job.CompletionMessage],
  ]);
}

async function runImport(client: CognitoIdentityProviderClient, file: string, opts: ImportOptions): Promise<void> {
  const pollMs = Number(opts.pollMs);
  if (!Number.isInteger(pollMs) || pollMs < 50) throw new UsageError('--poll-ms takes a whole number of milliseconds, at least 50');
  let size;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch (err) {
    throw new UnavailableError(`cannot read ${file}: ${(err as Error).message}`);
  }
  if (size > MAX_FILE_BYTES) throw new UsageError(`${file} is larger than 100 MiB, the most one import job takes: split it`);
  const jobName = (opts.jobName ?? basename(file).replace(/[^\w\s+=,.@-]/g, '_')).slice(0, 128) || 'import';

  const { CSVHeader = [] } = await client.send(new GetCSVHeaderCommand({ UserPoolId: opts.pool }));
  const problem = headerProblem(await readHeader(file), CSVHeader);
  if (problem) throw new UsageError(`${file}: ${problem}`);

  const progress = new ImportProgress(process.stderr);
  const created = (await client.send(new CreateUserImportJobCommand({ UserPoolId: opts.pool, JobName: jobName, CloudWatchLogsRoleArn: opts.roleArn }))).UserImportJob!;
  progress.note(`created ${created.JobId}; uploading ${file}`);
  await upload(created.PreSignedUrl!, file, (rows) => progress.setTotal(rows));
  await client.send(new StartUserImportJobCommand({ UserPoolId: opts.pool, JobId: created.JobId }));

  let job = created;
  for (;;) {
    job = (await client.send(new DescribeUserImportJobCommand({ UserPoolId: opts.pool, JobId: created.JobId }))).UserImportJob!;
    progress.update(job);
    if (FINISHED.has(job.Status ?? '')) break;
    await new Promise((r) => setTimeout(r, pollMs));
  }
  progress.finish(job);

  if (opts.json) {
    out(json(job));
  } else {
    out(summary(job));
    if ((job.FailedUsers ?? 0) > 0) {
      const events = await fetchImportLog(client, endpointOf(opts), job.JobId!, FAILURES_SHOWN).catch(() => undefined);
      if (events) {
        out(`\nFirst failed rows (the job's log: GET /_import/${job.JobId}/log):\n`);
        for (const e of events) out(`  row ${e.row}${e.username ? ` (${e.username})` : ''}: ${e.message}\n`);
      }
    }
  }
  if (job.Status !== 'Succeeded') process.exitCode = EXIT_COGNITO;
}

export function registerImportCommand(program: Command): void {
  remoteCommand(
    program
      .command('import <file>')
      .description('Import users from a Cognito import CSV: creates a job, uploads the file, runs it with progress and prints a summary; exits 1 unless the job Succeeded')
      .requiredOption('--pool <poolId>', 'the user pool')
      .option('--job-name <name>', 'the job name (default: the file name)')
      .option('--role-arn <arn>', 'CloudWatchLogsRoleArn, which Cognito requires; kept as given', DEFAULT_ROLE)
      .option('--poll-ms <ms>', 'how often to ask for the job\'s progress', '500'),
  ).action(async (file: string, opts: ImportOptions) => runRemote('import', opts, (client) => runImport(client, file, opts)));
}
