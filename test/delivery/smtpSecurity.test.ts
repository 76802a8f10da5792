// SMTP with TLS (STARTTLS and implicit) against a certificate made for this run, and SMTP
// AUTH accepted and refused.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  CodeDeliveryFailureException,
  ForgotPasswordCommand,
  InvalidEmailRoleAccessPolicyException,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig, type ServerConfig } from '../../src/config/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { makePool, makeUser } from '../reset/helpers.js';
import { codeIn, selfSignedCertificate, startSmtp, type TestSmtp } from './helpers.js';

const cleanups: Array<() => Promise<void>> = [];
let certDir: string;
let caFile: string;
let tls: { key: string; cert: string };

before(() => {
  tls = selfSignedCertificate();
  certDir = mkdtempSync(join(tmpdir(), 'userpool-ca-'));
  caFile = join(certDir, 'ca.pem');
  writeFileSync(caFile, tls.cert);
});
after(async () => {
  for (const c of cleanups.reverse()) await c();
  rmSync(certDir, { recursive: true, force: true });
});

async function smtpServer(...args: Parameters<typeof startSmtp>): Promise<TestSmtp> {
  const smtp = await startSmtp(...args);
  cleanups.push(() => smtp.close());
  return smtp;
}

async function serverWith(smtp: Partial<ServerConfig['delivery']['smtp']>): Promise<TestServer> {
  const d = defaultConfig().delivery;
  const server = await startTestServer({ delivery: { ...d, retryBaseMs: 50, timeoutMs: 3000, smtp: { ...d.smtp, host: '127.0.0.1', ...smtp } } });
  cleanups.push(() => server.cleanup());
  return server;
}

describe('SMTP over TLS', () => {
  test('STARTTLS required, the server certificate trusted through --smtp-ca-file', async () => {
    const smtp = await smtpServer({ tls });
    const server = await serverWith({ port: smtp.port, starttls: 'required', caFile });
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'ann', 'ann@example.org');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'ann' }));
    const mail = await smtp.mailTo('ann@example.org');
    assert.equal(mail.secure, true, 'the session was upgraded to TLS');
    assert.match(codeIn(mail.parsed.text), /^\d{6}$/);
  });

  test('implicit TLS (SMTPS) from an smtps:// address', async () => {
    const smtp = await smtpServer({ tls: { ...tls, secure: true } });
    const server = await serverWith({ port: smtp.port, secure: true, caFile });
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'ben', 'ben@example.org');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'ben' }));
    assert.equal((await smtp.mailTo('ben@example.org')).secure, true);
  });

  test('an untrusted certificate is not accepted: nothing is sent, the message waits', async () => {
    const smtp = await smtpServer({ tls });
    const server = await serverWith({ port: smtp.port, starttls: 'required' });
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'cal', 'cal@example.org');
    // A TLS failure may be a passing problem (a certificate being renewed): transient.
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'cal' }));
    const [stored] = await server.app.services.store.messages.listMessages({ destination: 'cal@example.org' });
    assert.equal(stored!.status, 'pending');
    assert.match(stored!.lastError ?? '', /^transient: smtp /);
    assert.equal(smtp.received.length, 0);
  });

  test('STARTTLS required but not offered: not sent in clear text', async () => {
    const smtp = await smtpServer();
    const server = await serverWith({ port: smtp.port, starttls: 'required' });
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'dot', 'dot@example.org');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'dot' }));
    assert.equal(smtp.received.length, 0);
    assert.equal(smtp.attempts.length, 0, 'no envelope was sent before TLS');
  });
});

describe('SMTP AUTH', () => {
  const auth = { user: 'mailer', pass: 'right-smtp-secret' };

  test('the configured user signs in and the mail goes through', async () => {
    const smtp = await smtpServer({ auth });
    const server = await serverWith({ port: smtp.port, starttls: 'off', user: auth.user, pass: auth.pass });
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'eli', 'eli@example.org');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'eli' }));
    const mail = await smtp.mailTo('eli@example.org');
    assert.equal(mail.user, 'mailer');
  });

  test('a refused password: InvalidEmailRoleAccessPolicyException, the message is given up', async () => {
    const smtp = await smtpServer({ auth });
    const server = await serverWith({ port: smtp.port, starttls: 'off', user: auth.user, pass: 'wrong-smtp-secret' });
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'fin', 'fin@example.org');
    await assert.rejects(server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'fin' })), (err: unknown) => {
      assert.ok(err instanceof InvalidEmailRoleAccessPolicyException, String(err));
      assert.ok(!err.message.includes('wrong-smtp-secret'));
      return true;
    });
    const [stored] = await server.app.services.store.messages.listMessages({ destination: 'fin@example.org' });
    assert.equal(stored!.status, 'failed');
    assert.equal(stored!.lastError, 'reported: email_identity: smtp 535 AUTH PLAIN');

    // AdminCreateUser's model has no InvalidEmailRoleAccessPolicyException: it answers
    // CodeDeliveryFailureException, after creating the user (as Cognito does).
    await assert.rejects(
      server.client.send(new AdminCreateUserCommand({ UserPoolId: f.poolId, Username: 'gil', UserAttributes: [{ Name: 'email', Value: 'gil@example.org' }] })),
      CodeDeliveryFailureException,
    );
    assert.ok(await server.app.services.store.users.findUserByUsername(f.poolId, 'gil'));
  });

  test('no credentials where the server requires them: the sender is refused', async () => {
    const smtp = await smtpServer({ auth });
    const server = await serverWith({ port: smtp.port, starttls: 'off' });
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'hew', 'hew@example.org');
    await assert.rejects(server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'hew' })), InvalidEmailRoleAccessPolicyException);
    assert.equal(smtp.received.length, 0);
  });
});
