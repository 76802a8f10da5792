// `userpool import` and `userpool export` as an operator runs them: the built command against a
// real server, the CSV going over the wire to the job's upload URL, users coming back out.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  GetCSVHeaderCommand,
  ListUserImportJobsCommand,
  type UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import { CsvReader } from '../../src/import/csv.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createPoolOn } from '../helpers/pools.js';
import { builtBin, tempDir, userEnv, userpool } from './built.js';

let server: TestServer;
let env: NodeJS.ProcessEnv;
let dir: string;

before(async () => {
  builtBin();
  server = await startTestServer();
  dir = tempDir();
  env = userEnv(tempDir(), { USERPOOL_ENDPOINT: server.url });
});
after(() => server.cleanup());

/** A pool that can take an import (Cognito requires an auto-verified contact). */
async function importPool(): Promise<string> {
  return (await createPoolOn(server, { AutoVerifiedAttributes: ['email'], Schema: [{ Name: 'plan', AttributeDataType: 'String', Mutable: true }] })).Id!;
}

function csvFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

function parseCsv(text: string): string[][] {
  const reader = new CsvReader();
  return [...reader.push(text), ...reader.end()].map((r) => r.fields).filter((f) => !(f.length === 1 && f[0] === ''));
}

function field(block: string, key: string): string | undefined {
  return block.split('\n').find((l) => l.startsWith(key + ' '))?.slice(key.length).trim();
}

const GOOD = 300;
function goodRows(prefix: string): string[] {
  return Array.from({ length: GOOD }, (_, i) => `${prefix}${i},${prefix}${i}@example.com,true,"Lee, ${i}",pro`);
}

