import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  AliasExistsException,
  CodeMismatchException,
  ConfirmSignUpCommand,
  ExpiredCodeException,
  LimitExceededException,
  NotAuthorizedException,
  ResendConfirmationCodeCommand,
  ResourceNotFoundException,
  UserNotFoundException,
  type ConfirmSignUpRequest,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { attrs, rejectsWith } from '../helpers/users.js';
import { lastCode, makePool, makeUser, type ResetFixture } from '../reset/helpers.js';
import { computeSecretHash } from '../../src/operations/shared/secretHash.js';
import { emailAttr, lastSmsCode, movableClock, signUp, SMS_CONFIGURATION, startSignUpServer, wrongCode } from './helpers.js';

const HOUR = 3_600_000;
const clock = movableClock();
let server: TestServer;
let f: ResetFixture;

before(async () => {
  server = await startSignUpServer(clock);
  f = await makePool(server.client);
});
after(async () => {
  await server.cleanup();
});

function confirm(input: Omit<ConfirmSignUpRequest, 'ClientId'> & { ClientId?: string }): Promise<unknown> {
  return server.client.send(new ConfirmSignUpCommand({ ClientId: f.legacyClientId, ...input }));
}

async function status(poolId: string, username: string): Promise<{ status: string; attributes: Record<string, string> }> {
  const u = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
  return { status: u.UserStatus!, attributes: attrs(u.UserAttributes) };
}

const MISMATCH = 'Invalid verification code provided, please try again.';
const EXPIRED = 'Invalid code provided, please request a code again.';
const LIMIT = 'Attempt limit exceeded, please try after some time.';
const CONFIRMED = 'User cannot be confirmed. Current status is CONFIRMED';

