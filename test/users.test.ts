// AdminCreateUser, AdminGetUser, AdminDeleteUser, AdminDisableUser and AdminEnableUser through
// the real SDK against the real server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  InvalidParameterException,
  InvalidPasswordException,
  ResourceNotFoundException,
  UnsupportedUserStateException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from './helpers/server.js';
import { attrList, attrs, createPool, messagesOn, rejectsWith, sendOn, startFastServer } from './helpers/users.js';
import { checkPasswordPolicy, DEFAULT_PASSWORD_POLICY } from '../src/domain/passwordPolicy.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
let server: TestServer;

before(async () => {
  server = await startFastServer();
});
after(async () => {
  await server.cleanup();
});

const send = <T>(command: { input: unknown }): Promise<T> => sendOn<T>(server, command);
const messagesTo = (destination: string) => messagesOn(server, destination);

async function storedUser(poolId: string, sub: string) {
  const user = await server.app.services.store.users.findUserBySub(poolId, sub);
  assert.ok(user, 'user is stored');
  return user;
}

function recent(date: Date | undefined): void {
  assert.ok(date instanceof Date, 'a Date');
  assert.ok(Math.abs(date.getTime() - Date.now()) < 60_000, `${date.toISOString()} is now`);
}

async function userCount(poolId: string): Promise<number> {
  return server.app.services.store.users.countUsers(poolId);
}

