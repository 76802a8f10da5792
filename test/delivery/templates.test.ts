// The pool's templates as mail arrives: CONFIRM_WITH_LINK with a working link to our own
// confirmation route, the legacy top-level verification fields, Cognito's length limits, and
// development mode with SMTP (logged with the code, and sent).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  InvalidParameterException,
  ResendConfirmationCodeCommand,
  SignUpCommand,
  type CreateUserPoolRequest,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig, type ServerConfig } from '../../src/config/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { lastEmail, makePool, makeUser } from '../reset/helpers.js';
import { codeIn, startSmtp, waitFor, type TestSmtp } from './helpers.js';

let smtp: TestSmtp;
let server: TestServer;

function withSmtp(port: number, extra: Partial<ServerConfig> = {}): Partial<ServerConfig> {
  const d = defaultConfig().delivery;
  return { delivery: { ...d, retryBaseMs: 50, smtp: { ...d.smtp, host: '127.0.0.1', port, starttls: 'off' } }, ...extra };
}

before(async () => {
  smtp = await startSmtp();
  server = await startTestServer(withSmtp(smtp.port));
});
after(async () => {
  await server.cleanup();
  await smtp.close();
});

async function linkPool(template: CreateUserPoolRequest['VerificationMessageTemplate'], secret = false): Promise<{ poolId: string; clientId: string }> {
  const pool = await server.client.send(new CreateUserPoolCommand({ PoolName: 'links', AutoVerifiedAttributes: ['email'], VerificationMessageTemplate: template }));
  const poolId = pool.UserPool!.Id!;
  const client = await server.client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'web', GenerateSecret: secret }));
  return { poolId, clientId: client.UserPoolClient!.ClientId! };
}

function linkIn(html: string | false | undefined): string {
  const href = /<a href="([^"]+)">/.exec(String(html))?.[1];
  assert.ok(href, String(html));
  return href.replace(/&#38;/g, '&');
}

async function status(poolId: string, username: string): Promise<{ status: string; verified: string | undefined }> {
  const u = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
  return { status: u.UserStatus!, verified: u.UserAttributes?.find((a) => a.Name === 'email_verified')?.Value };
}

describe('CONFIRM_WITH_LINK', () => {
  test('the mail carries a link to our confirmation route; following it confirms the user once', async () => {
    const { poolId, clientId } = await linkPool({ DefaultEmailOption: 'CONFIRM_WITH_LINK', EmailSubjectByLink: 'Confirm your account', EmailMessageByLink: 'Welcome! {##Confirm my account##}' });
    await server.client.send(new SignUpCommand({ ClientId: clientId, Username: 'lia', Password: 'Link-Pass-123!', UserAttributes: [{ Name: 'email', Value: 'lia@example.org' }] }));
    const mail = await smtp.mailTo('lia@example.org');
    assert.equal(mail.parsed.subject, 'Confirm your account');
    const link = linkIn(mail.parsed.html);
    const url = new URL(link);
    assert.equal(url.origin + url.pathname, `${server.url}/confirmUser`);
    assert.deepEqual([url.searchParams.get('client_id'), url.searchParams.get('user_name')], [clientId, 'lia']);
    assert.match(url.searchParams.get('confirmation_code') ?? '', /^\d{6}$/);
    assert.equal(mail.parsed.text?.trim(), `Welcome! Confirm my account (${link})`);

    // Tampered: another user name, or a guessed code, under the same signature.
    for (const [k, v] of [['user_name', 'someone'], ['confirmation_code', '000000'], ['sig', 'forged']] as const) {
      const bad = new URL(link);
      bad.searchParams.set(k, v);
      const res = await fetch(bad);
      assert.equal(res.status, 400, k);
      assert.match(await res.text(), /This confirmation link is not valid\./);
    }
    assert.equal((await status(poolId, 'lia')).status, 'UNCONFIRMED');

    const res = await fetch(link);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(await res.text(), /Your registration has been confirmed!/);
    assert.deepEqual(await status(poolId, 'lia'), { status: 'CONFIRMED', verified: 'true' });
    const again = await fetch(link);
    assert.equal(again.status, 400);
    assert.match(await again.text(), /already confirmed/);
  });

  test('Cognito\'s default link texts; a client with a secret; the resent link replaces the first', async () => {
    const { poolId, clientId } = await linkPool({ DefaultEmailOption: 'CONFIRM_WITH_LINK' }, true);
    const secretHash = async (): Promise<string> => {
      const { computeSecretHash } = await import('../../src/operations/shared/secretHash.js');
      const client = await server.app.services.store.clients.findClient(clientId);
      return computeSecretHash(client!.secret!, 'max', clientId);
    };
    await server.client.send(
      new SignUpCommand({ ClientId: clientId, Username: 'max', Password: 'Link-Pass-123!', SecretHash: await secretHash(), UserAttributes: [{ Name: 'email', Value: 'max@example.org' }] }),
    );
    const first = await smtp.mailTo('max@example.org');
    assert.equal(first.parsed.subject, 'Your verification link');
    assert.match(first.parsed.text ?? '', /^Please click the link below to verify your email address\. Verify Email \(http:\/\/127\.0\.0\.1:\d+\/confirmUser\?/);
    await server.client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: 'max', SecretHash: await secretHash() }));
    await waitFor(() => smtp.received.filter((m) => m.to.includes('max@example.org')).length === 2, 5000, 'the second link');
    const second = smtp.received.filter((m) => m.to.includes('max@example.org')).at(-1)!;
    assert.notEqual(linkIn(second.parsed.html), linkIn(first.parsed.html));
    assert.equal((await fetch(linkIn(first.parsed.html))).status, 400, 'the superseded link is dead');
    assert.equal((await fetch(linkIn(second.parsed.html))).status, 200);
    assert.equal((await status(poolId, 'max')).status, 'CONFIRMED');
  });

  test('password reset in a link pool still sends a code', async () => {
    const f = await makePool(server.client, { VerificationMessageTemplate: { DefaultEmailOption: 'CONFIRM_WITH_LINK' } });
    await makeUser(server.client, f.poolId, 'ned', 'ned@example.org');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'ned' }));
    const mail = await smtp.mailTo('ned@example.org');
    assert.equal(mail.parsed.subject, 'Your verification code');
    assert.match(codeIn(mail.parsed.text), /^\d{6}$/);
  });
});