describe('ConfirmSignUp', () => {
  test('the code confirms the user and verifies the email; it works once', async () => {
    await signUp(server.client, f.legacyClientId, 'alice', [emailAttr('alice@example.com')]);
    const code = await lastCode(server, 'alice@example.com');
    const out = (await confirm({ Username: 'alice', ConfirmationCode: code })) as { $metadata: { httpStatusCode?: number } };
    assert.equal(out.$metadata.httpStatusCode, 200);
    const after = await status(f.poolId, 'alice');
    assert.equal(after.status, 'CONFIRMED');
    assert.equal(after.attributes.email_verified, 'true');
    // Single use: the code is consumed, and a confirmed user cannot be confirmed again.
    await rejectsWith(confirm({ Username: 'alice', ConfirmationCode: code }), NotAuthorizedException, CONFIRMED);
    const row = await server.app.services.store.codes.latestCode(after.attributes.sub!, 'signup');
    assert.ok(row, 'the code is still on record');
    assert.notEqual(row.consumedAt, null, 'and consumed');
  });

  test('a wrong code is CodeMismatchException and leaves the user UNCONFIRMED; the right one still works', async () => {
    await signUp(server.client, f.legacyClientId, 'bob', [emailAttr('bob@example.com')]);
    const code = await lastCode(server, 'bob@example.com');
    await rejectsWith(confirm({ Username: 'bob', ConfirmationCode: wrongCode(code) }), CodeMismatchException, MISMATCH);
    assert.equal((await status(f.poolId, 'bob')).status, 'UNCONFIRMED');
    await confirm({ Username: 'bob', ConfirmationCode: code });
    assert.equal((await status(f.poolId, 'bob')).status, 'CONFIRMED');
  });

  test('5 wrong codes are compared, then the code is dead (LimitExceededException, even for the right code)', async () => {
    await signUp(server.client, f.legacyClientId, 'carol', [emailAttr('carol@example.com')]);
    const code = await lastCode(server, 'carol@example.com');
    const compared = server.app.services.counters.codeComparisons;
    for (let i = 0; i < 5; i++) {
      await rejectsWith(confirm({ Username: 'carol', ConfirmationCode: wrongCode(code) }), CodeMismatchException, MISMATCH);
    }
    await rejectsWith(confirm({ Username: 'carol', ConfirmationCode: code }), LimitExceededException, LIMIT);
    assert.equal(server.app.services.counters.codeComparisons - compared, 5);
    assert.equal((await status(f.poolId, 'carol')).status, 'UNCONFIRMED');
    // A new code brings a fresh budget.
    await server.client.send(new ResendConfirmationCodeCommand({ ClientId: f.legacyClientId, Username: 'carol' }));
    await confirm({ Username: 'carol', ConfirmationCode: await lastCode(server, 'carol@example.com') });
    assert.equal((await status(f.poolId, 'carol')).status, 'CONFIRMED');
  });

  test('a code lives 24 hours: accepted a second before, ExpiredCodeException a second after', async () => {
    await signUp(server.client, f.legacyClientId, 'dora', [emailAttr('dora@example.com')]);
    await signUp(server.client, f.legacyClientId, 'dan', [emailAttr('dan@example.com')]);
    const doraCode = await lastCode(server, 'dora@example.com');
    const danCode = await lastCode(server, 'dan@example.com');
    clock.advance(24 * HOUR - 1000);
    await confirm({ Username: 'dora', ConfirmationCode: doraCode });
    assert.equal((await status(f.poolId, 'dora')).status, 'CONFIRMED');
    clock.advance(2000);
    await rejectsWith(confirm({ Username: 'dan', ConfirmationCode: danCode }), ExpiredCodeException, EXPIRED);
    assert.equal((await status(f.poolId, 'dan')).status, 'UNCONFIRMED');
    // The way out: a new code.
    await server.client.send(new ResendConfirmationCodeCommand({ ClientId: f.legacyClientId, Username: 'dan' }));
    await confirm({ Username: 'dan', ConfirmationCode: await lastCode(server, 'dan@example.com') });
    assert.equal((await status(f.poolId, 'dan')).status, 'CONFIRMED');
  });

  test('a resent code supersedes the earlier one', async () => {
    await signUp(server.client, f.legacyClientId, 'eve', [emailAttr('eve@example.com')]);
    const first = await lastCode(server, 'eve@example.com');
    await server.client.send(new ResendConfirmationCodeCommand({ ClientId: f.legacyClientId, Username: 'eve' }));
    const second = await lastCode(server, 'eve@example.com');
    if (first !== second) await rejectsWith(confirm({ Username: 'eve', ConfirmationCode: first }), CodeMismatchException, MISMATCH);
    await confirm({ Username: 'eve', ConfirmationCode: second });
  });

  test('15 calls per user per hour, then LimitExceededException until the hour has passed', async () => {
    await signUp(server.client, f.legacyClientId, 'frank', [emailAttr('frank@example.com')]);
    let code = await lastCode(server, 'frank@example.com');
    // Three codes of five wrong guesses each: fifteen calls, none of them over a code's cap.
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) await rejectsWith(confirm({ Username: 'frank', ConfirmationCode: wrongCode(code) }), CodeMismatchException, MISMATCH);
      await server.client.send(new ResendConfirmationCodeCommand({ ClientId: f.legacyClientId, Username: 'frank' }));
      code = await lastCode(server, 'frank@example.com');
    }
    const compared = server.app.services.counters.codeComparisons;
    await rejectsWith(confirm({ Username: 'frank', ConfirmationCode: code }), LimitExceededException, LIMIT);
    assert.equal(server.app.services.counters.codeComparisons, compared, 'no code is compared past the limit');
    clock.advance(HOUR + 60_000);
    await confirm({ Username: 'frank', ConfirmationCode: code });
    assert.equal((await status(f.poolId, 'frank')).status, 'CONFIRMED');
  });

  test('the user by alias or sub; SecretHash over the name sent', async () => {
    const pool = await makePool(server.client, { UsernameAttributes: ['email'] });
    const out = await signUp(server.client, pool.secretClientId, 'gina@example.com', [], {
      SecretHash: computeSecretHash(pool.secret, 'gina@example.com', pool.secretClientId),
    });
    const code = await lastCode(server, 'gina@example.com');
    await rejectsWith(
      confirm({ ClientId: pool.secretClientId, Username: 'gina@example.com', ConfirmationCode: code }),
      NotAuthorizedException,
      `Client ${pool.secretClientId} is configured with secret but SECRET_HASH was not received`,
    );
    await confirm({
      ClientId: pool.secretClientId,
      Username: 'gina@example.com',
      ConfirmationCode: code,
      SecretHash: computeSecretHash(pool.secret, 'gina@example.com', pool.secretClientId),
    });
    assert.equal((await status(pool.poolId, out.UserSub!)).attributes.email_verified, 'true');

    const bySub = await signUp(server.client, pool.legacyClientId, 'hank@example.com');
    await confirm({ ClientId: pool.legacyClientId, Username: bySub.UserSub!, ConfirmationCode: await lastCode(server, 'hank@example.com') });
    assert.equal((await status(pool.poolId, 'hank@example.com')).status, 'CONFIRMED');
  });

  test('a code sent by SMS verifies the phone number only', async () => {
    const pool = await makePool(server.client, { AutoVerifiedAttributes: ['email', 'phone_number'], SmsConfiguration: SMS_CONFIGURATION });
    await signUp(server.client, pool.legacyClientId, 'ivan', [emailAttr('ivan@example.com'), { Name: 'phone_number', Value: '+15555550142' }]);
    await confirm({ ClientId: pool.legacyClientId, Username: 'ivan', ConfirmationCode: await lastSmsCode(server, '+15555550142') });
    const after = await status(pool.poolId, 'ivan');
    assert.equal(after.status, 'CONFIRMED');
    assert.equal(after.attributes.phone_number_verified, 'true');
    assert.notEqual(after.attributes.email_verified, 'true');
  });

  test('a code dies when an admin changes the address it went to', async () => {
    await signUp(server.client, f.legacyClientId, 'jack', [emailAttr('jack@example.com')]);
    const code = await lastCode(server, 'jack@example.com');
    await server.client.send(
      new AdminUpdateUserAttributesCommand({ UserPoolId: f.poolId, Username: 'jack', UserAttributes: [emailAttr('jack2@example.com')] }),
    );
    await rejectsWith(confirm({ Username: 'jack', ConfirmationCode: code }), ExpiredCodeException, EXPIRED);
    const after = await status(f.poolId, 'jack');
    assert.equal(after.status, 'UNCONFIRMED');
    assert.notEqual(after.attributes.email_verified, 'true');
  });

  test('racing confirmations with one code: exactly one succeeds', async () => {
    await signUp(server.client, f.legacyClientId, 'kim', [emailAttr('kim@example.com')]);
    const code = await lastCode(server, 'kim@example.com');
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => confirm({ Username: 'kim', ConfirmationCode: code })));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) {
      // Losers see the user confirmed, the code consumed, or (past 5 counted attempts) the code spent.
      const names = ['NotAuthorizedException', 'ExpiredCodeException', 'LimitExceededException'];
      if (r.status === 'rejected') assert.ok(names.includes((r.reason as Error).name), (r.reason as Error).name);
    }
  });
});

