// Limits and lifetimes of the reset journey, on a clock the test moves.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  CodeMismatchException,
  ConfirmForgotPasswordCommand,
  ExpiredCodeException,
  ForbiddenException,
  ForgotPasswordCommand,
  LimitExceededException,
  TooManyFailedAttemptsException,
  TooManyRequestsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { defaultConfig } from '../../src/config/config.js';
import { lastCode, makePool, makeUser, passwordWorks, type ResetFixture } from './helpers.js';

let now = Date.UTC(2026, 0, 1);
const clock = { now: () => now };
let server: TestServer;
let f: ResetFixture;

before(async () => {
  server = await startTestServer(
    {
      dev: true,
      reset: { ...defaultConfig().reset, failedConfirmsPerHour: 7, failedConfirmsPerDay: 12, recoveryRequestsPerSecond: 1000 },
      ipBlocklist: new Map([['*', ['203.0.113.0/24']]]),
    },
    { clock },
  );
  f = await makePool(server.client);
});
after(async () => {
  await server.cleanup();
});

const confirm = (Username: string, ConfirmationCode: string, Password = 'Fresh-Pass-123') =>
  server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username, ConfirmationCode, Password }));

test('a code is accepted one second before its lifetime ends and refused one second after', async () => {
  await makeUser(server.client, f.poolId, 'early', 'early@example.com');
  await makeUser(server.client, f.poolId, 'late', 'late@example.com');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'early' }));
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'late' }));
  const earlyCode = await lastCode(server, 'early@example.com');
  const lateCode = await lastCode(server, 'late@example.com');
  now += 3600_000 - 1000;
  await confirm('early', earlyCode);
  now += 2000;
  await assert.rejects(confirm('late', lateCode), (e: Error) => e instanceof ExpiredCodeException && e.message === 'Invalid code provided, please request a code again.');
  assert.ok(await passwordWorks(server, f.poolId, 'early', 'Fresh-Pass-123'));
  assert.ok(!(await passwordWorks(server, f.poolId, 'late', 'Fresh-Pass-123')));
});

test('failed confirms per user: LimitExceededException past the hourly cap, TooManyFailedAttemptsException past the daily one', async () => {
  await makeUser(server.client, f.poolId, 'guessed', 'guessed@example.com');
  const wrongFor = (code: string) => (code === '000000' ? '000001' : '000000');
  let failures = 0;
  // Fresh codes each round, so the per-code cap (5) is not what stops the guesses.
  const round = async (guesses: number): Promise<string> => {
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'guessed' }));
    const code = await lastCode(server, 'guessed@example.com');
    for (let i = 0; i < guesses; i++) {
      await assert.rejects(confirm('guessed', wrongFor(code)), CodeMismatchException);
      failures++;
    }
    return code;
  };
  await round(4);
  const code = await round(3);
  assert.equal(failures, 7);
  // The hourly cap is reached: even the right code is not evaluated.
  await assert.rejects(confirm('guessed', code), (e: Error) => e instanceof LimitExceededException && e.message === 'Attempt limit exceeded, please try after some time.');
  now += 3600_000 + 60_000;
  const code2 = await round(5);
  // 12 failures in the day: the daily ceiling answers from now on, whatever the code.
  await assert.rejects(confirm('guessed', code2), (e: Error) => e instanceof TooManyFailedAttemptsException);
  now += 3600_000 + 60_000;
  await assert.rejects(confirm('guessed', code2), TooManyFailedAttemptsException);
  now += 24 * 3600_000;
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'guessed' }));
  await confirm('guessed', await lastCode(server, 'guessed@example.com'));
});

test('ForgotPassword per identifier: the 11th request in an hour is refused, for known and unknown names alike', async () => {
  await makeUser(server.client, f.poolId, 'chatty', 'chatty@example.com');
  const ask = (Username: string) => server.client.send(new ForgotPasswordCommand({ ClientId: f.enabledClientId, Username }));
  for (let i = 0; i < 10; i++) {
    await ask('chatty');
    await ask('no-such-user');
  }
  for (const name of ['chatty', 'no-such-user']) {
    await assert.rejects(ask(name), (e: Error) => e instanceof LimitExceededException && e.message === 'Attempt limit exceeded, please try after some time.');
  }
  now += 3600_000 + 60_000;
  await ask('chatty');
});

test('the pool recovery rate answers TooManyRequestsException', async () => {
  const s = await startTestServer({ dev: true, reset: { ...defaultConfig().reset, recoveryRequestsPerSecond: 3 } }, { clock: { now: () => now } });
  try {
    const p = await makePool(s.client);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => s.client.send(new ForgotPasswordCommand({ ClientId: p.enabledClientId, Username: 'x' }))),
    );
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof TooManyRequestsException);
    assert.equal(refused.length, 3);
  } finally {
    await s.cleanup();
  }
});

test('a blocked address answers ForbiddenException', async () => {
  const s = await startTestServer({ dev: true, ipBlocklist: new Map([['*', ['127.0.0.0/8']]]) });
  try {
    const p = await makePool(s.client);
    await assert.rejects(
      s.client.send(new ForgotPasswordCommand({ ClientId: p.legacyClientId, Username: 'x' })),
      (e: Error) => e instanceof ForbiddenException && e.message === 'Request not allowed due to WAF block.',
    );
    await assert.rejects(
      s.client.send(new ConfirmForgotPasswordCommand({ ClientId: p.legacyClientId, Username: 'x', ConfirmationCode: '1', Password: 'Good-Pass-123' })),
      ForbiddenException,
    );
  } finally {
    await s.cleanup();
  }
});

test('without --dev the message endpoints do not exist', async () => {
  const s = await startTestServer({ dev: false });
  try {
    const res = await fetch(`${s.url}/_aws/ses`);
    assert.equal(res.status, 404);
    const sms = await fetch(`${s.url}/_aws/sns/sms-messages`);
    assert.equal(sms.status, 404);
  } finally {
    await s.cleanup();
  }
});