describe('AdminCreateUser in a plain pool', () => {
  let poolId: string;
  before(async () => {
    poolId = await createPool(server.client);
  });

  test('creates a FORCE_CHANGE_PASSWORD user and returns UserType', async () => {
    const out = await server.client.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'alice',
        UserAttributes: attrList({ email: 'alice@example.com', email_verified: 'true', name: 'Alice' }),
        ValidationData: attrList({ ignored: 'yes' }),
        MessageAction: 'SUPPRESS',
      }),
    );
    const user = out.User!;
    assert.equal(user.Username, 'alice');
    assert.equal(user.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(user.Enabled, true);
    recent(user.UserCreateDate);
    recent(user.UserLastModifiedDate);
    const a = attrs(user.Attributes);
    assert.match(a.sub!, UUID);
    assert.deepEqual(a, { sub: a.sub, email: 'alice@example.com', email_verified: 'true', name: 'Alice' });
    assert.equal(user.Attributes![0]!.Name, 'sub');
    assert.equal(user.MFAOptions, undefined);
    // SUPPRESS: no invite, and ValidationData was not kept.
    assert.deepEqual(await messagesTo('alice@example.com'), []);
    assert.equal((await storedUser(poolId, a.sub!)).attributes.ignored, undefined);

    const got = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'alice' }));
    assert.equal(got.Username, 'alice');
    assert.deepEqual(attrs(got.UserAttributes), a);
    assert.equal(got.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(got.Enabled, true);
    assert.equal(got.UserCreateDate!.getTime(), user.UserCreateDate!.getTime());
    assert.equal(got.MFAOptions, undefined);
    assert.equal(got.PreferredMfaSetting, undefined);
    assert.equal(got.UserMFASettingList, undefined);
    // The sub finds the user too.
    const bySub = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: a.sub! }));
    assert.equal(bySub.Username, 'alice');
  });

  test('a taken username is UsernameExistsException, and usernames are case sensitive by default', async () => {
    await send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bob', MessageAction: 'SUPPRESS' }));
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'bob', MessageAction: 'SUPPRESS' })),
      UsernameExistsException,
      'User account already exists',
    );
    const other = await server.client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'BOB', MessageAction: 'SUPPRESS' }));
    assert.equal(other.User!.Username, 'BOB');
    await rejectsWith(send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'Bob' })), UserNotFoundException, 'User does not exist.');
  });

  test('a generated temporary password meets the policy and arrives in the default invite', async () => {
    const out = await server.client.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'carol', UserAttributes: attrList({ email: 'carol@example.com' }) }),
    );
    const [message, ...rest] = await messagesTo('carol@example.com');
    assert.equal(rest.length, 0);
    assert.equal(message!.channel, 'EMAIL');
    assert.equal(message!.purpose, 'invite');
    // No transport and no --dev: the invitation waits in the outbox for one (until it expires).
    assert.equal(message!.status, 'pending');
    assert.equal(message!.subject, 'Your temporary password');
    const m = /^Your username is carol and temporary password is (\S+)\.$/.exec(message!.body);
    assert.ok(m, message!.body);
    const password = m[1]!;
    assert.equal(checkPasswordPolicy(DEFAULT_PASSWORD_POLICY, password), null);
    const stored = await storedUser(poolId, attrs(out.User!.Attributes).sub!);
    assert.equal(await server.app.services.passwords.verifyPassword(stored.passwordHash!, password), true);
    assert.equal(message!.sub, stored.sub);
  });

  test('a given temporary password must meet the pool policy (passwordChange wording); nothing is created', async () => {
    const before = await userCount(poolId);
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dave', TemporaryPassword: 'Sh0rt!', MessageAction: 'SUPPRESS' })),
      InvalidPasswordException,
      'Password does not conform to policy: Password not long enough',
    );
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dave', TemporaryPassword: 'longenough1!', MessageAction: 'SUPPRESS' })),
      InvalidPasswordException,
      'Password does not conform to policy: Password must have uppercase characters',
    );
    assert.equal(await userCount(poolId), before);
    const out = await server.client.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'dave', TemporaryPassword: 'Temp-Pass-123', MessageAction: 'SUPPRESS' }),
    );
    const stored = await storedUser(poolId, attrs(out.User!.Attributes).sub!);
    assert.equal(await server.app.services.passwords.verifyPassword(stored.passwordHash!, 'Temp-Pass-123'), true);
  });

  test('attributes are checked against the schema and formats; nothing is created', async () => {
    const before = await userCount(poolId);
    const create = (values: Record<string, string>) =>
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'erin', UserAttributes: attrList(values), MessageAction: 'SUPPRESS' }));
    await rejectsWith(
      create({ 'custom:nope': 'x' }),
      InvalidParameterException,
      'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.',
    );
    await rejectsWith(create({ sub: '9d1e1c3a-0000-4000-8000-000000000000' }), InvalidParameterException, 'Attributes did not conform to the schema: sub: Attribute cannot be updated.');
    await rejectsWith(create({ email: 'not-an-email' }), InvalidParameterException, 'Invalid email address format.');
    await rejectsWith(create({ phone_number: '555-1234' }), InvalidParameterException, 'Invalid phone number format.');
    await rejectsWith(create({ email_verified: 'yes' }), InvalidParameterException, 'Attributes did not conform to the schema: email_verified: Attribute value must be true or false');
    await rejectsWith(create({ birthdate: '1.1.1990' }), InvalidParameterException, 'Attributes did not conform to the schema: birthdate: String must be no shorter than 10 characters');
    assert.equal(await userCount(poolId), before);
  });

  test('DesiredDeliveryMediums: SMS by default when there is a phone number, both when asked, and a medium needs its attribute', async () => {
    await send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'frank', UserAttributes: attrList({ email: 'frank@example.com', phone_number: '+15550001111' }) }),
    );
    assert.equal((await messagesTo('+15550001111')).length, 1);
    assert.equal((await messagesTo('frank@example.com')).length, 0);
    const [sms] = await messagesTo('+15550001111');
    assert.equal(sms!.channel, 'SMS');
    assert.equal(sms!.subject, null);
    assert.match(sms!.body, /^Your username is frank and temporary password is \S+\.$/);

    await send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'gina',
        UserAttributes: attrList({ email: 'gina@example.com', phone_number: '+15550002222' }),
        DesiredDeliveryMediums: ['EMAIL', 'SMS'],
      }),
    );
    const [email] = await messagesTo('gina@example.com');
    const [sms2] = await messagesTo('+15550002222');
    assert.equal(email!.channel, 'EMAIL');
    assert.equal(sms2!.channel, 'SMS');
    // One temporary password, sent to both.
    assert.equal(email!.body, sms2!.body);

    const before = await userCount(poolId);
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'hank', UserAttributes: attrList({ email: 'hank@example.com' }), DesiredDeliveryMediums: ['SMS'] })),
      InvalidParameterException,
      'User has no attribute matching desired delivery mediums',
    );
    assert.equal(await userCount(poolId), before);
  });

  test('MessageAction RESEND sends a new temporary password to a FORCE_CHANGE_PASSWORD user only', async () => {
    const created = await server.client.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivan', UserAttributes: attrList({ email: 'ivan@example.com' }), DesiredDeliveryMediums: ['EMAIL'] }),
    );
    const sub = attrs(created.User!.Attributes).sub!;
    const firstHash = (await storedUser(poolId, sub)).passwordHash;
    const resent = await server.client.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivan', MessageAction: 'RESEND', DesiredDeliveryMediums: ['EMAIL'] }),
    );
    assert.equal(resent.User!.Username, 'ivan');
    assert.equal(resent.User!.UserStatus, 'FORCE_CHANGE_PASSWORD');
    const invites = await messagesTo('ivan@example.com');
    assert.equal(invites.length, 2);
    const passwordOf = (body: string) => /temporary password is (\S+)\.$/.exec(body)![1]!;
    assert.notEqual(passwordOf(invites[0]!.body), passwordOf(invites[1]!.body));
    const stored = await storedUser(poolId, sub);
    assert.notEqual(stored.passwordHash, firstHash);
    assert.equal(await server.app.services.passwords.verifyPassword(stored.passwordHash!, passwordOf(invites[1]!.body)), true);

    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'nobody', MessageAction: 'RESEND' })),
      UserNotFoundException,
      'User does not exist.',
    );
    await send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'ivan', Password: 'Perm-Pass-123', Permanent: true }));
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ivan', MessageAction: 'RESEND' })),
      UnsupportedUserStateException,
      'Resend not possible. The user is not in FORCE_CHANGE_PASSWORD status.',
    );
    assert.equal((await messagesTo('ivan@example.com')).length, 2);
  });

  test('an unknown pool is ResourceNotFoundException', async () => {
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: 'us-east-1_nothere00', Username: 'x' })),
      ResourceNotFoundException,
      'User pool us-east-1_nothere00 does not exist.',
    );
    await rejectsWith(
      send(new AdminGetUserCommand({ UserPoolId: 'us-east-1_nothere00', Username: 'x' })),
      ResourceNotFoundException,
      'User pool us-east-1_nothere00 does not exist.',
    );
  });
});

