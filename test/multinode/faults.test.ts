// PostgreSQL faults, seen from userpool: the database refusing connections, a statement stuck
// behind a lock, and SIGTERM with requests still in flight. Each is answered with a well-formed
// InternalErrorException for the affected requests only, and service comes back without
// restarting userpool.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  InternalErrorException,
} from '@aws-sdk/client-cognito-identity-provider';
import { rawCall, sdkClient, startTestServer, tempDataDir, type TestServer } from '../helpers/server.js';
import { startCli } from '../helpers/cli.js';
import { sample } from '../helpers/metrics.js';
import { FAST_ARGON2 } from '../helpers/users.js';
import { createTestDatabase, postgresForTests, queryDatabase, type TestDatabase } from '../helpers/postgres.js';
import { makeUser } from '../reset/helpers.js';
import { sharedMacKeys } from './nodes.js';

const availability = await postgresForTests();

/** Words that would betray internals in an answer. */
const INTERNALS = /postgres|ECONN|select |update |insert |relation|statement|timeout|database|127\.0\.0\.1|userpool_test/i;

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('PostgreSQL faults', { skip: availability.skip }, () => {
  let database: TestDatabase;
  let server: TestServer;
  let admin: pg.Client;
  let poolId: string;

  before(async () => {
    database = await createTestDatabase(availability.url);
    server = await startTestServer({ databaseUrl: database.url, databaseStatementTimeoutMs: 500, dev: true }, { argon2: FAST_ARGON2 });
    poolId = (await server.client.send(new CreateUserPoolCommand({ PoolName: 'faults' }))).UserPool!.Id!;
    await makeUser(server.client, poolId, 'locked', 'locked@example.com');
    admin = new pg.Client({ connectionString: availability.url });
    await admin.connect();
  });
  after(async () => {
    await admin?.query(`alter database ${database.name} allow_connections true`).catch(() => undefined);
    await admin?.end();
    await server?.cleanup();
    await database?.drop();
  });

  test('database refusing connections: InternalErrorException with no internals, /ready 503, then full service without a restart', async () => {
    const metrics = async () => (await (await fetch(`${server.url}/metrics`)).text());
    const errorsBefore = sample(await metrics(), 'userpool_store_errors_total');
    await admin.query(`alter database ${database.name} allow_connections false`);
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [database.name]);
    try {
      const raw = await rawCall(server.url, 'AWSCognitoIdentityProviderService.DescribeUserPool', JSON.stringify({ UserPoolId: poolId }), {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST0001/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00',
      });
      assert.equal(raw.status, 500);
      assert.deepEqual(raw.json, { __type: 'InternalErrorException', message: 'An internal error occurred.' });
      assert.doesNotMatch(raw.text, INTERNALS);
      await assert.rejects(server.client.send(new DescribeUserPoolCommand({ UserPoolId: poolId })), (e: unknown) => e instanceof InternalErrorException);
      const ready = await fetch(`${server.url}/ready`);
      assert.equal(ready.status, 503);
      assert.deepEqual(await ready.json(), { status: 'unavailable', reason: 'database unreachable' });
      assert.equal((await fetch(`${server.url}/health`)).status, 200);
      assert.ok(sample(await metrics(), 'userpool_store_errors_total') > errorsBefore, 'store errors are counted');
    } finally {
      await admin.query(`alter database ${database.name} allow_connections true`);
    }
    await waitFor('service to return', async () => (await fetch(`${server.url}/ready`)).status === 200);
    const described = await server.client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    assert.equal(described.UserPool!.Name, 'faults');
  });

  test('a statement stuck behind a lock fails after the statement timeout; other requests are served meanwhile', async () => {
    const user = await server.app.services.store.users.findUserByUsername(poolId, 'locked');
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('select sub from users where sub = $1 for update', [user!.sub]);
      const started = Date.now();
      const stuck = server.client.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'locked' }));
      // Served while the other request waits on the lock.
      assert.equal((await server.client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!.Name, 'faults');
      await assert.rejects(stuck, (e: unknown) => e instanceof InternalErrorException && e.message === 'An internal error occurred.');
      const waited = Date.now() - started;
      assert.ok(waited >= 400 && waited < 5000, `failed after ${waited} ms`);
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
    await server.client.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'locked' }));
    await server.client.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'locked' }));
  });
});

describe('SIGTERM with requests in flight on PostgreSQL', { skip: availability.skip }, () => {
  let database: TestDatabase;
  before(async () => {
    database = await createTestDatabase(availability.url);
  });
  after(async () => {
    await database?.drop();
  });

  test('in-flight requests finish with 200, new ones are refused, the process exits 0', async () => {
    const running = await startCli(['--port', '0', '--data-dir', tempDataDir(), '--database-url', database.url, '--log-level', 'silent'], {
      USERPOOL_CODE_MAC_KEYS: sharedMacKeys(),
    });
    const client = sdkClient(running.url);
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
    try {
      const poolId = (await client.send(new CreateUserPoolCommand({ PoolName: 'shutdown' }))).UserPool!.Id!;
      await makeUser(client, poolId, 'held', 'held@example.com');
      const sub = (await locker.query<{ sub: string }>('select sub from users where username = $1', ['held'])).rows[0]!.sub;
      await locker.query('begin');
      await locker.query('select sub from users where sub = $1 for update', [sub]);
      const inFlight = [0, 1, 2].map(() => client.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'held' })));
      // In flight for certain: the three statements wait on the lock in the database.
      // (Asked outside the locker's transaction: pg_stat_activity is a snapshot per transaction.)
      await waitFor('three requests waiting on the lock', async () => {
        const rows = await queryDatabase<{ n: string }>(
          availability.url,
          "select count(*) as n from pg_stat_activity where datname = $1 and application_name = 'userpool' and wait_event_type = 'Lock'",
          [database.name],
        );
        return Number(rows[0]!.n) === 3;
      });
      exit = running.stop();
      await new Promise((r) => setTimeout(r, 300));
      const late = await fetch(`${running.url}/health`).then((r) => r.status, () => 'refused');
      assert.notEqual(late, 200, 'no new request is served once stopping');
      await locker.query('commit');
      const released = Date.now();
      const results = await Promise.allSettled(inFlight);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'fulfilled', 'fulfilled']);
      assert.deepEqual(await exit, { code: 0, signal: null });
      // Promptly: the client's idle keep-alive connection does not hold the exit.
      assert.ok(Date.now() - released < 5000, `exited ${Date.now() - released} ms after the last request`);
    } finally {
      client.destroy();
      await locker.end();
      if (!exit) await running.stop();
    }
  });
});
