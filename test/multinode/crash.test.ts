// Crash consistency (security bar B8) on 4 `userpool serve` processes sharing one PostgreSQL
// database, sending mail to a real SMTP server: password resets and sign-ins spread
// round-robin over the nodes while one node after another is killed with SIGKILL and
// restarted. Afterwards the database must show that no request was half-applied.
//
// The outcome of each request as the client saw it:
// - ok: an HTTP 200. Its effect must be durable.
// - refused: a Cognito error answer (4xx). Nothing of it may be applied.
// - notsent: the connection was refused (the node was down). Nothing of it may be applied.
// - unknown: the connection died mid-request (the node was killed) or a 5xx. Either.
//
// Each reset user runs its journey in sequence (ForgotPassword, the code read from the
// message log, ConfirmForgotPassword with a fresh password), so its confirms are ordered.
// The invariant, per user, with `last` the password of its last `ok` confirm (the original
// password if none) and U the passwords of its `unknown` confirms after that one:
//   exactly one password of {last} ∪ U verifies against the stored hash, and no other
//   password the user ever had or was sent verifies.
// (A confirm whose answer was lost may or may not have committed, so the old or the new
// password may be the valid one, never both: the hash column holds one hash.)
// Mail is at least once with deduplication by id (B8.5): every outbox message is sent, the
// SMTP server received each message id at least once, and a message id it received twice
// belongs to a message whose first claim died with its node (attempts > 1).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import {
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { PasswordHasher } from '../../src/crypto/password.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { confirmedUser, makeAuthPool, PASSWORD, type AuthPool } from '../auth/fixture.js';
import { startSmtp, waitFor, type TestSmtp } from '../delivery/helpers.js';
import { startSupervised, type Supervised } from './supervisor.js';

const availability = await postgresForTests();

const NODES = 4;
const RESET_USERS = 8;
const SIGN_IN_USERS = 2;
/** The load runs until this many kills were made, or for LOAD_MAX_MS at most. */
const KILLS = 5;
const LOAD_MAX_MS = 30_000;

type Outcome = 'ok' | 'refused' | 'notsent' | 'unknown';

function outcomeOf(err: unknown): Outcome {
  const e = err as { $metadata?: { httpStatusCode?: number }; code?: string; cause?: { code?: string } };
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status < 500) return 'refused';
  if (e.code === 'ECONNREFUSED' || e.cause?.code === 'ECONNREFUSED') return 'notsent';
  return 'unknown';
}

async function attempt(fn: () => Promise<unknown>): Promise<{ outcome: Outcome; error?: string }> {
  try {
    await fn();
    return { outcome: 'ok' };
  } catch (err) {
    return { outcome: outcomeOf(err), error: `${(err as Error).name}: ${(err as Error).message}` };
  }
}

interface ResetUser {
  name: string;
  email: string;
  confirms: Array<{ password: string; outcome: Outcome; error?: string }>;
  forgotOk: number;
  forgotUnknown: number;
}

