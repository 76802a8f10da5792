// The upload URL: what curl --upload-file and fetch send works; a URL that was tampered with,
// or whose hour is over, is refused and stores nothing; the job log is an admin route.
import { after, before, describe as suite, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import {
  CreateUserPoolCommand,
  PreconditionNotMetException,
  StartUserImportJobCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, TEST_CREDENTIALS, type TestServer } from '../helpers/server.js';
import { rejects } from '../helpers/pools.js';
import { BASIC_COLUMNS, createJob, csv, describe, jobLog, runImport, upload, userRow, waitForEnd } from './helpers.js';

/** SHA-256 and HMAC-SHA256 in the shape the SDK's signer takes, from node:crypto. */
class Sha256 {
  private state: Hash | Hmac;
  private readonly secret: Buffer | undefined;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = secret === undefined ? undefined : typeof secret === 'string' ? Buffer.from(secret) : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret);
    this.state = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(chunk: Uint8Array): void {
    this.state.update(chunk);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.state.digest());
  }
  reset(): void {
    this.state = this.fresh();
  }
}

let now = Date.now();
const clock = { now: () => now };
let server: TestServer;
let poolId: string;

before(async () => {
  server = await startTestServer({}, { clock });
  const pool = await server.client.send(new CreateUserPoolCommand({ PoolName: 'uploads', AutoVerifiedAttributes: ['email'] }));
  poolId = pool.UserPool!.Id!;
});
after(() => server.cleanup());

suite('the pre-signed URL', () => {
  test('points at this server, names the job, and takes curl --upload-file', async () => {
    const job = await createJob(server.client, poolId);
    assert.match(job.JobId!, /^import-[0-9A-Za-z]{10}$/);
    assert.equal(job.Status, 'Created');
    const url = new URL(job.PreSignedUrl!);
    assert.equal(url.origin, server.url);
    assert.equal(url.pathname, `/_import/${job.JobId}`);
    assert.equal(Number(url.searchParams.get('expires')), job.CreationDate!.getTime() + 3600_000);
    const file = join(server.dataDir, 'users.csv');
    writeFileSync(file, csv(BASIC_COLUMNS, [userRow('curly')]));
    const { stdout } = await promisify(execFile)('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', '--upload-file', file, job.PreSignedUrl!]);
    assert.equal(stdout, '200');
    await server.client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }));
    const done = await waitForEnd(server.client, poolId, job.JobId!);
    assert.equal(done.Status, 'Succeeded');
    assert.equal(done.ImportedUsers, 1);
    // The same URL again: the job no longer takes a file.
    const again = await upload(job.PreSignedUrl!, 'x');
    assert.equal(again.status, 403);
  });

  test('a second upload replaces the first', async () => {
    const job = await createJob(server.client, poolId);
    assert.equal((await upload(job.PreSignedUrl!, csv(BASIC_COLUMNS, [userRow('first1'), userRow('first2')]))).status, 200);
    const res = await upload(job.PreSignedUrl!, csv(BASIC_COLUMNS, [userRow('second')]));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('etag') ?? '', /^"[0-9a-f]{32}"$/);
    await server.client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }));
    const done = await waitForEnd(server.client, poolId, job.JobId!);
    assert.equal(done.ImportedUsers, 1);
  });

  test('a tampered signature, another job\'s signature or a moved expiry is refused and stores nothing', async () => {
    const job = await createJob(server.client, poolId);
    const other = await createJob(server.client, poolId);
    const url = new URL(job.PreSignedUrl!);
    const sig = url.searchParams.get('signature')!;
    const tampered = new URL(url);
    tampered.searchParams.set('signature', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1));
    const moved = new URL(url);
    moved.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600_000));
    const swapped = new URL(other.PreSignedUrl!);
    swapped.pathname = url.pathname;
    const unsigned = new URL(url);
    unsigned.search = '';
    for (const bad of [tampered, moved, swapped, unsigned]) {
      const res = await upload(bad.toString(), csv(BASIC_COLUMNS, [userRow('mallory')]));
      assert.equal(res.status, 403, bad.toString());
      assert.match(await res.text(), /<Code>(SignatureDoesNotMatch|AccessDenied)<\/Code>/);
    }
    await rejects(
      server.client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! })),
      PreconditionNotMetException,
      `No CSV file has been uploaded for import job ${job.JobId}.`,
    );
    assert.equal((await describe(server.client, poolId, job.JobId!)).Status, 'Created');
  });

  test('an expired URL is refused', async () => {
    const job = await createJob(server.client, poolId);
    now += 3600_000 + 1;
    try {
      const res = await upload(job.PreSignedUrl!, csv(BASIC_COLUMNS, [userRow('late')]));
      assert.equal(res.status, 403);
      assert.match(await res.text(), /<Message>Request has expired<\/Message>/);
    } finally {
      now -= 3600_000 + 1;
    }
    const res = await upload(job.PreSignedUrl!, csv(BASIC_COLUMNS, [userRow('intime')]));
    assert.equal(res.status, 200);
  });

  test('a job not started within a day is Expired and cannot be started', async () => {
    const job = await createJob(server.client, poolId);
    assert.equal((await upload(job.PreSignedUrl!, csv(BASIC_COLUMNS, [userRow('never')]))).status, 200);
    now += 24 * 3600_000;
    try {
      assert.equal((await describe(server.client, poolId, job.JobId!)).Status, 'Expired');
      await rejects(
        server.client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! })),
        PreconditionNotMetException,
        `Import job ${job.JobId} cannot be started: its status is Expired.`,
      );
    } finally {
      now -= 24 * 3600_000;
    }
  });

  test('a body over the limit is refused by its declared length, before it is sent', async () => {
    const job = await createJob(server.client, poolId);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(job.PreSignedUrl!, { method: 'PUT', headers: { 'content-length': String(200 * 1024 * 1024) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('cognito:username\n');
    });
    assert.equal(status, 400);
    assert.equal((await describe(server.client, poolId, job.JobId!)).Status, 'Created');
    await rejects(
      server.client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! })),
      PreconditionNotMetException,
      `No CSV file has been uploaded for import job ${job.JobId}.`,
    );
  });
});

suite('the job log with access keys', () => {
  test('needs a SigV4 signature', async () => {
    const keyed = await startTestServer({ accessKeys: new Map([[TEST_CREDENTIALS.accessKeyId, TEST_CREDENTIALS.secretAccessKey]]) });
    try {
      const pool = await keyed.client.send(new CreateUserPoolCommand({ PoolName: 'keyed', AutoVerifiedAttributes: ['email'] }));
      const id = pool.UserPool!.Id!;
      const job = await runImport(keyed, id, csv(BASIC_COLUMNS, [userRow('k1'), userRow('', { email: 'anon@example.com' })]));
      assert.equal(job.FailedUsers, 1);
      const url = new URL(`${keyed.url}/_import/${job.JobId}/log`);
      const plain = await fetch(url);
      assert.equal(plain.status, 403);
      await assert.rejects(jobLog(keyed, job.JobId!));
      const signer = new SignatureV4({ service: 'cognito-idp', region: 'us-east-1', credentials: TEST_CREDENTIALS, sha256: Sha256 });
      const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, query: {}, headers: { host: url.host } });
      const res = await fetch(url, { headers: signed.headers as Record<string, string> });
      assert.equal(res.status, 200);
      const body = (await res.json()) as { events: Array<{ row: number; message: string }> };
      assert.deepEqual(body.events.map((e) => e.row), [3]);
    } finally {
      await keyed.cleanup();
    }
  });
});
