// A node killed in the middle of a send (security bar B8), with 2 userpool processes on one
// PostgreSQL database and a real SMTP server. What the outbox guarantees is at-least-once
// delivery with deduplication by id: every message reaches the server, each copy under the
// message's own Message-ID, so a receiver keeps one.
// - Killed before the server took the message (held at RCPT TO): the message is sent once,
//   by whichever node takes it over when the dead node's claim runs out.
// - Killed after the server took the message but before the node heard its 250 (the reply
//   held): the node could not record the send, so the message is sent again, with the same
//   Message-ID. No protocol can avoid this copy (the SMTP server answering is the only proof
//   of delivery, and it died with the node); the id is what makes it harmless.
// Messages whose sending no kill interrupts are sent exactly once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { ConfirmForgotPasswordCommand, ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { makePool, makeUser, type ResetFixture } from '../reset/helpers.js';
import { startSupervised, type Supervised } from '../multinode/supervisor.js';
import { codeIn, startSmtp, waitFor, type TestSmtp } from './helpers.js';

const availability = await postgresForTests();

const RCPT_HELD = 'rcpt-held@example.org';
const REPLY_HELD = 'reply-held@example.org';
/** Shorter than the delivery timeout below, so the held attempt is still alive when killed. */
const HOLD_MS = 800;

describe('outbox: a node killed mid-send, 2 processes on PostgreSQL', { skip: availability.skip }, () => {
  let database: TestDatabase;
  let smtp: TestSmtp;
  let cluster: Supervised;
  let db: pg.Pool;
  let f: ResetFixture;

  before(async () => {
    database = await createTestDatabase(availability.url);
    // Only the first attempt at each of the two addresses is held.
    const held = new Set<string>();
    const once = (address: string, which: string): number => {
      if (address !== which || held.has(which)) return 0;
      held.add(which);
      return HOLD_MS;
    };
    smtp = await startSmtp({ rcptHoldMs: (a) => once(a, RCPT_HELD), dataReplyHoldMs: (to) => (to.includes(REPLY_HELD) ? once(REPLY_HELD, REPLY_HELD) : 0) });
    cluster = await startSupervised(2, database.url, {
      USERPOOL_SMTP_HOST: '127.0.0.1',
      USERPOOL_SMTP_PORT: String(smtp.port),
      USERPOOL_SMTP_STARTTLS: 'off',
      // A claim lasts 6 timeouts: a dead node's message is taken over after 6 s.
      USERPOOL_DELIVERY_TIMEOUT_MS: '1000',
      USERPOOL_DELIVERY_RETRY_MS: '200',
      // The request returns at once; its node's first attempt goes on, and is what gets killed.
      USERPOOL_DELIVERY_WAIT_MS: '0',
    });
    db = new pg.Pool({ connectionString: database.url, max: 2 });
    f = await makePool(cluster.nodes[0]!.client);
  });
  after(async () => {
    await cluster?.stop();
    await db?.end();
    await smtp?.close();
    await database?.drop();
  });

  /** Asks node 0 for a reset code, waits until its send reaches `step`, and kills the sender. */
  async function killMidSend(username: string, email: string, step: () => boolean): Promise<string> {
    await makeUser(cluster.nodes[0]!.client, f.poolId, username, email);
    await cluster.nodes[0]!.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: username }));
    await waitFor(step, 5000, `the send to ${email} to be held`);
    const [row] = (await db.query<{ id: string; claimed_by: string | null }>("select id, claimed_by from messages where destination = $1 and purpose = 'reset_code'", [email])).rows;
    const sender = cluster.nodes.findIndex((n) => row!.claimed_by?.includes(`:${n.running.child.pid}:`));
    assert.ok(sender >= 0, `a live node holds the claim (${row!.claimed_by})`);
    await cluster.crash(sender);
    return row!.id;
  }

  const copies = (id: string) => smtp.received.filter((m) => m.parsed.messageId?.startsWith(`<${id}@`));
  const stored = async (id: string) => (await db.query<{ status: string; attempts: number }>('select status, attempts from messages where id = $1', [id])).rows[0]!;

  test('killed before the server took it: delivered once, by the node that takes it over', async () => {
    const id = await killMidSend('ann', RCPT_HELD, () => smtp.attempts.includes(RCPT_HELD));
    assert.equal(copies(id).length, 0, 'the held attempt delivered nothing');
    await waitFor(async () => (await stored(id)).status === 'sent', 20_000, 'the message to be taken over and sent');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(copies(id).length, 1);
    assert.equal((await stored(id)).attempts, 2, 'one claim died with its node, the second sent it');
  });

  test('killed after the server took it, before the 250 reached the node: a second copy under the same Message-ID', async () => {
    const id = await killMidSend('bob', REPLY_HELD, () => smtp.received.some((m) => m.to.includes(REPLY_HELD)));
    await waitFor(async () => (await stored(id)).status === 'sent', 20_000, 'the message to be taken over and sent');
    await new Promise((r) => setTimeout(r, 500));
    const received = copies(id);
    assert.equal(received.length, 2, 'at least once: the node never learnt of the first delivery');
    assert.equal(received[0]!.parsed.messageId, received[1]!.parsed.messageId, 'both copies carry one Message-ID, so the receiver keeps one');
    assert.equal(codeIn(received[0]!.parsed.text), codeIn(received[1]!.parsed.text));
    assert.equal((await stored(id)).attempts, 2);
    // The code in the mail finishes the reset, on either node.
    await cluster.nodes[1]!.client.send(
      new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'bob', ConfirmationCode: codeIn(received[0]!.parsed.text), Password: 'Chaos-Pass-1!' }),
    );
  });

  test('after the kills, messages from both nodes are each delivered exactly once', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `later${i}`);
    for (const name of names) await makeUser(cluster.nodes[0]!.client, f.poolId, name, `${name}@example.org`);
    await Promise.all(names.map((name, i) => cluster.nodes[i % 2]!.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: name }))));
    const ids = (await db.query<{ id: string }>("select id from messages where destination like 'later%' and purpose = 'reset_code'")).rows.map((r) => r.id);
    assert.equal(ids.length, names.length);
    await waitFor(async () => (await Promise.all(ids.map(stored))).every((m) => m.status === 'sent'), 15_000, 'every message sent');
    await new Promise((r) => setTimeout(r, 1500));
    for (const id of ids) {
      assert.equal(copies(id).length, 1, `message ${id} delivered once`);
      assert.equal((await stored(id)).attempts, 1);
    }
  });
});
