// An import job's life through the SDK: refusals that change nothing, listing page by page,
// stopping a running job, and a job that survives the process running it.
import { after, before, describe as suite, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateUserImportJobCommand,
  CreateUserPoolCommand,
  DescribeUserImportJobCommand,
  InvalidParameterException,
  ListUserImportJobsCommand,
  ListUsersCommand,
  PreconditionNotMetException,
  ResourceNotFoundException,
  StartUserImportJobCommand,
  StopUserImportJobCommand,
  AddCustomAttributesCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  UpdateUserPoolCommand,
  UserImportInProgressException,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { sdkClient, startTestServer, type TestServer } from '../helpers/server.js';
import { rejects } from '../helpers/pools.js';
import { BASIC_COLUMNS, createJob, csv, describe, ROLE_ARN, upload, userRow, waitForEnd } from './helpers.js';

let server: TestServer;
let poolId: string;

before(async () => {
  server = await startTestServer();
  poolId = await importPool(server.client);
});
after(() => server.cleanup());

async function importPool(client: CognitoIdentityProviderClient): Promise<string> {
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'lifecycle', AutoVerifiedAttributes: ['email'] }));
  return pool.UserPool!.Id!;
}

function manyUsers(n: number, prefix: string): string {
  const rows: string[] = [BASIC_COLUMNS.join(',')];
  for (let i = 0; i < n; i++) rows.push(`${prefix}${i},,${prefix}${i}@example.com,true,,,false`);
  return rows.join('\n') + '\n';
}

async function countUsers(client: CognitoIdentityProviderClient, id: string): Promise<number> {
  let n = 0;
  let token: string | undefined;
  do {
    const out = await client.send(new ListUsersCommand({ UserPoolId: id, Limit: 60, PaginationToken: token }));
    n += out.Users!.length;
    token = out.PaginationToken;
  } while (token);
  return n;
}

suite('refusals', () => {
  test('the model checks the input: role ARN required, job name and id patterns', async () => {
    await assert.rejects(
      server.client.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: 'x' } as never)),
      (err: Error) => err instanceof InvalidParameterException && /cloudWatchLogsRoleArn/i.test(err.message),
    );
    await assert.rejects(
      server.client.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: 'bad/name', CloudWatchLogsRoleArn: ROLE_ARN })),
      (err: Error) => err instanceof InvalidParameterException && /jobName/i.test(err.message),
    );
    await assert.rejects(
      server.client.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: 'job-1' })),
      (err: Error) => err instanceof InvalidParameterException && /jobId/i.test(err.message),
    );
    await assert.rejects(server.client.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 0 })), InvalidParameterException);
  });

  test('an unknown pool or job is ResourceNotFoundException', async () => {
    const other = await importPool(server.client);
    const job = await createJob(server.client, other);
    await rejects(
      server.client.send(new CreateUserImportJobCommand({ UserPoolId: 'us-east-1_Nope12345', JobName: 'x', CloudWatchLogsRoleArn: ROLE_ARN })),
      ResourceNotFoundException,
      'User pool us-east-1_Nope12345 does not exist.',
    );
    // A job of another pool is not found through this one.
    for (const cmd of [DescribeUserImportJobCommand, StartUserImportJobCommand, StopUserImportJobCommand]) {
      await rejects(server.client.send(new cmd({ UserPoolId: poolId, JobId: job.JobId! })), ResourceNotFoundException, `Import job ${job.JobId} does not exist.`);
    }
  });

  test('start twice, stop what is not running, or start in a pool that verifies nothing: PreconditionNotMetException', async () => {
    const job = await createJob(server.client, poolId);
    await rejects(
      server.client.send(new StopUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! })),
      PreconditionNotMetException,
      `Import job ${job.JobId} cannot be stopped: its status is Created.`,
    );
    assert.equal((await upload(job.PreSignedUrl!, csv(BASIC_COLUMNS, [userRow('twice')]))).status, 200);
    const started = await server.client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }));
    assert.ok(['Pending', 'InProgress', 'Succeeded'].includes(started.UserImportJob!.Status!));
    await waitForEnd(server.client, poolId, job.JobId!);
    await rejects(
      server.client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! })),
      PreconditionNotMetException,
      `Import job ${job.JobId} cannot be started: its status is Succeeded.`,
    );

    const plain = await server.client.send(new CreateUserPoolCommand({ PoolName: 'no-auto-verify' }));
    const plainJob = await createJob(server.client, plain.UserPool!.Id!);
    assert.equal((await upload(plainJob.PreSignedUrl!, csv(BASIC_COLUMNS, [userRow('nobody')]))).status, 200);
    await rejects(
      server.client.send(new StartUserImportJobCommand({ UserPoolId: plain.UserPool!.Id!, JobId: plainJob.JobId! })),
      PreconditionNotMetException,
      'The user pool has no auto-verified attributes (email or phone_number); imported users could not reset their passwords.',
    );
    assert.equal((await describe(server.client, plain.UserPool!.Id!, plainJob.JobId!)).Status, 'Created');
  });
});

