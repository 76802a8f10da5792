// Attribute verification codes by SMTP: GetUserAttributeVerificationCode and
// UpdateUserAttributes report a mail server's permanent refusal (550) as
// CodeDeliveryFailureException within the delivery wait, as ForgotPassword does; accepted
// mail carries a code that VerifyUserAttribute takes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodeDeliveryFailureException,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  UpdateUserAttributesCommand,
  VerifyUserAttributeCommand,
  type CreateUserPoolRequest,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig } from '../../src/config/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { attrList, attrs, FAST_ARGON2 } from '../helpers/users.js';
import { confirmedUser, makeAuthPool, signIn } from '../auth/fixture.js';
import { codeIn, startSmtp, type TestSmtp } from './helpers.js';

let smtp: TestSmtp;
let server: TestServer;

before(async () => {
  // Every address at refused.example is unknown to the mail server.
  smtp = await startSmtp({ rcpt: (a) => (a.endsWith('@refused.example') ? 550 : undefined) });
  const d = defaultConfig().delivery;
  server = await startTestServer(
    { delivery: { ...d, retryBaseMs: 50, smtp: { ...d.smtp, host: '127.0.0.1', port: smtp.port, starttls: 'off' } } },
    { argon2: FAST_ARGON2 },
  );
});
after(async () => {
  await server?.cleanup();
  await smtp?.close();
});

let n = 0;
async function signedIn(pool: Partial<CreateUserPoolRequest>, email: string): Promise<string> {
  const p = await makeAuthPool(server.client, pool);
  const name = `u${++n}`;
  await confirmedUser(server.client, p.poolId, name, { email, email_verified: 'true' });
  return (await signIn(server.client, p.legacy, name)).AccessToken!;
}

async function email(token: string): Promise<Record<string, string>> {
  const a = attrs((await server.client.send(new GetUserCommand({ AccessToken: token }))).UserAttributes);
  return { email: a.email!, email_verified: a.email_verified! };
}

function isDeliveryFailure(err: unknown): boolean {
  assert.ok(err instanceof CodeDeliveryFailureException, String(err));
  assert.equal(err.message, 'Invalid email provided/Unable to send the email');
  return true;
}

async function storedFor(to: string) {
  return server.app.services.store.messages.listMessages({ destination: to });
}

describe('attribute verification codes by SMTP', () => {
  test('GetUserAttributeVerificationCode: an accepted mail verifies; a 550 answers CodeDeliveryFailureException', async () => {
    const token = await signedIn({ AutoVerifiedAttributes: ['email'] }, 'ann@accepted.example');
    const out = await server.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: token, AttributeName: 'email' }));
    assert.equal(out.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
    const mail = await smtp.mailTo('ann@accepted.example');
    await server.client.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: codeIn(mail.parsed.text) }));

    // The address on record becomes one the mail server refuses (the pool does not
    // auto-verify here, so the update itself sends nothing).
    const refused = await signedIn({}, 'bob@accepted.example');
    await server.client.send(new UpdateUserAttributesCommand({ AccessToken: refused, UserAttributes: attrList({ email: 'bob@refused.example' }) }));
    const attemptsBefore = smtp.attempts.length;
    await assert.rejects(server.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: refused, AttributeName: 'email' })), isDeliveryFailure);
    const [stored] = await storedFor('bob@refused.example');
    assert.equal(stored!.status, 'failed');
    assert.equal(stored!.lastError, 'rejected: smtp 550 RCPT TO');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(smtp.attempts.length, attemptsBefore + 1, 'a permanent refusal is tried once, not retried');
  });

  test('UpdateUserAttributes to a refused address: CodeDeliveryFailureException, and the update stands', async () => {
    const token = await signedIn({ AutoVerifiedAttributes: ['email'] }, 'cy@accepted.example');
    await assert.rejects(
      server.client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: attrList({ email: 'cy@refused.example' }) })),
      isDeliveryFailure,
    );
    assert.deepEqual(await email(token), { email: 'cy@refused.example', email_verified: 'false' });
    assert.equal((await storedFor('cy@refused.example'))[0]!.status, 'failed');

    // An accepted address: 200 with the delivery details, and the mailed code verifies it.
    const ok = await server.client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: attrList({ email: 'cy@accepted.example' }) }));
    assert.equal(ok.CodeDeliveryDetailsList?.[0]?.AttributeName, 'email');
    const mail = await smtp.mailTo('cy@accepted.example');
    await server.client.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: 'email', Code: codeIn(mail.parsed.text) }));
    assert.deepEqual(await email(token), { email: 'cy@accepted.example', email_verified: 'true' });
  });

  test('an update held until verified: CodeDeliveryFailureException, the old verified address stays', async () => {
    const token = await signedIn(
      { AutoVerifiedAttributes: ['email'], UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } },
      'di@accepted.example',
    );
    await assert.rejects(
      server.client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: attrList({ email: 'di@refused.example' }) })),
      isDeliveryFailure,
    );
    assert.deepEqual(await email(token), { email: 'di@accepted.example', email_verified: 'true' });
    assert.equal((await storedFor('di@refused.example'))[0]!.status, 'failed');
  });
});