/** A small deterministic generator, so a failing run's kill pattern can be replayed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('crash consistency: 4 processes killed and restarted under load', { skip: availability.skip }, () => {
  let database: TestDatabase;
  let smtp: TestSmtp;
  let cluster: Supervised;
  let db: pg.Pool;
  let pool: AuthPool;

  before(async () => {
    database = await createTestDatabase(availability.url);
    // A slightly slow recipient step, so kills land in the middle of sends too.
    smtp = await startSmtp({ rcptDelayMs: 20 });
    cluster = await startSupervised(NODES, database.url, {
      USERPOOL_SMTP_HOST: '127.0.0.1',
      USERPOOL_SMTP_PORT: String(smtp.port),
      USERPOOL_SMTP_STARTTLS: 'off',
      USERPOOL_DELIVERY_TIMEOUT_MS: '1000',
      USERPOOL_DELIVERY_RETRY_MS: '200',
      USERPOOL_RESET_REQUESTS_PER_HOUR: '10000',
      USERPOOL_RECOVERY_REQUESTS_PER_SECOND: '100000',
    });
    db = new pg.Pool({ connectionString: database.url, max: 3 });
  });
  after(async () => {
    await cluster?.stop();
    await db?.end();
    await smtp?.close();
    await database?.drop();
  });

  test('no half-applied reset, every acknowledged change durable, every message sent (deduplicated by id)', { timeout: 150_000 }, async () => {
    const admin = cluster.nodes[0]!.client;
    pool = await makeAuthPool(admin, { AutoVerifiedAttributes: ['email'] });
    const users: ResetUser[] = [];
    for (let i = 0; i < RESET_USERS; i++) {
      const name = `reset${i}`;
      await confirmedUser(admin, pool.poolId, name, { email: `${name}@example.org`, email_verified: 'true' });
      users.push({ name, email: `${name}@example.org`, confirms: [], forgotOk: 0, forgotUnknown: 0 });
    }
    for (let i = 0; i < SIGN_IN_USERS; i++) await confirmedUser(admin, pool.poolId, `signin${i}`, { email: `signin${i}@example.org`, email_verified: 'true' });

    let rr = 0;
    // Round-robin over the nodes a load balancer's health check would still list: a node is
    // taken out the moment it is killed (its requests in flight die with it) and put back
    // once it listens again.
    const nextClient = (): CognitoIdentityProviderClient => {
      for (;;) {
        const n = cluster.nodes[rr++ % NODES]!;
        if (!n.down) return n.client;
      }
    };
    const start = Date.now();
    const running = () => Date.now() - start < LOAD_MAX_MS && cluster.kills() < KILLS;
    const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

    /** The code of the newest reset message to `email`, from the message log. */
    const newestCode = async (email: string): Promise<string> => {
      const { rows } = await db.query<{ body: string }>(
        "select body from messages where destination = $1 and purpose = 'reset_code' order by created_at desc, id desc limit 1",
        [email],
      );
      const code = /\b(\d{6})\b/.exec(rows[0]?.body ?? '')?.[1];
      assert.ok(code, `a code in the newest reset message to ${email}`);
      return code;
    };

    const resetLoop = async (u: ResetUser): Promise<void> => {
      let k = 0;
      while (running()) {
        const forgot = await attempt(() => nextClient().send(new ForgotPasswordCommand({ ClientId: pool.legacy, Username: u.name })));
        if (forgot.outcome === 'refused') assert.fail(`ForgotPassword refused: ${forgot.error}`);
        if (forgot.outcome !== 'ok') {
          if (forgot.outcome === 'unknown') u.forgotUnknown++;
          await pause(50);
          continue;
        }
        u.forgotOk++;
        const code = await newestCode(u.email);
        const password = `Np-${u.name}-${k++}-Aa1!`;
        const confirm = await attempt(() =>
          nextClient().send(new ConfirmForgotPasswordCommand({ ClientId: pool.legacy, Username: u.name, ConfirmationCode: code, Password: password })),
        );
        u.confirms.push({ password, ...confirm });
        if (confirm.outcome !== 'ok') await pause(50);
      }
    };

    const signIns: Record<Outcome, number> = { ok: 0, refused: 0, notsent: 0, unknown: 0 };
    const signInErrors: string[] = [];
    const signInLoop = async (i: number): Promise<void> => {
      while (running()) {
        const r = await attempt(() =>
          nextClient().send(new InitiateAuthCommand({ ClientId: pool.legacy, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: `signin${i}`, PASSWORD } })),
        );
        signIns[r.outcome]++;
        if (r.outcome === 'refused') signInErrors.push(r.error!);
        if (r.outcome !== 'ok') await pause(50);
      }
    };

    const random = lcg(0x5eed + (Number(process.env.USERPOOL_TEST_CRASH_SEED) || 0));
    // A kill every 2.5-4 s; a restart takes a few seconds, so it runs on while the next kill
    // comes. At most two nodes are down at once.
    const restarts: Promise<void>[] = [];
    const killer = async (): Promise<void> => {
      await pause(2000);
      while (running()) {
        const up = cluster.nodes.flatMap((n, i) => (n.down ? [] : [i]));
        if (up.length > NODES - 2) restarts.push(cluster.crash(up[Math.floor(random() * up.length)]!));
        // The last kill ends the load, so it lands among requests in flight like the others.
        if (cluster.kills() === KILLS) break;
        await pause(2500 + random() * 1500);
      }
      await Promise.all(restarts);
    };

    await Promise.all([killer(), ...users.map(resetLoop), ...Array.from({ length: SIGN_IN_USERS }, (_, i) => signInLoop(i))]);
    const confirms = users.flatMap((u) => u.confirms);
    const count = (o: Outcome) => confirms.filter((c) => c.outcome === o).length;
    console.log(
      `crash run: ${cluster.kills()} kills; confirms ok ${count('ok')}, unknown ${count('unknown')}, notsent ${count('notsent')}, refused ${count('refused')}; ` +
        `sign-ins ok ${signIns.ok}, unknown ${signIns.unknown}, notsent ${signIns.notsent}`,
    );
    assert.ok(cluster.kills() >= 3, `at least 3 kills (${cluster.kills()})`);
    assert.ok(count('ok') >= 20, `the load went on between kills (${count('ok')} confirms acknowledged)`);
    assert.deepEqual(confirms.filter((c) => c.outcome === 'refused').map((c) => c.error), [], 'a confirm with the newest code is never refused');
    assert.deepEqual(signInErrors, [], 'the right password always signs in when a node answers');

    // The outbox drains: every message is sent, those whose claim died with a node included.
    await waitFor(async () => Number((await db.query<{ n: string }>("select count(*) as n from messages where status <> 'sent'")).rows[0]!.n) === 0, 30_000, 'the outbox to drain');

    // 1. One valid password per user, and the right one.
    const hasher = new PasswordHasher();
    const rows = (await db.query<{ username: string; sub: string; password_hash: string | null; password_changed_at: string; tokens_valid_after: string }>(
      'select username, sub, password_hash, password_changed_at, tokens_valid_after from users where pool_id = $1',
      [pool.poolId],
    )).rows;
    const byName = new Map(rows.map((r) => [r.username, r]));
    for (const u of users) {
      const row = byName.get(u.name)!;
      assert.match(row.password_hash ?? '', /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[\w+/]+\$[\w+/]+$/, `${u.name}: one parseable hash`);
      const lastOk = u.confirms.map((c) => c.outcome).lastIndexOf('ok');
      const candidates = [lastOk >= 0 ? u.confirms[lastOk]!.password : PASSWORD, ...u.confirms.slice(lastOk + 1).filter((c) => c.outcome === 'unknown').map((c) => c.password)];
      const others = [PASSWORD, ...u.confirms.map((c) => c.password)].filter((p) => !candidates.includes(p));
      const valid = [];
      for (const p of candidates) if (await hasher.verifyPassword(row.password_hash!, p)) valid.push(p);
      assert.equal(valid.length, 1, `${u.name}: exactly one of ${candidates.length} candidate passwords is valid (${valid.length})`);
      for (const p of others) assert.equal(await hasher.verifyPassword(row.password_hash!, p), false, `${u.name}: a superseded or refused password is not valid`);
      // ...and it signs in, through the server.
      const out = await cluster.nodes[0]!.client.send(
        new InitiateAuthCommand({ ClientId: pool.legacy, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: u.name, PASSWORD: valid[0]! } }),
      );
      assert.ok(out.AuthenticationResult?.AccessToken, `${u.name} signs in with the valid password`);
    }

    // 2. Every consumed code has its password change, notice and audit event; no code was
    // compared more than the cap allows.
    const codes = (await db.query<{ sub: string; consumed_at: string | null; attempts: number }>(
      "select sub, consumed_at, attempts from one_time_codes where pool_id = $1 and purpose = 'reset'",
      [pool.poolId],
    )).rows;
    assert.ok(codes.every((c) => c.attempts <= 5), 'no code shows more than 5 attempts');
    const notices = (await db.query<{ sub: string; created_at: string }>("select sub, created_at from messages where pool_id = $1 and purpose = 'password_changed'", [pool.poolId])).rows;
    const passes = (await db.query<{ sub: string; created_at: string }>(
      "select sub, created_at from audit_events where pool_id = $1 and event_type = 'PasswordChange' and outcome = 'Pass'",
      [pool.poolId],
    )).rows;
    const resetMessages = (await db.query<{ sub: string }>("select sub from messages where pool_id = $1 and purpose = 'reset_code'", [pool.poolId])).rows;
    for (const u of users) {
      const row = byName.get(u.name)!;
      const consumed = codes.filter((c) => c.sub === row.sub && c.consumed_at !== null).map((c) => Number(c.consumed_at)).sort((a, b) => a - b);
      const ok = u.confirms.filter((c) => c.outcome === 'ok').length;
      const unknown = u.confirms.filter((c) => c.outcome === 'unknown').length;
      assert.ok(consumed.length >= ok && consumed.length <= ok + unknown, `${u.name}: ${consumed.length} codes consumed for ${ok} acknowledged and ${unknown} unknown confirms`);
      assert.equal(notices.filter((n) => n.sub === row.sub).length, consumed.length, `${u.name}: one "password changed" notice per consumed code`);
      assert.equal(passes.filter((p) => p.sub === row.sub).length, consumed.length, `${u.name}: one success audit event per consumed code`);
      if (consumed.length > 0) {
        // The newest consumed code is the newest password change (one commit).
        assert.equal(Number(row.password_changed_at), consumed.at(-1), `${u.name}: the last consumed code made the last password change`);
        assert.ok(Number(row.tokens_valid_after) >= consumed.at(-1)!, `${u.name}: tokens issued before the reset are refused`);
      }
      const sent = resetMessages.filter((m) => m.sub === row.sub).length;
      assert.ok(sent >= u.forgotOk && sent <= u.forgotOk + u.forgotUnknown, `${u.name}: a code message per acknowledged ForgotPassword (${sent} for ${u.forgotOk} + ${u.forgotUnknown} unknown)`);
    }

    // 3. Mail: every outbox message reached the SMTP server, at least once, under its own id;
    // a second copy only of a message whose first claim died with a node.
    const outbox = (await db.query<{ id: string; attempts: number }>("select id, attempts from messages where channel = 'EMAIL'")).rows;
    const received = new Map<string, number>();
    for (const m of smtp.received) {
      const id = /^<([^@>]+)@/.exec(m.parsed.messageId ?? '')?.[1] ?? 'no id';
      received.set(id, (received.get(id) ?? 0) + 1);
    }
    assert.deepEqual([...received.keys()].sort(), outbox.map((m) => m.id).sort(), 'the SMTP server received exactly the outbox messages');
    const attempts = new Map(outbox.map((m) => [m.id, m.attempts]));
    const repeated = [...received].filter(([, n]) => n > 1);
    for (const [id, n] of repeated) assert.ok(n <= attempts.get(id)! && attempts.get(id)! > 1, `message ${id} received ${n} times after ${attempts.get(id)} claims`);
    console.log(`crash run: ${outbox.length} messages, ${smtp.received.length} deliveries, ${repeated.length} repeated (same Message-ID)`);
  });
});