suite('ListUserImportJobs', () => {
  test('pages through every job once, oldest first; a foreign token is refused', async () => {
    const id = await importPool(server.client);
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await createJob(server.client, id, `job-${i}`)).JobId!);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await server.client.send(new ListUserImportJobsCommand({ UserPoolId: id, MaxResults: 2, PaginationToken: token }));
      pages++;
      assert.ok(out.UserImportJobs!.length <= 2);
      for (const j of out.UserImportJobs!) {
        assert.equal(j.UserPoolId, id);
        assert.equal(j.CloudWatchLogsRoleArn, ROLE_ARN);
        seen.push(j.JobId!);
      }
      token = out.PaginationToken;
    } while (token);
    assert.equal(pages, 3);
    assert.deepEqual(seen, made);
    const empty = await server.client.send(new ListUserImportJobsCommand({ UserPoolId: await importPool(server.client), MaxResults: 10 }));
    assert.equal(empty.UserImportJobs, undefined);
    const first = await server.client.send(new ListUserImportJobsCommand({ UserPoolId: id, MaxResults: 1 }));
    await rejects(
      server.client.send(new ListUserImportJobsCommand({ UserPoolId: poolId, MaxResults: 1, PaginationToken: first.PaginationToken })),
      InvalidParameterException,
      'Invalid pagination token.',
    );
  });
});

suite('stopping', () => {
  test('a running job goes Stopping then Stopped; every row is imported, failed or skipped, none twice', async () => {
    const id = await importPool(server.client);
    const total = 30_000;
    const job = await createJob(server.client, id);
    assert.equal((await upload(job.PreSignedUrl!, manyUsers(total, 'stop'))).status, 200);
    await server.client.send(new StartUserImportJobCommand({ UserPoolId: id, JobId: job.JobId! }));
    // While it runs, the pool's schema and the pool itself stay as the job found them.
    const busy = `A user import job is in progress for user pool ${id}.`;
    await rejects(server.client.send(new UpdateUserPoolCommand({ UserPoolId: id, AutoVerifiedAttributes: ['email'], UserPoolTags: { t: '1' } })), UserImportInProgressException, busy);
    await rejects(
      server.client.send(new AddCustomAttributesCommand({ UserPoolId: id, CustomAttributes: [{ Name: 'team', AttributeDataType: 'String' }] })),
      UserImportInProgressException,
      busy,
    );
    await rejects(server.client.send(new DeleteUserPoolCommand({ UserPoolId: id })), UserImportInProgressException, busy);
    const unchanged = (await server.client.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!;
    assert.equal(unchanged.SchemaAttributes!.some((a) => a.Name === 'custom:team'), false);
    assert.equal(unchanged.UserPoolTags?.t, undefined);
    const stopping = await server.client.send(new StopUserImportJobCommand({ UserPoolId: id, JobId: job.JobId! }));
    assert.equal(stopping.UserImportJob!.Status, 'Stopping');
    const done = await waitForEnd(server.client, id, job.JobId!);
    assert.equal(done.Status, 'Stopped');
    assert.equal(done.CompletionMessage, 'Import Job Stopped.');
    assert.ok(done.ImportedUsers! < total, `stopped before the end (${done.ImportedUsers} imported)`);
    assert.equal(done.ImportedUsers! + done.FailedUsers! + done.SkippedUsers!, total);
    assert.equal(await countUsers(server.client, id), done.ImportedUsers);
    // Ended: the pool can change again.
    await server.client.send(new AddCustomAttributesCommand({ UserPoolId: id, CustomAttributes: [{ Name: 'team', AttributeDataType: 'String' }] }));
    await server.client.send(new DeleteUserPoolCommand({ UserPoolId: id }));
  });
});

suite('a restart', () => {
  test('a job in progress when its process stops is resumed by the next one, with no row counted twice', async () => {
    let now = Date.now();
    const clock = { now: () => now };
    const first = await startTestServer({}, { clock });
    const dataDir = first.dataDir;
    let second: TestServer | undefined;
    try {
      const id = await importPool(first.client);
      const total = 30_000;
      const job = await createJob(first.client, id);
      assert.equal((await upload(job.PreSignedUrl!, manyUsers(total, 'r'))).status, 200);
      await first.client.send(new StartUserImportJobCommand({ UserPoolId: id, JobId: job.JobId! }));
      // Wait for the first batches, then stop the process mid-job.
      for (;;) {
        const j = await describe(first.client, id, job.JobId!);
        if (j.ImportedUsers! > 0) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      await first.stop();
      // Same data directory, a new process; its clock is past the dead process's lease.
      now += 60_000;
      second = await startTestServer({ dataDir }, { clock });
      const interrupted = await describe(second.client, id, job.JobId!);
      assert.ok(interrupted.ImportedUsers! < total, 'the first process did not finish the job');
      const done = await waitForEnd(second.client, id, job.JobId!);
      assert.equal(done.Status, 'Succeeded');
      assert.equal(done.ImportedUsers, total);
      assert.equal(done.FailedUsers, 0);
      const client = sdkClient(second.url);
      assert.equal(await countUsers(client, id), total);
      client.destroy();
    } finally {
      await second?.cleanup();
      await first.cleanup();
    }
  });
});
