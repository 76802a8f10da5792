// AdminUpdateUserAttributes and AdminDeleteUserAttributes through the real SDK.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  AliasExistsException,
  InvalidParameterException,
  ResourceNotFoundException,
  UserNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from './helpers/server.js';
import { attrList, attrs, createPool, rejectsWith, startFastServer } from './helpers/users.js';

let server: TestServer;
before(async () => {
  server = await startFastServer();
});
after(async () => {
  await server.cleanup();
});

function send(command: { input: unknown }): Promise<unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return server.client.send(command as any);
}

async function create(poolId: string, username: string, values: Record<string, string> = {}): Promise<string> {
  const out = await server.client.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, UserAttributes: attrList(values), MessageAction: 'SUPPRESS' }),
  );
  return attrs(out.User!.Attributes).sub!;
}

async function attributesOf(poolId: string, login: string): Promise<Record<string, string>> {
  return attrs((await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: login }))).UserAttributes);
}

function update(poolId: string, username: string, values: Record<string, string>): Promise<unknown> {
  return send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: username, UserAttributes: attrList(values) }));
}

function remove(poolId: string, username: string, names: string[]): Promise<unknown> {
  return send(new AdminDeleteUserAttributesCommand({ UserPoolId: poolId, Username: username, UserAttributeNames: names }));
}

/** Plants a live reset code for the user straight in the store (the code itself is irrelevant). */
async function plantResetCode(poolId: string, sub: string): Promise<void> {
  const now = Date.now();
  await server.app.services.store.codes.issueCode({
    id: `code-${sub}-${now}`,
    poolId,
    sub,
    purpose: 'reset',
    mac: 'not-a-real-mac',
    keyId: 'k1',
    createdAt: now,
    expiresAt: now + 3_600_000,
    attribute: null,
  });
}

async function liveResetCode(sub: string): Promise<boolean> {
  return (await server.app.services.store.codes.latestCode(sub, 'reset')) !== undefined;
}

describe('AdminUpdateUserAttributes', () => {
  let poolId: string;
  before(async () => {
    poolId = await createPool(server.client, {
      AliasAttributes: ['email'],
      Schema: [
        { Name: 'family_name', AttributeDataType: 'String', Required: true, Mutable: true },
        { Name: 'tenant', AttributeDataType: 'String', Mutable: false },
        { Name: 'code', AttributeDataType: 'String', Mutable: true, StringAttributeConstraints: { MaxLength: '5' } },
        { Name: 'level', AttributeDataType: 'Number', Mutable: true, NumberAttributeConstraints: { MinValue: '1', MaxValue: '10' } },
        { Name: 'secret', AttributeDataType: 'String', DeveloperOnlyAttribute: true },
      ],
    });
  });

  test('writes attributes and bumps UserLastModifiedDate', async () => {
    await create(poolId, 'amy', { family_name: 'Pond', 'custom:tenant': 'acme' });
    const before = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'amy' }));
    await new Promise((r) => setTimeout(r, 5));
    await update(poolId, 'amy', { name: 'Amy Pond', 'custom:code': 'abc', 'custom:level': '7', 'dev:custom:secret': 's3' });
    const got = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'amy' }));
    const a = attrs(got.UserAttributes);
    assert.equal(a.name, 'Amy Pond');
    assert.equal(a['custom:code'], 'abc');
    assert.equal(a['custom:level'], '7');
    assert.equal(a['dev:custom:secret'], 's3');
    assert.equal(a['custom:tenant'], 'acme');
    assert.ok(got.UserLastModifiedDate!.getTime() > before.UserLastModifiedDate!.getTime());
  });

  test('schema errors: unknown, immutable, sub, constraints, formats, required; nothing changes', async () => {
    await create(poolId, 'bea', { family_name: 'Arthur', 'custom:tenant': 'acme', email: 'bea@example.com' });
    const before = await attributesOf(poolId, 'bea');
    const cases: Array<[Record<string, string>, string]> = [
      [{ 'custom:nope': 'x' }, 'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.'],
      [{ 'custom:tenant': 'other' }, 'Attributes did not conform to the schema: custom:tenant: Attribute cannot be updated.'],
      [{ sub: 'abc' }, 'Attributes did not conform to the schema: sub: Attribute cannot be updated.'],
      [{ 'custom:code': 'toolong' }, 'Attributes did not conform to the schema: custom:code: String must be no longer than 5 characters'],
      [{ 'custom:level': '11' }, 'Attributes did not conform to the schema: custom:level: Number must be no greater than 10'],
      [{ 'custom:level': 'ten' }, 'Attributes did not conform to the schema: custom:level: Attribute value must be a number'],
      [{ email: 'bea@' }, 'Invalid email address format.'],
      [{ phone_number: '+0123' }, 'Invalid phone number format.'],
      [{ family_name: '' }, 'Attributes did not conform to the schema: family_name: The attribute is required'],
      // Every offending attribute is named, one per line.
      [
        { 'custom:nope': 'x', 'custom:tenant': 'y', name: 'ok' },
        'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.\ncustom:tenant: Attribute cannot be updated.',
      ],
    ];
    for (const [values, message] of cases) await rejectsWith(update(poolId, 'bea', values), InvalidParameterException, message);
    assert.deepEqual(await attributesOf(poolId, 'bea'), before);
  });

  test('a new email is unverified unless the request verifies it, and moves the alias', async () => {
    await create(poolId, 'cat', { family_name: 'C', email: 'cat@example.com', email_verified: 'true' });
    assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'cat@example.com' }))).Username, 'cat');

    await update(poolId, 'cat', { email: 'cat2@example.com' });
    let a = await attributesOf(poolId, 'cat');
    assert.equal(a.email, 'cat2@example.com');
    assert.equal(a.email_verified, 'false');
    // Neither address is an alias now: the old one is gone, the new one is unverified.
    await rejectsWith(send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'cat@example.com' })), UserNotFoundException, 'User does not exist.');
    await rejectsWith(send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'cat2@example.com' })), UserNotFoundException, 'User does not exist.');

    await update(poolId, 'cat', { email: 'cat3@example.com', email_verified: 'true' });
    a = await attributesOf(poolId, 'cat3@example.com');
    assert.equal(a.email_verified, 'true');
    // Writing the same email again keeps it verified.
    await update(poolId, 'cat', { email: 'cat3@example.com', name: 'Cat' });
    assert.equal((await attributesOf(poolId, 'cat')).email_verified, 'true');
  });

  test('a verified email held by another user is AliasExistsException; nothing changes', async () => {
    await create(poolId, 'dan', { family_name: 'D', email: 'dan@example.com', email_verified: 'true' });
    await create(poolId, 'eve', { family_name: 'E', email: 'eve@example.com', email_verified: 'true' });
    const before = await attributesOf(poolId, 'eve');
    await rejectsWith(
      update(poolId, 'eve', { email: 'dan@example.com', email_verified: 'true' }),
      AliasExistsException,
      'An account with the given email already exists.',
    );
    assert.deepEqual(await attributesOf(poolId, 'eve'), before);
    assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'dan@example.com' }))).Username, 'dan');
  });

  test('a changed contact kills reset codes sent to the old one; other changes do not', async () => {
    const sub = await create(poolId, 'fay', { family_name: 'F', email: 'fay@example.com', email_verified: 'true' });
    await plantResetCode(poolId, sub);
    await update(poolId, 'fay', { name: 'Fay' });
    assert.equal(await liveResetCode(sub), true);
    await update(poolId, 'fay', { email: 'fay2@example.com', email_verified: 'true' });
    assert.equal(await liveResetCode(sub), false);
  });

  test('unknown user and pool', async () => {
    await rejectsWith(update(poolId, 'ghost', { name: 'x' }), UserNotFoundException, 'User does not exist.');
    await rejectsWith(update('us-east-1_nothere00', 'x', { name: 'x' }), ResourceNotFoundException, 'User pool us-east-1_nothere00 does not exist.');
  });
});