describe('other templates', () => {
  test('the legacy EmailVerificationMessage and EmailVerificationSubject are used', async () => {
    const f = await makePool(server.client, { EmailVerificationMessage: 'Legacy text, code {####}.', EmailVerificationSubject: 'Legacy subject' });
    await makeUser(server.client, f.poolId, 'oda', 'oda@example.org');
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'oda' }));
    const mail = await smtp.mailTo('oda@example.org');
    assert.equal(mail.parsed.subject, 'Legacy subject');
    assert.match(mail.parsed.text ?? '', /^Legacy text, code \d{6}\.\s*$/);
  });

  test('Cognito\'s limits on templates are refused at CreateUserPool', async () => {
    const cases: Array<[string, Partial<CreateUserPoolRequest>]> = [
      ['an SMS template over 140 characters', { SmsVerificationMessage: `{####}${'x'.repeat(140)}` }],
      ['an email template without {####}', { VerificationMessageTemplate: { EmailMessage: 'no code here' } }],
      ['a link template without {##...##}', { VerificationMessageTemplate: { EmailMessageByLink: 'no link here' } }],
      ['an invitation SMS over 140 characters', { AdminCreateUserConfig: { InviteMessageTemplate: { SMSMessage: `{username} {####}${'x'.repeat(140)}` } } }],
    ];
    for (const [name, extra] of cases) {
      await assert.rejects(server.client.send(new CreateUserPoolCommand({ PoolName: 'limits', ...extra })), InvalidParameterException, name);
    }
  });
});

describe('development mode with SMTP', () => {
  test('a message is both logged with its code and sent', async () => {
    const dev = await startTestServer({ ...withSmtp(smtp.port), dev: true });
    try {
      const f = await makePool(dev.client);
      await makeUser(dev.client, f.poolId, 'pip', 'pip@example.org');
      await dev.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'pip' }));
      const mail = await smtp.mailTo('pip@example.org');
      const logged = await lastEmail(dev, 'pip@example.org');
      assert.equal(codeIn(logged?.Body.text_part), codeIn(mail.parsed.text), 'the development log keeps the code after sending');
      const [stored] = await dev.app.services.store.messages.listMessages({ destination: 'pip@example.org' });
      assert.equal(stored!.status, 'sent');
    } finally {
      await dev.cleanup();
    }
  });
});