describe('AdminDeleteUser, AdminDisableUser, AdminEnableUser', () => {
  let poolId: string;
  before(async () => {
    poolId = await createPool(server.client, { AliasAttributes: ['email'] });
  });

  test('disable and enable flip Enabled, are idempotent and revoke tokens on disable', async () => {
    const out = await server.client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'xena', MessageAction: 'SUPPRESS' }));
    const sub = attrs(out.User!.Attributes).sub!;
    const before = await storedUser(poolId, sub);
    await new Promise((r) => setTimeout(r, 5));
    for (let i = 0; i < 2; i++) await send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'xena' }));
    const disabled = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'xena' }));
    assert.equal(disabled.Enabled, false);
    assert.ok(disabled.UserLastModifiedDate!.getTime() >= before.updatedAt);
    assert.ok((await storedUser(poolId, sub)).tokensValidAfter > before.tokensValidAfter);
    for (let i = 0; i < 2; i++) await send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'xena' }));
    const enabled = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'xena' }));
    assert.equal(enabled.Enabled, true);
    // The password and status are untouched by either.
    const after = await storedUser(poolId, sub);
    assert.equal(after.passwordHash, before.passwordHash);
    assert.equal(after.status, 'FORCE_CHANGE_PASSWORD');
  });

  test('delete removes the user and frees its alias', async () => {
    await send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'yara', UserAttributes: attrList({ email: 'yara@example.com', email_verified: 'true' }), MessageAction: 'SUPPRESS' }),
    );
    await send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'yara@example.com' }));
    await rejectsWith(send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'yara' })), UserNotFoundException, 'User does not exist.');
    await rejectsWith(send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'yara' })), UserNotFoundException, 'User does not exist.');
    await send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'zed', UserAttributes: attrList({ email: 'yara@example.com', email_verified: 'true' }), MessageAction: 'SUPPRESS' }),
    );
    assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'yara@example.com' }))).Username, 'zed');
  });

  test('unknown users are UserNotFoundException for each', async () => {
    for (const command of [
      new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ghost' }),
      new AdminDeleteUserCommand({ UserPoolId: poolId, Username: 'ghost' }),
      new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'ghost' }),
      new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'ghost' }),
    ]) {
      await rejectsWith(send(command), UserNotFoundException, 'User does not exist.');
    }
  });
});
