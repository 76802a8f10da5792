// AdminSetUserPassword through the real SDK: status, policy, password history, and what a
// new password invalidates.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  InvalidPasswordException,
  PasswordHistoryPolicyViolationException,
  ResourceNotFoundException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from './helpers/server.js';
import { attrs, createPool, rejectsWith, startFastServer } from './helpers/users.js';

const HISTORY_MESSAGE = 'The password has been used previously. Choose a different password.';
let server: TestServer;
before(async () => {
  server = await startFastServer();
});
after(async () => {
  await server.cleanup();
});

async function create(poolId: string, username: string): Promise<string> {
  const out = await server.client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }));
  return attrs(out.User!.Attributes).sub!;
}

function setPassword(poolId: string, username: string, password: string, permanent = true): Promise<unknown> {
  return server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: permanent }));
}

async function stored(poolId: string, sub: string) {
  const user = await server.app.services.store.users.findUserBySub(poolId, sub);
  assert.ok(user);
  return user;
}

async function verifies(poolId: string, sub: string, password: string): Promise<boolean> {
  return server.app.services.passwords.verifyPassword((await stored(poolId, sub)).passwordHash!, password);
}

describe('AdminSetUserPassword', () => {
  let poolId: string;
  before(async () => {
    poolId = await createPool(server.client);
  });

  test('Permanent true confirms the user, false makes it FORCE_CHANGE_PASSWORD again', async () => {
    const sub = await create(poolId, 'ann');
    await setPassword(poolId, 'ann', 'Perm-Pass-123', true);
    let got = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }));
    assert.equal(got.UserStatus, 'CONFIRMED');
    assert.equal(await verifies(poolId, sub, 'Perm-Pass-123'), true);
    await setPassword(poolId, 'ann', 'Temp-Pass-456', false);
    got = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ann' }));
    assert.equal(got.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(await verifies(poolId, sub, 'Temp-Pass-456'), true);
    assert.equal(await verifies(poolId, sub, 'Perm-Pass-123'), false);
  });

  test('the pool policy is enforced in the password-change wording; nothing changes', async () => {
    const sub = await create(poolId, 'ben');
    const before = await stored(poolId, sub);
    const cases: Array<[string, string]> = [
      ['Sh0rt-', 'Password does not conform to policy: Password not long enough'],
      ['lower-case-123', 'Password does not conform to policy: Password must have uppercase characters'],
      ['UPPER-CASE-123', 'Password does not conform to policy: Password must have lowercase characters'],
      ['No-Numbers-Here', 'Password does not conform to policy: Password must have numeric characters'],
      ['NoSymbols12345', 'Password does not conform to policy: Password must have symbol characters'],
    ];
    for (const [password, message] of cases) await rejectsWith(setPassword(poolId, 'ben', password), InvalidPasswordException, message);
    const after = await stored(poolId, sub);
    assert.equal(after.passwordHash, before.passwordHash);
    assert.equal(after.status, 'FORCE_CHANGE_PASSWORD');
  });

  test('a new password kills outstanding reset codes and, by default, older tokens', async () => {
    const sub = await create(poolId, 'cyd');
    const now = Date.now();
    await server.app.services.store.codes.issueCode({
      id: `code-${sub}`,
      poolId,
      sub,
      purpose: 'reset',
      mac: 'not-a-real-mac',
      keyId: 'k1',
      createdAt: now,
      expiresAt: now + 3_600_000,
      attribute: null,
    });
    const before = await stored(poolId, sub);
    await new Promise((r) => setTimeout(r, 5));
    await setPassword(poolId, 'cyd', 'Perm-Pass-123');
    assert.equal(await server.app.services.store.codes.latestCode(sub, 'reset'), undefined);
    assert.ok((await stored(poolId, sub)).tokensValidAfter > before.tokensValidAfter);
  });

  test('unknown user and pool', async () => {
    await rejectsWith(setPassword(poolId, 'ghost', 'Perm-Pass-123'), UserNotFoundException, 'User does not exist.');
    await rejectsWith(setPassword('us-east-1_nothere00', 'x', 'Perm-Pass-123'), ResourceNotFoundException, 'User pool us-east-1_nothere00 does not exist.');
  });
});

describe('PasswordHistorySize', () => {
  test('the last N passwords (the current one included) cannot be reused; older ones can', async () => {
    const poolId = await createPool(server.client, {
      Policies: { PasswordPolicy: { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true, PasswordHistorySize: 3 } },
    });
    const sub = await create(poolId, 'dee');
    for (const p of ['History-1!', 'History-2!', 'History-3!']) await setPassword(poolId, 'dee', p);
    // Remembered: History-3 (current), History-2, History-1.
    for (const p of ['History-3!', 'History-2!', 'History-1!']) {
      await rejectsWith(setPassword(poolId, 'dee', p), PasswordHistoryPolicyViolationException, HISTORY_MESSAGE);
      await rejectsWith(setPassword(poolId, 'dee', p, false), PasswordHistoryPolicyViolationException, HISTORY_MESSAGE);
    }
    assert.equal(await verifies(poolId, sub, 'History-3!'), true);
    await setPassword(poolId, 'dee', 'History-4!');
    // Now History-1 has dropped out of the remembered three.
    await setPassword(poolId, 'dee', 'History-1!');
    assert.equal(await verifies(poolId, sub, 'History-1!'), true);
    // Only hashes are kept, and only N - 1 of them beside the current one.
    const kept = await server.app.services.store.users.recentPasswordHashes(sub, 24);
    assert.equal(kept.length, 2);
    for (const h of kept) assert.match(h, /^\$argon2id\$/);
  });

  test('without a history policy the current password may be set again', async () => {
    const poolId = await createPool(server.client);
    const sub = await create(poolId, 'eli');
    await setPassword(poolId, 'eli', 'Same-Pass-123');
    await setPassword(poolId, 'eli', 'Same-Pass-123');
    assert.equal(await verifies(poolId, sub, 'Same-Pass-123'), true);
    assert.deepEqual(await server.app.services.store.users.recentPasswordHashes(sub, 24), []);
  });
});
