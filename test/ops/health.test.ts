// Health, readiness and metrics endpoints on the embedded store: what a load balancer and a
// Prometheus scraper see, and that nothing secret ever reaches the metrics.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  ConfirmForgotPasswordCommand,
  CodeMismatchException,
  ForgotPasswordCommand,
  LimitExceededException,
  DescribeUserPoolCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2 } from '../helpers/users.js';
import { defaultConfig } from '../../src/config/config.js';
import { makePool, makeUser, type ResetFixture } from '../reset/helpers.js';
import { sample } from '../helpers/metrics.js';

let server: TestServer;
let f: ResetFixture;

before(async () => {
  server = await startTestServer({ dev: true, reset: { ...defaultConfig().reset, forgotPasswordPerHour: 2 } }, { argon2: FAST_ARGON2 });
  f = await makePool(server.client);
});
after(async () => {
  await server.cleanup();
});

async function metricsText(url = server.url): Promise<string> {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
}

test('GET /health answers 200 without touching anything else', async () => {
  const res = await fetch(`${server.url}/health`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok' });
  assert.equal(res.headers.get('cache-control'), 'no-store');
});

test('GET /ready answers 200 when the store answers and is migrated', async () => {
  const res = await fetch(`${server.url}/ready`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ready' });
});

test('GET /ready answers 503 while a migration this version knows is missing', async () => {
  const dir = tempDataDir();
  const other = await startTestServer({ dataDir: dir });
  try {
    // As if the database were from an older version: the newest migration is not recorded.
    const db = new BetterSqlite3(join(dir, 'userpool.sqlite'));
    db.prepare('delete from kysely_migration where name = (select max(name) from kysely_migration)').run();
    db.close();
    const res = await fetch(`${other.url}/ready`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { status: 'unavailable', reason: 'database migrations pending' });
    const live = await fetch(`${other.url}/health`);
    assert.equal(live.status, 200, 'liveness does not depend on the database');
  } finally {
    await other.cleanup();
  }
});

test('/metrics counts requests by operation and outcome, and their latency', async () => {
  const before = await metricsText();
  await server.client.send(new DescribeUserPoolCommand({ UserPoolId: f.poolId }));
  await assert.rejects(server.client.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_nothere' })), (e: unknown) => e instanceof ResourceNotFoundException);
  const text = await metricsText();
  const ok = { operation: 'DescribeUserPool', outcome: 'ok' };
  const missing = { operation: 'DescribeUserPool', outcome: 'ResourceNotFoundException' };
  assert.equal(sample(text, 'userpool_requests_total', ok) - sample(before, 'userpool_requests_total', ok), 1);
  assert.equal(sample(text, 'userpool_requests_total', missing) - sample(before, 'userpool_requests_total', missing), 1);
  const count = { operation: 'DescribeUserPool' };
  assert.equal(sample(text, 'userpool_request_duration_seconds_count', count) - sample(before, 'userpool_request_duration_seconds_count', count), 2);
  assert.match(text, /^userpool_process_cpu_seconds_total /m, 'process metrics are included');
});

test('/metrics counts code comparisons and rate-limit refusals, and never shows a secret', async () => {
  const password = 'Canary-Pass-9f3c1a7e';
  await makeUser(server.client, f.poolId, 'metric-user', 'metric-user@example.com', password);
  const before = await metricsText();
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'metric-user' }));
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'metric-user' }));
  await assert.rejects(
    server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'metric-user' })),
    (e: unknown) => e instanceof LimitExceededException,
  );
  const wrongCode = '000000';
  await assert.rejects(
    server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'metric-user', ConfirmationCode: wrongCode, Password: 'Canary-New-0b2e4d6f' })),
    (e: unknown) => e instanceof CodeMismatchException,
  );
  const text = await metricsText();
  const refused = { operation: 'ForgotPassword', exception: 'LimitExceededException' };
  assert.equal(sample(text, 'userpool_rate_limit_refusals_total', refused) - sample(before, 'userpool_rate_limit_refusals_total', refused), 1);
  assert.equal(sample(text, 'userpool_code_comparisons_total') - sample(before, 'userpool_code_comparisons_total'), 1);
  for (const secret of [password, 'Canary-New-0b2e4d6f', 'metric-user', 'metric-user@example.com', f.poolId, f.legacyClientId]) {
    assert.ok(!text.includes(secret), `metrics do not mention ${secret}`);
  }
});
