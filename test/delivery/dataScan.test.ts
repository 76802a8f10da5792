// After a production-mode run (no --dev), no code, temporary password or SMTP password is left
// in plain text anywhere in the data directory or the log: delivered, refused and expired messages keep only their
// redacted copies, and the SQLite journal is scrubbed of the earlier page images, so even the
// files of a running (or killed) server hold none. A positive control first proves the scan
// finds a code that is still live.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  AdminCreateUserCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  ForgotPasswordCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig } from '../../src/config/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makePool, makeUser } from '../reset/helpers.js';
import { startSmtp, waitFor, type TestSmtp } from './helpers.js';

let server: TestServer | undefined;
let smtp: TestSmtp | undefined;
after(async () => {
  await server?.cleanup();
  await smtp?.close();
});

/** Every form a secret could be written in: as is, hex, base64. */
function forms(secret: string): Buffer[] {
  const raw = Buffer.from(secret, 'utf8');
  return [raw, Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('base64').replace(/=+$/, ''))];
}

/** The files under `dir` holding any form of any secret, as `file: secret`. */
function scan(dir: string, secrets: string[]): string[] {
  const found: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        const bytes = readFileSync(p);
        for (const s of secrets) if (forms(s).some((f) => bytes.includes(f))) found.push(`${name}: ${s}`);
      }
    }
  };
  walk(dir);
  return found;
}

test('no code or temporary password survives in the data directory of a production run', async () => {
  let offsetMs = 0;
  const clock = { now: () => Date.now() + offsetMs };
  const smtpPass = 'smtp-canary-7f3a9c1e5b';
  smtp = await startSmtp({ rcpt: (a) => (a.startsWith('never') ? 451 : undefined), auth: { user: 'mailer', pass: smtpPass } });
  const d = defaultConfig();
  const log: Buffer[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, done) {
      log.push(Buffer.from(chunk));
      done();
    },
  });
  server = await startTestServer(
    {
      dev: false,
      logLevel: 'trace',
      // Ten digits: a six-digit string could turn up by chance in a few hundred KB of data.
      reset: { ...d.reset, codeLength: 10 },
      delivery: {
        ...d.delivery,
        retryBaseMs: 50,
        smtp: { ...d.delivery.smtp, host: '127.0.0.1', port: smtp.port, starttls: 'off', user: 'mailer', pass: smtpPass },
      },
    },
    { clock, logStream },
  );
  const secrets: string[] = [];
  const code = (text: string | undefined): string => {
    const c = /\b(\d{10})\b/.exec(text ?? '')?.[1];
    assert.ok(c, text);
    secrets.push(c);
    return c;
  };

  // A reset, start to finish.
  const f = await makePool(server.client);
  await makeUser(server.client, f.poolId, 'amy', 'amy@example.org');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'amy' }));
  const resetCode = code((await smtp.mailTo('amy@example.org')).parsed.text);
  await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'amy', ConfirmationCode: resetCode, Password: 'Scanned-Pass1' }));

  // A second code that is never used (a live code, delivered).
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.enabledClientId, Username: 'amy' }));
  await waitFor(() => smtp!.received.filter((m) => m.to.includes('amy@example.org')).length >= 3, 5000, 'the second code');
  code(smtp.received.filter((m) => m.to.includes('amy@example.org') && /\d{10}/.test(m.parsed.text ?? '')).at(-1)!.parsed.text);

  // A sign-up, confirmed.
  await server.client.send(
    new SignUpCommand({ ClientId: f.legacyClientId, Username: 'ben', Password: 'Signup-Pass1!', UserAttributes: [{ Name: 'email', Value: 'ben@example.org' }] }),
  );
  const signUpCode = code((await smtp.mailTo('ben@example.org')).parsed.text);
  await server.client.send(new ConfirmSignUpCommand({ ClientId: f.legacyClientId, Username: 'ben', ConfirmationCode: signUpCode }));

  // An invitation with a temporary password.
  await server.client.send(new AdminCreateUserCommand({ UserPoolId: f.poolId, Username: 'cat', UserAttributes: [{ Name: 'email', Value: 'cat@example.org' }] }));
  const password = /temporary password is (\S+)\.\s*$/.exec((await smtp.mailTo('cat@example.org')).parsed.text ?? '')?.[1];
  assert.ok(password);
  secrets.push(password);

  // A code that never gets through (the server keeps answering 451) and so expires.
  await makeUser(server.client, f.poolId, 'dee', 'never@example.org');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'dee' }));
  const [pending] = await server.app.services.store.messages.listMessages({ destination: 'never@example.org' });
  assert.equal(pending!.status, 'pending');
  const expiring = code(pending!.body);

  await waitFor(
    async () => (await server!.app.services.store.messages.listMessages()).every((m) => m.status !== 'pending' || m.destination === 'never@example.org'),
    5000,
    'every other message final',
  );
  // Positive control: a live, undelivered code IS in the data directory, so the scan can see one.
  assert.deepEqual(scan(server.dataDir, [expiring]).length > 0, true, 'the scan finds the pending code');

  // An hour and a bit later the undelivered code is dead, and so is its stored copy.
  offsetMs = 3_700_000;
  await waitFor(async () => (await server!.app.services.store.messages.findMessage(pending!.id))!.status === 'expired', 5000, 'the expiry');
  const expired = await server.app.services.store.messages.findMessage(pending!.id);
  assert.equal(expired!.body, 'Your verification code is {####}. ');

  assert.equal(new Set(secrets).size, 5);
  // While still running (what a kill -9 would leave): once the journal is scrubbed, the old
  // page images that held the codes are gone too.
  await waitFor(() => scan(server!.dataDir, secrets).length === 0, 5000, 'the journal scrubbed');
  await server.stop();
  assert.deepEqual(scan(server.dataDir, [...secrets, smtpPass]), []);
  // Nor in the log, at its most verbose, nor the SMTP password.
  const logged = Buffer.concat(log);
  assert.ok(logged.length > 0);
  for (const s of [...secrets, smtpPass]) assert.ok(!forms(s).some((f) => logged.includes(f)), `the log holds ${s}`);
});
