import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  CreateUserPoolClientCommand,
  ForbiddenException,
  InvalidParameterException,
  InvalidPasswordException,
  ListUsersCommand,
  NotAuthorizedException,
  ResourceNotFoundException,
  SignUpCommand,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { rawCall, startTestServer, type TestServer } from '../helpers/server.js';
import { attrs, FAST_ARGON2, rejectsWith } from '../helpers/users.js';
import { lastCode, lastEmail, makePool, makeUser, passwordWorks, type ResetFixture } from '../reset/helpers.js';
import { computeSecretHash } from '../../src/operations/shared/secretHash.js';
import { emailAttr, messageCount, PASSWORD, signUp, SMS_CONFIGURATION, smsMessages, startSignUpServer } from './helpers.js';

let server: TestServer;
let f: ResetFixture;

before(async () => {
  server = await startSignUpServer();
  f = await makePool(server.client);
});
after(async () => {
  await server.cleanup();
});

async function userCount(poolId: string): Promise<number> {
  return (await server.client.send(new ListUsersCommand({ UserPoolId: poolId }))).Users!.length;
}

describe('SignUp', () => {
  test('registers an UNCONFIRMED user and emails a code to the auto-verified email', async () => {
    const out = await signUp(server.client, f.legacyClientId, 'alice', [emailAttr('alice@example.com'), { Name: 'name', Value: 'Alice' }]);
    assert.equal(out.UserConfirmed, false);
    assert.match(out.UserSub!, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(out.CodeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });

    const message = await lastEmail(server, 'alice@example.com');
    assert.equal(message?.Subject, 'Your verification code');
    assert.match(message!.Body.text_part, /^Your verification code is \d{6}\. $/);

    const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'alice' }));
    assert.equal(user.UserStatus, 'UNCONFIRMED');
    assert.equal(user.Enabled, true);
    const a = attrs(user.UserAttributes);
    assert.equal(a.sub, out.UserSub);
    assert.equal(a.email, 'alice@example.com');
    assert.equal(a.name, 'Alice');
    assert.notEqual(a.email_verified, 'true');
    assert.ok(await passwordWorks(server, f.poolId, 'alice', PASSWORD));
    // The code is kept only as a MAC: no stored row holds it.
    const code = await lastCode(server, 'alice@example.com');
    const row = await server.app.services.store.codes.latestCode(out.UserSub!, 'signup');
    assert.ok(row && !JSON.stringify(row).includes(code));
    assert.equal(row.attribute, 'email');
    assert.equal(row.expiresAt - row.createdAt, 24 * 3600 * 1000);
  });

  test('unsigned, as browser and mobile SDKs send it', async () => {
    const body = JSON.stringify({ ClientId: f.legacyClientId, Username: 'unsigned', Password: PASSWORD, UserAttributes: [emailAttr('unsigned@example.com')] });
    const res = await rawCall(server.url, 'AWSCognitoIdentityProviderService.SignUp', body);
    assert.equal(res.status, 200);
    const json = res.json as { UserConfirmed: boolean; UserSub: string; CodeDeliveryDetails: { DeliveryMedium: string } };
    assert.equal(json.UserConfirmed, false);
    assert.equal(json.CodeDeliveryDetails.DeliveryMedium, 'EMAIL');
    assert.equal((await server.client.send(new AdminGetUserCommand({ UserPoolId: f.poolId, Username: 'unsigned' }))).Username, 'unsigned');
  });

  test('ValidationData and ClientMetadata are accepted', async () => {
    const out = await server.client.send(
      new SignUpCommand({
        ClientId: f.legacyClientId,
        Username: 'valdata',
        Password: PASSWORD,
        UserAttributes: [emailAttr('valdata@example.com')],
        ValidationData: [{ Name: 'invite', Value: 'abc' }],
        ClientMetadata: { source: 'test' },
      }),
    );
    assert.equal(out.UserConfirmed, false);
  });

  test('without AutoVerifiedAttributes no code is sent and no CodeDeliveryDetails answered', async () => {
    const pool = await makePool(server.client, { AutoVerifiedAttributes: [] });
    const before = await messageCount(server);
    const out = await signUp(server.client, pool.legacyClientId, 'quiet', [emailAttr('quiet@example.com')]);
    assert.equal(out.UserConfirmed, false);
    assert.equal(out.CodeDeliveryDetails, undefined);
    assert.equal(await messageCount(server), before);
  });

  test('an auto-verified attribute the user did not give gets no code', async () => {
    const before = await messageCount(server);
    const out = await signUp(server.client, f.legacyClientId, 'nomail', [{ Name: 'phone_number', Value: '+15555550199' }]);
    assert.equal(out.CodeDeliveryDetails, undefined);
    assert.equal(await messageCount(server), before);
  });

  test('phone_number auto-verified: the code goes by SMS; with both auto-verified the phone wins', async () => {
    const phonePool = await makePool(server.client, { AutoVerifiedAttributes: ['phone_number'], SmsConfiguration: SMS_CONFIGURATION });
    const out = await signUp(server.client, phonePool.legacyClientId, 'phoebe', [{ Name: 'phone_number', Value: '+15555550100' }]);
    assert.deepEqual(out.CodeDeliveryDetails, { Destination: '+*******0100', DeliveryMedium: 'SMS', AttributeName: 'phone_number' });
    const sms = await smsMessages(server, '+15555550100');
    assert.equal(sms.length, 1);
    assert.match(sms[0]!.Message, /^Your verification code is \d{6}\. $/);

    const both = await makePool(server.client, { AutoVerifiedAttributes: ['email', 'phone_number'], SmsConfiguration: SMS_CONFIGURATION });
    const emailsBefore = (await server.app.services.store.messages.listMessages({ channel: 'EMAIL' })).length;
    const two = await signUp(server.client, both.legacyClientId, 'twofold', [emailAttr('twofold@example.com'), { Name: 'phone_number', Value: '+15555550101' }]);
    assert.equal(two.CodeDeliveryDetails?.DeliveryMedium, 'SMS');
    assert.equal((await smsMessages(server, '+15555550101')).length, 1);
    assert.equal((await server.app.services.store.messages.listMessages({ channel: 'EMAIL' })).length, emailsBefore);
    const emailOnly = await signUp(server.client, both.legacyClientId, 'mailonly', [emailAttr('mailonly@example.com')]);
    assert.deepEqual(emailOnly.CodeDeliveryDetails, { Destination: 'm***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  });

  test("the pool's verification template is used, placeholders filled", async () => {
    const pool = await makePool(server.client, {
      VerificationMessageTemplate: { EmailSubject: 'Confirm your account', EmailMessage: 'Welcome! Your code: {####}' },
    });
    await signUp(server.client, pool.legacyClientId, 'templated', [emailAttr('templated@example.com')]);
    const message = await lastEmail(server, 'templated@example.com');
    assert.equal(message?.Subject, 'Confirm your account');
    assert.match(message!.Body.text_part, /^Welcome! Your code: \d{6}$/);

    const legacyFields = await makePool(server.client, { EmailVerificationSubject: 'Old subject', EmailVerificationMessage: 'Old style {####}' });
    await signUp(server.client, legacyFields.legacyClientId, 'oldstyle', [emailAttr('oldstyle@example.com')]);
    const old = await lastEmail(server, 'oldstyle@example.com');
    assert.equal(old?.Subject, 'Old subject');
    assert.match(old!.Body.text_part, /^Old style \d{6}$/);
  });

  test('UsernameAttributes=email: the email is the username, the stored username is the sub', async () => {
    const pool = await makePool(server.client, { UsernameAttributes: ['email'] });
    const out = await signUp(server.client, pool.legacyClientId, 'erin@example.com');
    assert.deepEqual(out.CodeDeliveryDetails, { Destination: 'e***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'erin@example.com' }));
    assert.equal(user.Username, out.UserSub);
    assert.equal(attrs(user.UserAttributes).email, 'erin@example.com');

    await rejectsWith(signUp(server.client, pool.legacyClientId, 'erin'), InvalidParameterException, 'Username should be an email.');
    await rejectsWith(
      signUp(server.client, pool.legacyClientId, 'erin@example.com'),
      UsernameExistsException,
      'An account with the given email already exists.',
    );
    await rejectsWith(
      signUp(server.client, pool.legacyClientId, 'other@example.com', [emailAttr('different@example.com')]),
      InvalidParameterException,
      'The email attribute must be the same as the username.',
    );
    assert.equal(await userCount(pool.poolId), 1);
  });

  test("AliasAttributes=email: an email-shaped username is refused; another user's verified email is no obstacle", async () => {
    const pool = await makePool(server.client, { AliasAttributes: ['email'] });
    await makeUser(server.client, pool.poolId, 'holder', 'shared@example.com');
    await rejectsWith(
      signUp(server.client, pool.legacyClientId, 'shared@example.com'),
      InvalidParameterException,
      'Username cannot be of email format, since user pool is configured for email alias.',
    );
    const out = await signUp(server.client, pool.legacyClientId, 'newcomer', [emailAttr('shared@example.com')]);
    assert.equal(out.UserConfirmed, false);
    // The alias still leads to its verified holder.
    const byAlias = await server.client.send(new AdminGetUserCommand({ UserPoolId: pool.poolId, Username: 'shared@example.com' }));
    assert.equal(byAlias.Username, 'holder');
  });
});

describe('SignUp errors (each changes nothing)', () => {
  test('unknown ClientId', async () => {
    await rejectsWith(signUp(server.client, 'nosuchclient123', 'x'), ResourceNotFoundException, 'User pool client nosuchclient123 does not exist.');
  });

  test('SecretHash: required, checked, and accepted when right', async () => {
    const before = await userCount(f.poolId);
    await rejectsWith(
      signUp(server.client, f.secretClientId, 'hashed'),
      NotAuthorizedException,
      `Client ${f.secretClientId} is configured with secret but SECRET_HASH was not received`,
    );
    await rejectsWith(
      signUp(server.client, f.secretClientId, 'hashed', [], { SecretHash: computeSecretHash(f.secret, 'someone-else', f.secretClientId) }),
      NotAuthorizedException,
      `Unable to verify secret hash for client ${f.secretClientId}`,
    );
    assert.equal(await userCount(f.poolId), before);
    const out = await signUp(server.client, f.secretClientId, 'hashed', [], { SecretHash: computeSecretHash(f.secret, 'hashed', f.secretClientId) });
    assert.equal(out.UserConfirmed, false);
  });

  test('AllowAdminCreateUserOnly pools refuse self sign-up', async () => {
    const pool = await makePool(server.client, { AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } });
    await rejectsWith(signUp(server.client, pool.legacyClientId, 'selfie'), NotAuthorizedException, 'SignUp is not permitted for this user pool');
    assert.equal(await userCount(pool.poolId), 0);
  });

  test('a taken username', async () => {
    await signUp(server.client, f.legacyClientId, 'taken');
    await rejectsWith(signUp(server.client, f.legacyClientId, 'taken'), UsernameExistsException, 'User already exists');
    // Also against an admin-created user.
    await makeUser(server.client, f.poolId, 'admincreated', 'admincreated@example.com');
    await rejectsWith(signUp(server.client, f.legacyClientId, 'admincreated'), UsernameExistsException, 'User already exists');
  });

  test("the password policy, in SignUp's own wording", async () => {
    const before = await userCount(f.poolId);
    const cases: Array<[string, string]> = [
      ['Sh0rt!', 'Password did not conform with policy: Password not long enough'],
      ['lowercase-only1', 'Password did not conform with policy: Password must have uppercase characters'],
      ['UPPERCASE-ONLY1', 'Password did not conform with policy: Password must have lowercase characters'],
      ['No-Numbers-Here', 'Password did not conform with policy: Password must have numeric characters'],
      ['NoSymbols123', 'Password did not conform with policy: Password must have symbol characters'],
    ];
    for (const [password, message] of cases) {
      await rejectsWith(signUp(server.client, f.legacyClientId, 'weakling', [], { Password: password }), InvalidPasswordException, message);
    }
    assert.equal(await userCount(f.poolId), before);
  });

  test('a missing password', async () => {
    await rejectsWith(
      server.client.send(new SignUpCommand({ ClientId: f.legacyClientId, Username: 'nopass' })),
      InvalidParameterException,
      "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null",
    );
  });

  test('required attributes are enforced (unlike AdminCreateUser)', async () => {
    const pool = await makePool(server.client, {
      Schema: [{ Name: 'email', AttributeDataType: 'String', Required: true, Mutable: true }],
    });
    await rejectsWith(
      signUp(server.client, pool.legacyClientId, 'noemail', [{ Name: 'name', Value: 'N' }]),
      InvalidParameterException,
      'Attributes did not conform to the schema: email: The attribute is required',
    );
    assert.equal(await userCount(pool.poolId), 0);
    await signUp(server.client, pool.legacyClientId, 'withemail', [emailAttr('withemail@example.com')]);
    assert.equal(await userCount(pool.poolId), 1);
  });

  test('attributes against the schema and formats', async () => {
    await rejectsWith(
      signUp(server.client, f.legacyClientId, 'schema1', [{ Name: 'custom:nope', Value: 'x' }]),
      InvalidParameterException,
      'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.',
    );
    await rejectsWith(signUp(server.client, f.legacyClientId, 'schema2', [emailAttr('not-an-email')]), InvalidParameterException, 'Invalid email address format.');
    await rejectsWith(
      signUp(server.client, f.legacyClientId, 'schema3', [{ Name: 'phone_number', Value: '5550100' }]),
      InvalidParameterException,
      'Invalid phone number format.',
    );
  });

  test('a client can never mark an address verified, nor write outside its WriteAttributes', async () => {
    const before = await userCount(f.poolId);
    for (const flag of ['email_verified', 'phone_number_verified']) {
      await rejectsWith(
        signUp(server.client, f.legacyClientId, 'claimer', [emailAttr('victim@example.com'), { Name: flag, Value: 'true' }]),
        NotAuthorizedException,
        'A client attempted to write unauthorized attribute',
      );
    }
    const limited = await server.client.send(
      new CreateUserPoolClientCommand({ UserPoolId: f.poolId, ClientName: 'limited', WriteAttributes: ['email'] }),
    );
    const limitedId = limited.UserPoolClient!.ClientId!;
    await rejectsWith(
      signUp(server.client, limitedId, 'limited1', [emailAttr('limited1@example.com'), { Name: 'name', Value: 'L' }]),
      NotAuthorizedException,
      'A client attempted to write unauthorized attribute',
    );
    assert.equal(await userCount(f.poolId), before);
    await signUp(server.client, limitedId, 'limited2', [emailAttr('limited2@example.com')]);
  });

  test('a blocked address is refused before anything happens', async () => {
    const blocked = await startTestServer({ dev: true, ipBlocklist: new Map([['*', ['127.0.0.0/8']]]) }, { argon2: FAST_ARGON2 });
    try {
      const pool = await makePool(blocked.client);
      await rejectsWith(signUp(blocked.client, pool.legacyClientId, 'blocked'), ForbiddenException, 'Request not allowed due to WAF block.');
      assert.equal((await blocked.client.send(new ListUsersCommand({ UserPoolId: pool.poolId }))).Users!.length, 0);
    } finally {
      await blocked.cleanup();
    }
  });
});
