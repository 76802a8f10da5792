// The guarantees underneath the reset journey: one winner per code, a capped guess budget,
// identical answers for existing and unknown users, and no secret in logs or answers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfirmForgotPasswordCommand, ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { rawCall, startTestServer, type TestServer } from '../helpers/server.js';
import { defaultConfig } from '../../src/config/config.js';
import { lastCode, makePool, makeUser, passwordWorks, type ResetFixture } from './helpers.js';

let server: TestServer;
let f: ResetFixture;

before(async () => {
  // The pool-wide recovery rate (30/s) would refuse the floods below; it has its own test.
  server = await startTestServer({ dev: true, reset: { ...defaultConfig().reset, recoveryRequestsPerSecond: 100_000 } });
  f = await makePool(server.client);
});
after(async () => {
  await server.cleanup();
});

test('50 concurrent confirms with one valid code: exactly one succeeds, and only its password works', async () => {
  await makeUser(server.client, f.poolId, 'racer', 'racer@example.com');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'racer' }));
  const code = await lastCode(server, 'racer@example.com');
  const passwords = Array.from({ length: 50 }, (_, i) => `Racer-Pass-${i}!`);
  const results = await Promise.allSettled(
    passwords.map((Password) =>
      server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'racer', ConfirmationCode: code, Password })),
    ),
  );
  const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
  assert.equal(winners.length, 1, 'exactly one 200');
  for (const r of results) {
    if (r.status === 'rejected') assert.ok(['ExpiredCodeException', 'CodeMismatchException', 'LimitExceededException'].includes((r.reason as Error).name), (r.reason as Error).name);
  }
  const working = [];
  for (const p of passwords) if (await passwordWorks(server, f.poolId, 'racer', p)) working.push(p);
  assert.deepEqual(working, [passwords[winners[0]!]]);
});

test('200 concurrent wrong codes: at most 5 are compared, then the right code is refused', async () => {
  await makeUser(server.client, f.poolId, 'target', 'target@example.com');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'target' }));
  const code = await lastCode(server, 'target@example.com');
  const comparisonsBefore = server.app.services.counters.codeComparisons;
  const wrong = Array.from({ length: 200 }, (_, i) => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'));
  const results = await Promise.allSettled(
    wrong.map((c) =>
      server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'target', ConfirmationCode: c, Password: 'Target-New-Pass1' })),
    ),
  );
  const compared = server.app.services.counters.codeComparisons - comparisonsBefore;
  assert.ok(compared <= 5, `compared ${compared} codes`);
  assert.ok(results.every((r) => r.status === 'rejected'));
  const names = new Set(results.map((r) => (r as PromiseRejectedResult).reason.name));
  for (const n of names) assert.ok(['CodeMismatchException', 'LimitExceededException'].includes(n), n);
  await assert.rejects(
    server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'target', ConfirmationCode: code, Password: 'Target-New-Pass1' })),
    (err: Error) => err.name === 'LimitExceededException',
  );
  assert.ok(!(await passwordWorks(server, f.poolId, 'target', 'Target-New-Pass1')));
});

