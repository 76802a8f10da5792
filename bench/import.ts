// User import throughput and memory. Starts the real server (port 0, a temp SQLite data dir),
// writes a CSV of N users (default 100,000) to disk, uploads it to the job's pre-signed URL as
// a stream, starts the job and polls DescribeUserImportJob to the end, sampling the process's
// memory meanwhile. Prints users/s (target >= 5,000 on SQLite) and the peak RSS and heap
// during the import against the file's size: the file is streamed, never held whole.
//
// The heap figure includes garbage V8 has not collected yet; to see what is really held, cap
// it: `node --max-old-space-size=64 --import tsx bench/import.ts` still imports 100k users.
// RSS also counts SQLite's page cache (64 MiB) and the memory-mapped database file.
//
//   node --import tsx bench/import.ts [--users 100000]
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import {
  CognitoIdentityProviderClient,
  CreateUserImportJobCommand,
  CreateUserPoolCommand,
  DescribeUserImportJobCommand,
  StartUserImportJobCommand,
  type UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import { startApp } from '../src/app.js';
import { defaultConfig } from '../src/config/config.js';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const USERS = Number(args.get('users') ?? 100_000);
const TARGET = 5_000;
const MiB = 1024 * 1024;

async function writeCsv(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('cognito:username,name,given_name,family_name,email,email_verified,phone_number,phone_number_verified,locale,cognito:mfa_enabled\n');
  for (let i = 0; i < n; i++) {
    const line = `user${i},"Person ${i}, Esq.",Person,Number${i},user${i}@example.com,true,+1555${String(i).padStart(7, '0')},true,en-US,false\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** PUT the file as a stream, as curl --upload-file does. */
async function put(url: string, file: string): Promise<number> {
  const size = statSync(file).size;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers: { 'content-length': String(size) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

const dataDir = mkdtempSync(join(tmpdir(), 'userpool-bench-import-'));
const app = await startApp({ ...defaultConfig(), port: 0, logLevel: 'silent', dataDir });
const client = new CognitoIdentityProviderClient({ endpoint: app.url, region: 'us-east-1', credentials: { accessKeyId: 'AKIABENCH', secretAccessKey: 'bench' } });
try {
  const file = join(dataDir, 'users.csv');
  await writeCsv(file, USERS);
  const fileBytes = statSync(file).size;
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'import-bench', AutoVerifiedAttributes: ['email'], AliasAttributes: ['email'] }));
  const poolId = pool.UserPool!.Id!;
  const job = (await client.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: 'bench', CloudWatchLogsRoleArn: 'arn:aws:iam::123456789012:role/Import' }))).UserImportJob!;

  global.gc?.();
  const base = process.memoryUsage();
  let peakRss = base.rss;
  let peakHeap = base.heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);

  const u0 = performance.now();
  const status = await put(job.PreSignedUrl!, file);
  const uploadMs = performance.now() - u0;
  if (status !== 200) throw new Error(`upload answered ${status}`);
  const uploadPeakRss = peakRss;

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }));
  let done: UserImportJobType;
  for (;;) {
    done = (await client.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }))).UserImportJob!;
    if (['Succeeded', 'Failed', 'Stopped'].includes(done.Status!)) break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const importMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  clearInterval(sampler);

  const rate = (done.ImportedUsers! / importMs) * 1000;
  const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;
  console.log(`file: ${USERS} users, ${mib(fileBytes)}`);
  console.log(`upload: ${uploadMs.toFixed(0)} ms (${(fileBytes / MiB / (uploadMs / 1000)).toFixed(1)} MiB/s), peak RSS ${mib(uploadPeakRss)}`);
  console.log(`import: ${done.Status}, ${done.ImportedUsers} imported, ${done.FailedUsers} failed in ${(importMs / 1000).toFixed(2)} s`);
  console.log(`throughput: ${rate.toFixed(0)} users/s (target >= ${TARGET})  ${rate >= TARGET ? 'OK' : 'BELOW TARGET'}`);
  // The machine may be shared: CPU time used by this process shows what the import itself costs.
  console.log(`cpu: ${(cpuMs / 1000).toFixed(2)} s of CPU in ${(importMs / 1000).toFixed(2)} s (${((done.ImportedUsers! / cpuMs) * 1000).toFixed(0)} users per CPU-second)`);
  console.log(`memory: RSS ${mib(base.rss)} before -> peak ${mib(peakRss)} (+${mib(peakRss - base.rss)}); heap ${mib(base.heapUsed)} -> peak ${mib(peakHeap)} (+${mib(peakHeap - base.heapUsed)}); file ${mib(fileBytes)}`);
  if (done.Status !== 'Succeeded' || done.ImportedUsers !== USERS) process.exitCode = 1;
} finally {
  client.destroy();
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
}
