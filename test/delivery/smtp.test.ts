// Email through a real SMTP server in the test process: the code is read from the mail that
// arrived (parsed with mailparser) and finishes the reset. Templates, senders, TLS, AUTH,
// temporary and permanent refusals, and a server that is down until userpool restarts.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import {
  AdminCreateUserCommand,
  AdminListUserAuthEventsCommand,
  AdminResetUserPasswordCommand,
  CodeDeliveryFailureException,
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InvalidEmailRoleAccessPolicyException,
  type CreateUserPoolRequest,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig, type ServerConfig } from '../../src/config/config.js';
import { startTestServer, tempDataDir, type TestServer } from '../helpers/server.js';
import { makePool, makeUser, passwordWorks } from '../reset/helpers.js';
import { codeIn, startSmtp, waitFor, type TestSmtp } from './helpers.js';

const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

function smtpConfig(smtp: { port: number }, extra: Partial<ServerConfig['delivery']['smtp']> = {}, delivery: Partial<ServerConfig['delivery']> = {}): Partial<ServerConfig> {
  const d = defaultConfig().delivery;
  return { delivery: { ...d, retryBaseMs: 50, ...delivery, smtp: { ...d.smtp, host: '127.0.0.1', port: smtp.port, starttls: 'off', ...extra } } };
}

async function serverFor(smtp: TestSmtp, extra: Partial<ServerConfig> = {}): Promise<TestServer> {
  const server = await startTestServer({ ...smtpConfig(smtp), ...extra });
  cleanups.push(() => server.cleanup());
  return server;
}

async function smtpServer(...args: Parameters<typeof startSmtp>): Promise<TestSmtp> {
  const smtp = await startSmtp(...args);
  cleanups.push(() => smtp.close());
  return smtp;
}

async function storedMessages(server: TestServer, to: string) {
  return server.app.services.store.messages.listMessages({ destination: to });
}

/** The delivery audit events of a user, oldest first, as [reason, details]. */
async function deliveryEvents(server: TestServer, sub: string): Promise<Array<[string, Record<string, unknown>]>> {
  const rows = await server.app.services.store.db
    .selectFrom('audit_events')
    .select(['reason', 'details', 'outcome'])
    .where('sub', '=', sub)
    .where('event_type', '=', 'MessageDelivery')
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => [`${r.outcome}:${r.reason}`, JSON.parse(r.details ?? '{}') as Record<string, unknown>]);
}