describe('ConfirmSignUp and aliases', () => {
  test("another user's verified email: AliasExistsException keeps the code alive; ForceAliasCreation moves the alias", async () => {
    const pool = await makePool(server.client, { AliasAttributes: ['email'] });
    await makeUser(server.client, pool.poolId, 'olduser', 'moving@example.com');
    await signUp(server.client, pool.legacyClientId, 'newuser', [emailAttr('moving@example.com')]);
    const code = await lastCode(server, 'moving@example.com');

    await rejectsWith(
      confirm({ ClientId: pool.legacyClientId, Username: 'newuser', ConfirmationCode: code }),
      AliasExistsException,
      'An account with the email already exists.',
    );
    assert.equal((await status(pool.poolId, 'newuser')).status, 'UNCONFIRMED');
    assert.equal((await status(pool.poolId, 'moving@example.com')).attributes.sub, (await status(pool.poolId, 'olduser')).attributes.sub);

    await confirm({ ClientId: pool.legacyClientId, Username: 'newuser', ConfirmationCode: code, ForceAliasCreation: true });
    const newUser = await status(pool.poolId, 'newuser');
    assert.equal(newUser.status, 'CONFIRMED');
    assert.equal(newUser.attributes.email_verified, 'true');
    assert.equal((await status(pool.poolId, 'olduser')).attributes.email_verified, 'false');
    const byAlias = await server.client.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'moving@example.com' }));
    assert.equal(byAlias.Username, 'newuser');
  });

  test('a wrong code never reveals whether the alias is taken', async () => {
    const pool = await makePool(server.client, { AliasAttributes: ['email'] });
    await makeUser(server.client, pool.poolId, 'owner', 'owned@example.com');
    await signUp(server.client, pool.legacyClientId, 'prober', [emailAttr('owned@example.com')]);
    const code = await lastCode(server, 'owned@example.com');
    await rejectsWith(confirm({ ClientId: pool.legacyClientId, Username: 'prober', ConfirmationCode: wrongCode(code) }), CodeMismatchException, MISMATCH);
  });
});