test('ENABLED: existing, unknown, disabled and channel-less users get the same status, headers and body shape', async () => {
  const { AdminCreateUserCommand, AdminDisableUserCommand, AdminSetUserPasswordCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  await makeUser(server.client, f.poolId, 'present', 'present@example.com');
  await makeUser(server.client, f.poolId, 'disabled', 'disabled@example.com');
  await server.client.send(new AdminDisableUserCommand({ UserPoolId: f.poolId, Username: 'disabled' }));
  await server.client.send(
    new AdminCreateUserCommand({ UserPoolId: f.poolId, Username: 'nochannel', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: 'n@example.com' }] }),
  );
  await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: f.poolId, Username: 'nochannel', Password: 'Nochannel-1!', Permanent: true }));

  const call = (Username: string) =>
    rawCall(server.url, 'AWSCognitoIdentityProviderService.ForgotPassword', JSON.stringify({ ClientId: f.enabledClientId, Username }));
  const answers = await Promise.all(['present', 'unknown-user', 'disabled', 'nochannel'].map(call));
  const shape = (v: unknown): unknown =>
    v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'object' ? shape(x) : typeof x])) : typeof v;
  const headerNames = (h: Headers) => [...h.keys()].filter((k) => !['date', 'x-amzn-requestid', 'content-length'].includes(k)).sort();
  for (const a of answers) {
    assert.equal(a.status, 200);
    assert.deepEqual(shape(a.json), shape(answers[0]!.json));
    assert.deepEqual(headerNames(a.headers), headerNames(answers[0]!.headers));
    assert.match((a.json as { CodeDeliveryDetails: { Destination: string } }).CodeDeliveryDetails.Destination, /^.\*\*\*@.\*\*\*$/);
  }
  // Stable: asking again for the unknown user gives the same simulated destination.
  const again = await call('unknown-user');
  assert.deepEqual(again.json, answers[1]!.json);
  // A username that is an email gets a body byte-identical to a real user's.
  const emailPool = await makePool(server.client, { UsernameAttributes: ['email'] });
  const { AdminCreateUserCommand: Create } = await import('@aws-sdk/client-cognito-identity-provider');
  await server.client.send(
    new Create({ UserPoolId: emailPool.poolId, Username: 'real@example.com', MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }),
  );
  await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: emailPool.poolId, Username: 'real@example.com', Password: 'Real-Pass-123', Permanent: true }));
  const enabledEmailClient = emailPool.enabledClientId;
  const real = await rawCall(server.url, 'AWSCognitoIdentityProviderService.ForgotPassword', JSON.stringify({ ClientId: enabledEmailClient, Username: 'real@example.com' }));
  const fake = await rawCall(server.url, 'AWSCognitoIdentityProviderService.ForgotPassword', JSON.stringify({ ClientId: enabledEmailClient, Username: 'ream@example.com' }));
  assert.equal(real.text, fake.text);
});

test('ENABLED: ConfirmForgotPassword answers unknown and wrong-code users identically', async () => {
  await makeUser(server.client, f.poolId, 'known', 'known@example.com');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.enabledClientId, Username: 'known' }));
  const body = (Username: string) => JSON.stringify({ ClientId: f.enabledClientId, Username, ConfirmationCode: '000001', Password: 'Good-Pass-123' });
  const known = await rawCall(server.url, 'AWSCognitoIdentityProviderService.ConfirmForgotPassword', body('known'));
  const unknown = await rawCall(server.url, 'AWSCognitoIdentityProviderService.ConfirmForgotPassword', body('unknown-person'));
  assert.equal(known.status, 400);
  assert.equal(known.text, unknown.text);
  assert.equal(known.headers.get('x-amzn-errortype'), 'CodeMismatchException:');
});

test('no code, password or secret reaches an error body or the audit rows', async () => {
  await makeUser(server.client, f.poolId, 'canary', 'canary@example.com');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'canary' }));
  const code = await lastCode(server, 'canary@example.com');
  const canaryPassword = 'Canary-Zq8v-Pw!';
  const bodies: string[] = [];
  for (const c of ['999999', code]) {
    const r = await rawCall(
      server.url,
      'AWSCognitoIdentityProviderService.ConfirmForgotPassword',
      JSON.stringify({ ClientId: f.legacyClientId, Username: 'canary', ConfirmationCode: c, Password: canaryPassword + (c === code ? '' : 'x') }),
    );
    bodies.push(r.text);
  }
  const tooLong = await rawCall(
    server.url,
    'AWSCognitoIdentityProviderService.ConfirmForgotPassword',
    JSON.stringify({ ClientId: f.legacyClientId, Username: 'canary', ConfirmationCode: '1', Password: canaryPassword.repeat(30) }),
  );
  bodies.push(tooLong.text);
  const audit = await server.app.services.store.db.selectFrom('audit_events').selectAll().execute();
  const codes = await server.app.services.store.db.selectFrom('one_time_codes').selectAll().execute();
  const haystack = bodies.join('\n') + JSON.stringify(audit) + JSON.stringify(codes);
  for (const secret of [canaryPassword, Buffer.from(canaryPassword).toString('base64')]) assert.ok(!haystack.includes(secret), 'password leaked');
  assert.ok(!JSON.stringify(codes).includes(code), 'code stored in plain text');
  assert.ok(!JSON.stringify(audit).includes(code), 'code in audit rows');
});
