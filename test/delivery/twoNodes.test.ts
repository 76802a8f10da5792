// Two userpool nodes on one PostgreSQL database, both with the same SMTP server: their
// workers race for the same outbox, and every message is delivered exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig, type ServerConfig } from '../../src/config/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { makePool, makeUser } from '../reset/helpers.js';
import { startSmtp, waitFor, type TestSmtp } from './helpers.js';

const availability = await postgresForTests();
let database: TestDatabase | undefined;
let smtp: TestSmtp;
const nodes: TestServer[] = [];

before(async () => {
  if (availability.skip) return;
  database = await createTestDatabase(availability.url);
  smtp = await startSmtp();
});
after(async () => {
  for (const n of nodes) await n.cleanup();
  await smtp?.close();
  await database?.drop();
});

test('two nodes share the outbox and send each message once', { skip: availability.skip }, async () => {
  const d = defaultConfig();
  const config: Partial<ServerConfig> = {
    databaseUrl: database!.url,
    reset: { ...d.reset, forgotPasswordPerHour: 1000, recoveryRequestsPerSecond: 1000 },
    delivery: { ...d.delivery, retryBaseMs: 50, smtp: { ...d.delivery.smtp, host: '127.0.0.1', port: smtp.port, starttls: 'off' } },
  };
  nodes.push(await startTestServer(config), await startTestServer(config));
  const [a, b] = nodes as [TestServer, TestServer];
  const f = await makePool(a.client);
  const users = Array.from({ length: 12 }, (_, i) => `user${i}`);
  for (const u of users) await makeUser(a.client, f.poolId, u, `${u}@example.org`);

  // Under PreventUserExistenceErrors no request attempts its own message: both workers poll
  // the outbox and race for every row. Requests alternate between the nodes.
  const requests = users.flatMap((u, i) => [0, 1, 2].map((k) => ((i + k) % 2 === 0 ? a : b).client.send(new ForgotPasswordCommand({ ClientId: f.enabledClientId, Username: u }))));
  await Promise.all(requests);
  const total = users.length * 3;
  await waitFor(() => smtp.received.length >= total, 15_000, `${total} mails`);
  await waitFor(async () => (await a.app.services.store.messages.listMessages()).every((m) => m.status === 'sent'), 5000, 'every message marked sent');
  await new Promise((r) => setTimeout(r, 1500));

  assert.equal(smtp.received.length, total, 'no message sent twice');
  const ids = smtp.received.map((m) => m.parsed.messageId);
  assert.equal(new Set(ids).size, total);
  const stored = await a.app.services.store.messages.listMessages();
  assert.equal(stored.length, total);
  assert.ok(stored.every((m) => m.attempts === 1));
  const sends = await a.app.services.store.db.selectFrom('audit_events').select('reason').where('event_type', '=', 'MessageDelivery').execute();
  assert.deepEqual(sends.map((e) => e.reason), Array(total).fill('sent'));
});