describe('ConfirmSignUp errors', () => {
  test('unknown client', async () => {
    await rejectsWith(confirm({ ClientId: 'nosuchclient123', Username: 'x', ConfirmationCode: '123456' }), ResourceNotFoundException, 'User pool client nosuchclient123 does not exist.');
  });

  test('unknown user: UserNotFoundException under LEGACY, CodeMismatchException under ENABLED', async () => {
    await rejectsWith(confirm({ Username: 'nobody', ConfirmationCode: '123456' }), UserNotFoundException, 'Username/client id combination not found.');
    await rejectsWith(confirm({ ClientId: f.enabledClientId, Username: 'nobody', ConfirmationCode: '123456' }), CodeMismatchException, MISMATCH);
  });

  test('no code was ever sent: ExpiredCodeException under LEGACY, CodeMismatchException under ENABLED', async () => {
    const pool = await makePool(server.client, { AutoVerifiedAttributes: [] });
    await signUp(server.client, pool.legacyClientId, 'nocode', [emailAttr('nocode@example.com')]);
    await rejectsWith(confirm({ ClientId: pool.legacyClientId, Username: 'nocode', ConfirmationCode: '123456' }), ExpiredCodeException, EXPIRED);
    await rejectsWith(confirm({ ClientId: pool.enabledClientId, Username: 'nocode', ConfirmationCode: '123456' }), CodeMismatchException, MISMATCH);
  });

  test('a disabled user', async () => {
    await signUp(server.client, f.legacyClientId, 'liam', [emailAttr('liam@example.com')]);
    const code = await lastCode(server, 'liam@example.com');
    await server.client.send(new AdminDisableUserCommand({ UserPoolId: f.poolId, Username: 'liam' }));
    await rejectsWith(confirm({ Username: 'liam', ConfirmationCode: code }), NotAuthorizedException, 'User is disabled.');
    await rejectsWith(confirm({ ClientId: f.enabledClientId, Username: 'liam', ConfirmationCode: code }), CodeMismatchException, MISMATCH);
    assert.equal((await status(f.poolId, 'liam')).status, 'UNCONFIRMED');
  });

  test('an admin-created user cannot be confirmed', async () => {
    await makeUser(server.client, f.poolId, 'madeup', 'madeup@example.com');
    await rejectsWith(confirm({ Username: 'madeup', ConfirmationCode: '123456' }), NotAuthorizedException, CONFIRMED);
  });
});