describe('userpool import', () => {
  test('runs a job to its end: progress lines on stderr, a summary with the failed rows, users in RESET_REQUIRED', async () => {
    const pool = await importPool();
    const file = csvFile('people.csv', [
      'cognito:username,email,email_verified,name,custom:plan',
      ...goodRows('u'),
      'bademail,not-an-email,true,x,pro',
      'u7,again@example.com,true,dup,pro',
      ',nobody@example.com,true,x,pro',
    ]);
    const r = await userpool(['import', file, '--pool', pool, '--poll-ms', '100'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(field(r.stdout, 'Status'), 'Succeeded');
    assert.equal(field(r.stdout, 'Imported'), String(GOOD));
    assert.equal(field(r.stdout, 'Failed'), '3');
    assert.match(r.stdout, /^ {2}row 302 \(bademail\): Invalid email address format\.$/m);
    assert.match(r.stdout, /^ {2}row 303 \(u7\): A user with the same username already exists\.$/m);
    assert.match(r.stdout, /^ {2}row 304: cognito:username is required$/m);
    // stderr is a pipe here: plain lines, the last with the final counts against the rows sent.
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, /^created import-[0-9A-Za-z]+; uploading .*people\.csv$/);
    assert.match(lines.at(-1)!, /^import-[0-9A-Za-z]+: Succeeded 303\/303 rows; imported 300, skipped 0, failed 3$/);
    assert.doesNotMatch(r.stderr, /\x1b\[/, 'no terminal control codes in a pipe');

    const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: pool, Username: 'u42' }));
    assert.equal(user.UserStatus, 'RESET_REQUIRED');
    assert.equal(user.UserAttributes!.find((a) => a.Name === 'name')!.Value, 'Lee, 42');
    assert.equal(user.UserAttributes!.find((a) => a.Name === 'custom:plan')!.Value, 'pro');
  });

  test('--json prints the final job; a job that Failed exits 1', async () => {
    const pool = await importPool();
    const ok = await userpool(['import', csvFile('ok.csv', ['cognito:username,email,email_verified', 'solo,solo@example.com,true']), '--pool', pool, '--json', '--job-name', 'nightly'], env);
    assert.equal(ok.code, 0, ok.stderr);
    const job = JSON.parse(ok.stdout) as UserImportJobType;
    assert.equal(job.JobName, 'nightly');
    assert.equal(job.Status, 'Succeeded');
    assert.equal(job.ImportedUsers, 1);
    assert.equal(job.UserPoolId, pool);

    // A quoted value that never closes: the job fails as a whole (malformed file).
    const broken = csvFile('broken.csv', ['cognito:username,email,email_verified', `"${'x'.repeat(200_000)}`]);
    const failed = await userpool(['import', broken, '--pool', pool, '--json'], env);
    assert.equal(failed.code, 1, failed.stderr);
    const failedJob = JSON.parse(failed.stdout) as UserImportJobType;
    assert.equal(failedJob.Status, 'Failed');
    assert.match(failedJob.CompletionMessage!, /malformed/);
    const human = await userpool(['import', broken, '--pool', pool], env);
    assert.equal(human.code, 1);
    assert.equal(field(human.stdout, 'Status'), 'Failed');
  });

  test('on a terminal the progress is a bar redrawn in place', async () => {
    const pool = await importPool();
    const file = csvFile('tty.csv', ['cognito:username,email,email_verified,name,custom:plan', ...goodRows('t')]);
    // script(1) gives the command a terminal; stdout and stderr both arrive on it.
    const command = [process.execPath, builtBin(), 'import', file, '--pool', pool].map((a) => `'${a}'`).join(' ');
    // Not spawnSync: the server answering the command runs in this process.
    const child = spawn('script', ['-qec', command, '/dev/null'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const r = { stdout: '', status: null as number | null };
    child.stdout.on('data', (d: Buffer) => (r.stdout += d.toString()));
    r.status = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /\r\x1b\[2K\[#{30}\] 100% 300\/300 {2}imported 300, skipped 0, failed 0 {2}Succeeded/);
    assert.match(r.stdout, /Imported\s+300/);
  });

  test('refusals: a header the pool does not know (2, no job made), an unknown pool (1), a missing file (3)', async () => {
    const pool = await importPool();
    const before = (await server.client.send(new ListUserImportJobsCommand({ UserPoolId: pool, MaxResults: 60 }))).UserImportJobs ?? [];
    const r = await userpool(['import', csvFile('bad-header.csv', ['cognito:username,email,shoe_size', 'a,a@example.com,42']), '--pool', pool], env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad-header\.csv: the header has columns that are not in the pool's CSV header .*: shoe_size\n$/);
    const noUsername = await userpool(['import', csvFile('no-username.csv', ['email', 'a@example.com']), '--pool', pool], env);
    assert.equal(noUsername.code, 2);
    assert.match(noUsername.stderr, /no cognito:username column/);
    const after = (await server.client.send(new ListUserImportJobsCommand({ UserPoolId: pool, MaxResults: 60 }))).UserImportJobs ?? [];
    assert.equal(after.length, before.length);

    const unknown = await userpool(['import', csvFile('x.csv', ['cognito:username', 'a']), '--pool', 'us-east-1_missing'], env);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'ResourceNotFoundException: User pool us-east-1_missing does not exist.\n');
    const missing = await userpool(['import', join(dir, 'nope.csv'), '--pool', pool], env);
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /^userpool import: cannot read .*nope\.csv: /);
    // Past Cognito's 100 MiB limit: refused before a job is made (a sparse file, nothing read).
    const big = csvFile('big.csv', ['cognito:username,email,email_verified']);
    truncateSync(big, 100 * 1024 * 1024 + 1);
    const tooBig = await userpool(['import', big, '--pool', pool], env);
    assert.equal(tooBig.code, 2);
    assert.match(tooBig.stderr, /big\.csv is larger than 100 MiB/);
    const jobs = (await server.client.send(new ListUserImportJobsCommand({ UserPoolId: pool, MaxResults: 60 }))).UserImportJobs ?? [];
    assert.equal(jobs.length, before.length, 'no job was made for a refused file');
    const usage = await userpool(['import', '--pool', pool], env);
    assert.equal(usage.code, 2);
  });
});

describe('userpool export', () => {
  let pool: string;
  before(async () => {
    pool = await importPool();
    const r = await userpool(['import', csvFile('seed.csv', ['cognito:username,email,email_verified,name,custom:plan', ...goodRows('e')]), '--pool', pool], env);
    assert.equal(r.code, 0, r.stderr);
    // One user with a password: its hash must not leave the server.
    await server.client.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: 'withpw', UserAttributes: [{ Name: 'email', Value: 'pw@example.com' }, { Name: 'email_verified', Value: 'true' }], MessageAction: 'SUPPRESS' }));
    await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: pool, Username: 'withpw', Password: 'Perm-Passw0rd!', Permanent: true }));
  });

  test('CSV on stdout under GetCSVHeader\'s columns, every user, no password hashes', async () => {
    const r = await userpool(['export', '--pool', pool], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const rows = parseCsv(r.stdout);
    const { CSVHeader } = await server.client.send(new GetCSVHeaderCommand({ UserPoolId: pool }));
    assert.deepEqual(rows[0], CSVHeader);
    assert.equal(rows.length - 1, GOOD + 1);
    const col = (name: string): number => CSVHeader!.indexOf(name);
    const e5 = rows.find((row) => row[col('cognito:username')] === 'e5')!;
    assert.equal(e5[col('name')], 'Lee, 5');
    assert.equal(e5[col('email')], 'e5@example.com');
    assert.equal(e5[col('email_verified')], 'true');
    assert.equal(e5[col('custom:plan')], 'pro');
    assert.equal(e5[col('cognito:mfa_enabled')], 'false');
    assert.doesNotMatch(r.stdout, /argon2|Perm-Passw0rd|password/i);
  });

  test('the CSV imports unchanged into another pool', async () => {
    const file = join(dir, 'roundtrip.csv');
    const exported = await userpool(['export', '--pool', pool, '--out', file], env);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(exported.stdout, `exported ${GOOD + 1} users of ${pool} to ${file}\n`);
    const target = await importPool();
    const r = await userpool(['import', file, '--pool', target, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const job = JSON.parse(r.stdout) as UserImportJobType;
    assert.equal(job.ImportedUsers, GOOD + 1);
    assert.equal(job.FailedUsers, 0);
    const again = await userpool(['export', '--pool', target], env);
    assert.deepEqual(parseCsv(again.stdout).sort(), parseCsv(readFileSync(file, 'utf8')).sort());
  });

  test('JSON lines to a file, with a --json report', async () => {
    const file = join(dir, 'users.jsonl');
    const r = await userpool(['export', '--pool', pool, '--format', 'jsonl', '--out', file, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), { UserPoolId: pool, Format: 'jsonl', Users: GOOD + 1, File: file });
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { Username: string; UserStatus: string; Attributes: Record<string, string> });
    assert.equal(lines.length, GOOD + 1);
    const pw = lines.find((l) => l.Username === 'withpw')!;
    assert.equal(pw.UserStatus, 'CONFIRMED');
    assert.equal(pw.Attributes.email, 'pw@example.com');
    assert.deepEqual(Object.keys(pw).sort(), ['Attributes', 'Enabled', 'UserCreateDate', 'UserLastModifiedDate', 'UserStatus', 'Username']);
  });

  test('an unknown pool exits 1 and leaves no file; bad usage exits 2', async () => {
    const file = join(dir, 'never.csv');
    const r = await userpool(['export', '--pool', 'us-east-1_missing', '--out', file], env);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'ResourceNotFoundException: User pool us-east-1_missing does not exist.\n');
    assert.equal(existsSync(file) || existsSync(`${file}.partial`), false);
    const format = await userpool(['export', '--pool', pool, '--format', 'xml'], env);
    assert.equal(format.code, 2);
    assert.match(format.stderr, /argument 'xml' is invalid/);
    const json = await userpool(['export', '--pool', pool, '--json'], env);
    assert.equal(json.code, 2);
    assert.match(json.stderr, /--format jsonl/);
  });
});
