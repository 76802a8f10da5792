// AdminCreateUser and AdminGetUser in pools of every identity shape (UsernameAttributes,
// AliasAttributes, case-insensitive usernames) and with pool settings (invite template,
// password policy, schema), through the real SDK against the real server.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  InvalidParameterException,
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

async function userCount(poolId: string): Promise<number> {
  return server.app.services.store.users.countUsers(poolId);
}

describe('AdminCreateUser with pool settings', () => {
  test('the pool invite template fills {username} and {####} literally', async () => {
    const poolId = await createPool(server.client, {
      AdminCreateUserConfig: {
        InviteMessageTemplate: {
          EmailSubject: 'Welcome aboard',
          EmailMessage: 'Hi {username}, use {####} (again: {####})',
          SMSMessage: 'Code for {username}: {####}',
        },
      },
    });
    await send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'jo',
        TemporaryPassword: 'Pa$&-$1-word9',
        UserAttributes: attrList({ email: 'jo@example.com', phone_number: '+15550003333' }),
        DesiredDeliveryMediums: ['EMAIL', 'SMS'],
      }),
    );
    const [email] = await messagesTo('jo@example.com');
    assert.equal(email!.subject, 'Welcome aboard');
    assert.equal(email!.body, 'Hi jo, use Pa$&-$1-word9 (again: Pa$&-$1-word9)');
    const [sms] = await messagesTo('+15550003333');
    assert.equal(sms!.body, 'Code for jo: Pa$&-$1-word9');
  });

  test('a generated password follows a stricter pool policy', async () => {
    const policy = { MinimumLength: 30, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: true };
    const poolId = await createPool(server.client, { Policies: { PasswordPolicy: policy } });
    await send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'kim', UserAttributes: attrList({ email: 'kim@example.com' }) }));
    const [message] = await messagesTo('kim@example.com');
    const password = /temporary password is (\S+)\.$/.exec(message!.body)![1]!;
    assert.ok(password.length >= 30);
    assert.equal(checkPasswordPolicy({ ...DEFAULT_PASSWORD_POLICY, minimumLength: 30 }, password), null);
  });

  test('required attributes are not enforced at AdminCreateUser; immutable ones may be set once', async () => {
    const poolId = await createPool(server.client, {
      Schema: [
        { Name: 'given_name', AttributeDataType: 'String', Required: true, Mutable: true },
        { Name: 'tenant', AttributeDataType: 'String', Mutable: false },
      ],
    });
    const out = await server.client.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'lee', UserAttributes: attrList({ 'custom:tenant': 'acme' }), MessageAction: 'SUPPRESS' }),
    );
    assert.equal(attrs(out.User!.Attributes)['custom:tenant'], 'acme');
  });
});

describe('UsernameAttributes = email', () => {
  let poolId: string;
  before(async () => {
    poolId = await createPool(server.client, { UsernameAttributes: ['email'] });
  });

  test('the email is the sign-in, the username is the sub', async () => {
    const out = await server.client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'mia@example.com', MessageAction: 'SUPPRESS' }));
    const a = attrs(out.User!.Attributes);
    assert.match(out.User!.Username!, UUID);
    assert.equal(out.User!.Username, a.sub);
    assert.equal(a.email, 'mia@example.com');
    for (const login of ['mia@example.com', a.sub!]) {
      const got = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: login }));
      assert.equal(got.Username, a.sub);
    }
  });

  test('a taken email is UsernameExistsException; a non-email Username is refused', async () => {
    await send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ned@example.com', MessageAction: 'SUPPRESS' }));
    const before = await userCount(poolId);
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ned@example.com', MessageAction: 'SUPPRESS' })),
      UsernameExistsException,
      'An account with the given email already exists.',
    );
    // ForceAliasCreation cannot take a sign-in email from another user.
    await rejectsWith(
      send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: 'ned@example.com',
          UserAttributes: attrList({ email_verified: 'true' }),
          ForceAliasCreation: true,
          MessageAction: 'SUPPRESS',
        }),
      ),
      UsernameExistsException,
      'An account with the given email already exists.',
    );
    await rejectsWith(send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'ned', MessageAction: 'SUPPRESS' })), InvalidParameterException, 'Username should be an email.');
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'olive@example.com', UserAttributes: attrList({ email: 'other@example.com' }), MessageAction: 'SUPPRESS' })),
      InvalidParameterException,
      'The email attribute must be the same as the username.',
    );
    assert.equal(await userCount(poolId), before);
  });

  test('the invite names the user by email', async () => {
    await send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'pia@example.com' }));
    const [message] = await messagesTo('pia@example.com');
    assert.match(message!.body, /^Your username is pia@example\.com and temporary password is \S+\.$/);
  });

  test('email or phone pools take either, and name the rule when given neither', async () => {
    const both = await createPool(server.client, { UsernameAttributes: ['email', 'phone_number'] });
    const out = await server.client.send(new AdminCreateUserCommand({ UserPoolId: both, Username: '+15550004444', MessageAction: 'SUPPRESS' }));
    assert.equal(attrs(out.User!.Attributes).phone_number, '+15550004444');
    const got = await server.client.send(new AdminGetUserCommand({ UserPoolId: both, Username: '+15550004444' }));
    assert.equal(got.Username, out.User!.Username);
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: both, Username: 'quinn', MessageAction: 'SUPPRESS' })),
      InvalidParameterException,
      'Username should be either an email or a phone number.',
    );
  });
});

describe('AliasAttributes = email', () => {
  let poolId: string;
  before(async () => {
    poolId = await createPool(server.client, { AliasAttributes: ['email'] });
  });

  test('a username in email format is refused', async () => {
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'rita@example.com', MessageAction: 'SUPPRESS' })),
      InvalidParameterException,
      'Username cannot be of email format, since user pool is configured for email alias.',
    );
  });

  test('a verified email is an alias; taking it needs ForceAliasCreation, which moves it', async () => {
    const create = (username: string, extra: object = {}) =>
      server.client.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: username,
          UserAttributes: attrList({ email: 'shared@example.com', email_verified: 'true' }),
          MessageAction: 'SUPPRESS',
          ...extra,
        }),
      );
    await create('sam');
    assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'shared@example.com' }))).Username, 'sam');
    await rejectsWith(create('tess'), UsernameExistsException, 'An account with the given email already exists.');
    await rejectsWith(send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'tess' })), UserNotFoundException, 'User does not exist.');

    await create('tess', { ForceAliasCreation: true });
    assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'shared@example.com' }))).Username, 'tess');
    const sam = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'sam' }));
    assert.equal(attrs(sam.UserAttributes).email_verified, 'false');
    assert.equal(attrs(sam.UserAttributes).email, 'shared@example.com');
  });

  test('an unverified email is no alias and can be shared', async () => {
    for (const username of ['uma', 'vic']) {
      await send(
        new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, UserAttributes: attrList({ email: 'loose@example.com' }), MessageAction: 'SUPPRESS' }),
      );
    }
    await rejectsWith(send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'loose@example.com' })), UserNotFoundException, 'User does not exist.');
  });
});

describe('case-insensitive pool', () => {
  test('usernames match in any case and keep the case given', async () => {
    const poolId = await createPool(server.client, { UsernameConfiguration: { CaseSensitive: false } });
    await send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'Walter', MessageAction: 'SUPPRESS' }));
    const got = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'wALTER' }));
    assert.equal(got.Username, 'Walter');
    await rejectsWith(
      send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'walter', MessageAction: 'SUPPRESS' })),
      UsernameExistsException,
      'User account already exists',
    );
  });
});