describe('AdminUpdateUserAttributes with UsernameAttributes = email', () => {
  test('the sign-in email changes, and another user\'s email cannot be taken', async () => {
    const poolId = await createPool(server.client, { UsernameAttributes: ['email'] });
    await create(poolId, 'gus@example.com');
    const hal = await create(poolId, 'hal@example.com');
    await update(poolId, 'hal@example.com', { email: 'hal.new@example.com' });
    assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'hal.new@example.com' }))).Username, hal);
    await rejectsWith(send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'hal@example.com' })), UserNotFoundException, 'User does not exist.');
    await rejectsWith(update(poolId, hal, { email: 'gus@example.com' }), AliasExistsException, 'An account with the given email already exists.');
    assert.equal((await attributesOf(poolId, hal)).email, 'hal.new@example.com');
  });
});

describe('AdminDeleteUserAttributes', () => {
  let poolId: string;
  before(async () => {
    poolId = await createPool(server.client, {
      AliasAttributes: ['email'],
      Schema: [
        { Name: 'family_name', AttributeDataType: 'String', Required: true, Mutable: true },
        { Name: 'tenant', AttributeDataType: 'String', Mutable: false },
      ],
    });
  });

  test('removes attributes; an email takes its verified flag and alias along', async () => {
    await create(poolId, 'ida', { family_name: 'I', name: 'Ida', email: 'ida@example.com', email_verified: 'true' });
    await remove(poolId, 'ida', ['name', 'email']);
    const a = await attributesOf(poolId, 'ida');
    assert.equal(a.name, undefined);
    assert.equal(a.email, undefined);
    assert.equal(a.email_verified, undefined);
    assert.equal(a.family_name, 'I');
    await rejectsWith(send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ida@example.com' })), UserNotFoundException, 'User does not exist.');
    // Removing an attribute the user does not have is fine.
    await remove(poolId, 'ida', ['nickname']);
  });

  test('required, immutable, unknown and sub are refused; nothing changes', async () => {
    await create(poolId, 'jon', { family_name: 'J', 'custom:tenant': 'acme', name: 'Jon' });
    const before = await attributesOf(poolId, 'jon');
    await rejectsWith(remove(poolId, 'jon', ['family_name']), InvalidParameterException, 'Attributes did not conform to the schema: family_name: The attribute is required');
    await rejectsWith(remove(poolId, 'jon', ['custom:tenant']), InvalidParameterException, 'Attributes did not conform to the schema: custom:tenant: Attribute cannot be updated.');
    await rejectsWith(remove(poolId, 'jon', ['sub']), InvalidParameterException, 'Attributes did not conform to the schema: sub: Attribute cannot be updated.');
    await rejectsWith(
      remove(poolId, 'jon', ['name', 'custom:nope']),
      InvalidParameterException,
      'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.',
    );
    assert.deepEqual(await attributesOf(poolId, 'jon'), before);
    await rejectsWith(remove(poolId, 'ghost', ['name']), UserNotFoundException, 'User does not exist.');
  });

  test('a UsernameAttributes user keeps its sign-in attribute', async () => {
    const emailPool = await createPool(server.client, { UsernameAttributes: ['email'] });
    await create(emailPool, 'kai@example.com');
    await rejectsWith(
      remove(emailPool, 'kai@example.com', ['email']),
      InvalidParameterException,
      'Attributes did not conform to the schema: email: The user must keep a sign-in attribute',
    );
    assert.equal((await attributesOf(emailPool, 'kai@example.com')).email, 'kai@example.com');
  });
});
