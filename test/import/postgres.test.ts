// Import jobs on PostgreSQL with two nodes: the file uploaded through one node, the job started
// on the other, both nodes' runners polling. The job is run once: every row is counted exactly
// once (a second run would count the first run's users again, as failed duplicates).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolCommand, StartUserImportJobCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { BASIC_COLUMNS, createJob, upload, waitForEnd } from './helpers.js';

const availability = await postgresForTests();
let database: TestDatabase | undefined;
const nodes: TestServer[] = [];

before(async () => {
  if (availability.skip) return;
  database = await createTestDatabase(availability.url);
});
after(async () => {
  for (const n of nodes) await n.cleanup();
  await database?.drop();
});

test('two nodes, one run: uploaded on one, started on the other, every row counted once', { skip: availability.skip }, async () => {
  nodes.push(await startTestServer({ databaseUrl: database!.url }), await startTestServer({ databaseUrl: database!.url }));
  const [a, b] = nodes as [TestServer, TestServer];
  const pool = await a.client.send(new CreateUserPoolCommand({ PoolName: 'pg-import', AutoVerifiedAttributes: ['email'], AliasAttributes: ['email'] }));
  const poolId = pool.UserPool!.Id!;
  const total = 5000;
  const lines = [BASIC_COLUMNS.join(',')];
  for (let i = 0; i < total; i++) {
    // Every 100th row repeats the previous row's username: 50 failed rows.
    const name = i % 100 === 99 ? `pg${i - 1}` : `pg${i}`;
    lines.push(`${name},"Name, ${i}",${name}-${i}@example.com,true,,,false`);
  }
  const job = await createJob(a.client, poolId);
  assert.equal((await upload(job.PreSignedUrl!, lines.join('\n'))).status, 200);
  await b.client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }));
  const done = await waitForEnd(a.client, poolId, job.JobId!);
  assert.equal(done.Status, 'Succeeded');
  assert.equal(done.ImportedUsers, total - 50);
  assert.equal(done.FailedUsers, 50);
  const res = await fetch(`${a.url}/_import/${job.JobId}/log?limit=1000`);
  const events = ((await res.json()) as { events: Array<{ row: number; message: string }> }).events;
  assert.equal(events.length, 50);
  assert.ok(events.every((e) => /same username already exists/.test(e.message)));
  assert.deepEqual(events.slice(0, 2).map((e) => e.row), [101, 201]);
  const user = await a.app.services.store.users.findUserByUsername(poolId, 'pg4998');
  assert.equal(user?.status, 'RESET_REQUIRED');
  assert.equal(user?.attributes.name, 'Name, 4998');
});