describe('the reset journey by SMTP', () => {
  test('the code comes in the mail, finishes the reset, and leaves the stored copy', async () => {
    const smtp = await smtpServer();
    const server = await serverFor(smtp);
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'alice', 'alice@example.com');

    const sent = await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'alice' }));
    assert.equal(sent.CodeDeliveryDetails?.Destination, 'a***@e***');
    const mail = await smtp.mailTo('alice@example.com');
    // Cognito's defaults: its sender, subject and text.
    assert.equal(mail.parsed.from?.value[0]?.address, 'no-reply@verificationemail.com');
    assert.equal(mail.parsed.subject, 'Your verification code');
    assert.match(mail.parsed.text ?? '', /^Your verification code is \d{6}\. ?\n?$/);
    assert.equal(mail.parsed.html, false, 'a text template is sent as text only');
    const code = codeIn(mail.parsed.text);

    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'alice', ConfirmationCode: code, Password: 'Brand-New-Pass1' }));
    assert.equal(await passwordWorks(server, f.poolId, 'alice', 'Brand-New-Pass1'), true);
    // The notice follows the same path, picked up by the worker.
    await waitFor(() => smtp.received.some((m) => m.parsed.subject === 'Your password was changed'), 5000, 'the notice');

    const [codeMessage] = await storedMessages(server, 'alice@example.com');
    assert.equal(codeMessage!.status, 'sent');
    assert.equal(codeMessage!.attempts, 1);
    assert.ok(codeMessage!.sentAt! > 0);
    assert.equal(codeMessage!.body, 'Your verification code is {####}. ');
    assert.equal(smtp.received.filter((m) => m.to.includes('alice@example.com')).length, 2);

    // Each send is an audit event, with the destination masked and no text of the message.
    await waitFor(async () => (await deliveryEvents(server, codeMessage!.sub!)).length === 2, 5000, 'the notice recorded as sent');
    const events = await deliveryEvents(server, codeMessage!.sub!);
    assert.deepEqual(
      events.map(([reason, d]) => [reason, d.purpose, d.channel, d.destination, d.transport, d.attempt]),
      [
        ['Pass:sent', 'reset_code', 'EMAIL', 'a***@e***', 'smtp', 1],
        ['Pass:sent', 'password_changed', 'EMAIL', 'a***@e***', 'smtp', 1],
      ],
    );
    assert.ok(!JSON.stringify(events).includes(code));
    // They are not auth events: AdminListUserAuthEvents does not list them.
    const auth = await server.client.send(new AdminListUserAuthEventsCommand({ UserPoolId: f.poolId, Username: 'alice' }));
    assert.ok(auth.AuthEvents!.length > 0 && auth.AuthEvents!.every((e) => e.EventType !== ('MessageDelivery' as never)));
  });

  test('custom HTML templates, the pool sender and a plain-text alternative', async () => {
    const smtp = await smtpServer();
    const server = await serverFor(smtp);
    const f = await makePool(server.client, {
      VerificationMessageTemplate: {
        EmailSubject: 'Reset your password',
        EmailMessage: '<p>Hello {username},</p><p>your code is <b>{####}</b> &amp; it lasts an hour.</p>',
      },
      EmailConfiguration: {
        EmailSendingAccount: 'DEVELOPER',
        SourceArn: 'arn:aws:ses:us-east-1:123456789012:identity/example.com',
        From: 'Example Support <support@example.com>',
        ReplyToEmailAddress: 'help@example.com',
      },
    } satisfies Partial<CreateUserPoolRequest>);
    await makeUser(server.client, f.poolId, 'bo', 'bo@example.org');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'bo' }));
    const mail = await smtp.mailTo('bo@example.org');
    assert.equal(mail.parsed.from?.value[0]?.address, 'support@example.com');
    assert.equal(mail.parsed.from?.value[0]?.name, 'Example Support');
    assert.equal(mail.parsed.replyTo?.value[0]?.address, 'help@example.com');
    assert.equal(mail.parsed.subject, 'Reset your password');
    const code = codeIn(mail.parsed.text);
    assert.match(String(mail.parsed.html), new RegExp(`<p>Hello bo,</p><p>your code is <b>${code}</b> &amp; it lasts an hour.</p>`));
    assert.equal(mail.parsed.text?.trim(), `Hello bo,\nyour code is ${code} & it lasts an hour.`);
    assert.match(String(mail.parsed.messageId), /@example\.com>$/);
  });

  test('an SES email identity is the sender; a From outside the identity is refused', async () => {
    const smtp = await smtpServer();
    const server = await serverFor(smtp);
    const ok = await makePool(server.client, { EmailConfiguration: { SourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/no-reply@example.com' } });
    await makeUser(server.client, ok.poolId, 'cy', 'cy@example.org');
    await server.client.send(new ForgotPasswordCommand({ ClientId: ok.legacyClientId, Username: 'cy' }));
    assert.equal((await smtp.mailTo('cy@example.org')).parsed.from?.value[0]?.address, 'no-reply@example.com');

    const bad = await makePool(server.client, {
      EmailConfiguration: { SourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com', From: 'someone@elsewhere.net' },
    });
    await makeUser(server.client, bad.poolId, 'di', 'di@example.org');
    await assert.rejects(server.client.send(new ForgotPasswordCommand({ ClientId: bad.legacyClientId, Username: 'di' })), (err: unknown) => {
      assert.ok(err instanceof InvalidEmailRoleAccessPolicyException, String(err));
      assert.equal(err.message, 'The user pool is not allowed to send email from its configured sender.');
      return true;
    });
    const [message] = await storedMessages(server, 'di@example.org');
    assert.equal(message!.status, 'failed', 'a refusal the caller was told about is never sent later');
    assert.equal(smtp.attempts.includes('di@example.org'), false);
  });

  test('AdminCreateUser invitations: the pool template, then Cognito\'s default', async () => {
    const smtp = await smtpServer();
    const server = await serverFor(smtp);
    const f = await makePool(server.client, {
      AdminCreateUserConfig: { InviteMessageTemplate: { EmailSubject: 'Welcome aboard', EmailMessage: 'Hi {username}, sign in with {####} soon.' } },
    });
    await server.client.send(new AdminCreateUserCommand({ UserPoolId: f.poolId, Username: 'eve', UserAttributes: [{ Name: 'email', Value: 'eve@example.org' }] }));
    const invite = await smtp.mailTo('eve@example.org');
    assert.equal(invite.parsed.subject, 'Welcome aboard');
    const password = /^Hi eve, sign in with (\S+) soon\.\s*$/.exec(invite.parsed.text ?? '')?.[1];
    assert.ok(password, invite.parsed.text);
    // Once sent, the stored invitation holds no password.
    await waitFor(async () => (await storedMessages(server, 'eve@example.org'))[0]!.status === 'sent', 5000, 'the invitation marked sent');
    assert.equal((await storedMessages(server, 'eve@example.org'))[0]!.body, 'Hi eve, sign in with {####} soon.');

    const plain = await makePool(server.client);
    await server.client.send(new AdminCreateUserCommand({ UserPoolId: plain.poolId, Username: 'fay', UserAttributes: [{ Name: 'email', Value: 'fay@example.org' }] }));
    const defaultInvite = await smtp.mailTo('fay@example.org');
    assert.equal(defaultInvite.parsed.subject, 'Your temporary password');
    assert.match(defaultInvite.parsed.text ?? '', /^Your username is fay and temporary password is \S+\.\s*$/);
  });

  test('a server answering 451 twice, then accepting: delivered exactly once, on the third attempt', async () => {
    let refusals = 0;
    const smtp = await smtpServer({ rcpt: (a) => (a === 'gus@example.org' && refusals++ < 2 ? 451 : undefined) });
    const server = await serverFor(smtp);
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'gus', 'gus@example.org');
    // A temporary refusal is not the caller's problem: the answer is the usual success.
    const sent = await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'gus' }));
    assert.equal(sent.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
    const mail = await smtp.mailTo('gus@example.org');
    await waitFor(async () => (await storedMessages(server, 'gus@example.org'))[0]!.status === 'sent', 5000, 'marked sent');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.received.filter((m) => m.to.includes('gus@example.org')).length, 1);
    assert.equal(smtp.attempts.filter((a) => a === 'gus@example.org').length, 3);
    const [stored] = await storedMessages(server, 'gus@example.org');
    assert.equal(stored!.attempts, 3);
    const events = await deliveryEvents(server, stored!.sub!);
    assert.deepEqual(
      events.map(([reason, d]) => [reason, d.attempt, d.detail ?? null]),
      [
        ['Fail:retry', 1, 'smtp 451 RCPT TO'],
        ['Fail:retry', 2, 'smtp 451 RCPT TO'],
        ['Pass:sent', 3, null],
      ],
    );
    const code = codeIn(mail.parsed.text);
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'gus', ConfirmationCode: code, Password: 'After-451-Pass1' }));
  });

  test('a server that keeps answering 451: given up after --delivery-max-attempts', async () => {
    const smtp = await smtpServer({ rcpt: () => 451 });
    const server = await serverFor(smtp, smtpConfig(smtp, {}, { maxAttempts: 3 }));
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'lou', 'lou@example.org');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'lou' }));
    await waitFor(async () => (await storedMessages(server, 'lou@example.org'))[0]!.status === 'failed', 5000, 'given up');
    const [stored] = await storedMessages(server, 'lou@example.org');
    assert.equal(stored!.attempts, 3);
    assert.equal(stored!.lastError, 'gave up: transient: smtp 451 RCPT TO');
    assert.equal(stored!.body, 'Your verification code is {####}. ');
    assert.deepEqual((await deliveryEvents(server, stored!.sub!)).map(([r]) => r), ['Fail:retry', 'Fail:retry', 'Fail:gave_up']);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.attempts.length, 3);
  });

  test('a server answering 550: CodeDeliveryFailureException, nothing retried, nothing kept', async () => {
    const smtp = await smtpServer({ rcpt: (a) => (a.startsWith('nobody') ? 550 : undefined) });
    const server = await serverFor(smtp);
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'hal', 'nobody@example.org');
    await assert.rejects(server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'hal' })), (err: unknown) => {
      assert.ok(err instanceof CodeDeliveryFailureException, String(err));
      assert.equal(err.message, 'Invalid email provided/Unable to send the email');
      return true;
    });
    const [stored] = await storedMessages(server, 'nobody@example.org');
    assert.equal(stored!.status, 'failed');
    assert.equal(stored!.lastError, 'rejected: smtp 550 RCPT TO');
    assert.equal(stored!.body, 'Your verification code is {####}. ');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.attempts.length, 1, 'a permanent refusal is not retried');

    // Under PreventUserExistenceErrors the answer cannot depend on the user: 200, no waiting.
    const hidden = await server.client.send(new ForgotPasswordCommand({ ClientId: f.enabledClientId, Username: 'hal' }));
    assert.equal(hidden.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
    await waitFor(() => smtp.attempts.length === 2, 5000, 'the worker to try the hidden message');
    // AdminResetUserPassword has no CodeDeliveryFailureException in the model: the reset stands.
    await server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: f.poolId, Username: 'hal' }));
    assert.equal(smtp.attempts.length, 3, 'its message was tried');
  });

  test('under PreventUserExistenceErrors the request never waits for the mail server; otherwise it does, up to the limit', async () => {
    const smtp = await smtpServer({ rcptDelayMs: 1200 });
    const server = await serverFor(smtp, smtpConfig(smtp, {}, { waitMs: 3000 }));
    const f = await makePool(server.client);
    await makeUser(server.client, f.poolId, 'jo', 'jo@example.org');
    const timed = async (clientId: string): Promise<number> => {
      const t0 = performance.now();
      await server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'jo' }));
      return performance.now() - t0;
    };
    // Real users answer as fast as unknown ones: the worker sends after the answer.
    assert.ok((await timed(f.enabledClientId)) < 700, 'ENABLED: no delivery on the request path');
    assert.ok((await timed(f.legacyClientId)) >= 1100, 'LEGACY: the first attempt is waited for');
    await waitFor(() => smtp.received.filter((m) => m.to.includes('jo@example.org')).length === 2, 5000, 'both codes sent');

    const impatient = await serverFor(smtp, smtpConfig(smtp, {}, { waitMs: 200 }));
    const g = await makePool(impatient.client);
    await makeUser(impatient.client, g.poolId, 'kit', 'kit@example.org');
    const t0 = performance.now();
    await impatient.client.send(new ForgotPasswordCommand({ ClientId: g.legacyClientId, Username: 'kit' }));
    assert.ok(performance.now() - t0 < 900, '--delivery-wait-ms bounds the wait');
    await smtp.mailTo('kit@example.org');
  });

  test('a server that is down: the message waits, and is sent once after userpool restarts', async () => {
    // A port nothing listens on, then a server on it.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));

    const dataDir = tempDataDir();
    const config = { ...smtpConfig({ port }), dataDir };
    const first = await startTestServer(config);
    const f = await makePool(first.client);
    await makeUser(first.client, f.poolId, 'ida', 'ida@example.org');
    const sent = await first.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'ida' }));
    assert.equal(sent.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL', 'connection refused is transient: the caller is answered');
    const [pending] = await storedMessages(first, 'ida@example.org');
    assert.equal(pending!.status, 'pending');
    assert.match(pending!.lastError ?? '', /^transient: smtp ECONNECTION|^transient: smtp ESOCKET/);
    await first.stop();

    const smtp = await smtpServer({}, port);
    const second = await startTestServer(config);
    cleanups.push(() => second.cleanup());
    const mail = await smtp.mailTo('ida@example.org');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(smtp.received.length, 1);
    const code = codeIn(mail.parsed.text);
    await second.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'ida', ConfirmationCode: code, Password: 'Restarted-Pass1' }));
  });
});
