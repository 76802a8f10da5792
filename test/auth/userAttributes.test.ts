// The signed-in user's own attributes, through the SDK: UpdateUserAttributes (client write
// permissions, verification of a changed email or phone number, updates held back until
// verified), GetUserAttributeVerificationCode and VerifyUserAttribute.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  AliasExistsException,
  CodeMismatchException,
  ExpiredCodeException,
  ForgotPasswordCommand,
  GetUserAttributeVerificationCodeCommand,
  GetUserCommand,
  InvalidParameterException,
  LimitExceededException,
  NotAuthorizedException,
  TooManyRequestsException,
  UpdateUserAttributesCommand,
  UserNotFoundException,
  VerifyUserAttributeCommand,
  type CreateUserPoolRequest,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { attrList, attrs, rejectsWith } from '../helpers/users.js';
import { emailCount, lastCode } from '../reset/helpers.js';
import { confirmedUser, makeAuthPool, makeClient, signIn, startAuthServer, TestClock, type AuthPool } from './fixture.js';

let server: TestServer;
const clock = new TestClock();

before(async () => {
  server = await startAuthServer({}, clock);
});
after(() => server.cleanup());

let n = 0;
/** A fresh pool (so per-user limits and aliases do not leak between tests) and a signed-in user. */
async function setUp(pool: Partial<CreateUserPoolRequest>, attributes: Record<string, string> = {}): Promise<{ p: AuthPool; token: string; name: string }> {
  const p = await makeAuthPool(server.client, pool);
  const name = `u${++n}`;
  await confirmedUser(server.client, p.poolId, name, attributes);
  return { p, token: (await signIn(server.client, p.legacy, name)).AccessToken!, name };
}

function update(token: string, values: Record<string, string>) {
  return server.client.send(new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: attrList(values) }));
}

function sendCode(token: string, attribute: string) {
  return server.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken: token, AttributeName: attribute }));
}

function verify(token: string, attribute: string, code: string) {
  return server.client.send(new VerifyUserAttributeCommand({ AccessToken: token, AttributeName: attribute, Code: code }));
}

async function userAttrs(token: string): Promise<Record<string, string>> {
  return attrs((await server.client.send(new GetUserCommand({ AccessToken: token }))).UserAttributes);
}

async function lastSms(phone: string): Promise<string> {
  const res = await fetch(`${server.url}/_aws/sns/sms-messages?phoneNumber=${encodeURIComponent(phone)}`);
  const body = (await res.json()) as { sms_messages: Record<string, Array<{ Message: string }>> };
  const list = body.sms_messages[phone] ?? [];
  const code = /\b(\d{6})\b/.exec(list[list.length - 1]?.Message ?? '')?.[1];
  if (!code) throw new Error(`no code in the newest SMS to ${phone}`);
  return code;
}

async function liveResetCode(poolId: string, name: string): Promise<boolean> {
  const user = await server.app.services.store.users.findUserByUsername(poolId, name);
  return (await server.app.services.store.codes.latestCode(user!.sub, 'reset')) !== undefined;
}

describe('UpdateUserAttributes', () => {
  test('writes the attributes the client may write; no code, no delivery list', async () => {
    const { token } = await setUp({});
    const out = await update(token, { given_name: 'Ada', family_name: 'Lovelace' });
    assert.equal(out.CodeDeliveryDetailsList, undefined);
    const a = await userAttrs(token);
    assert.equal(a.given_name, 'Ada');
    assert.equal(a.family_name, 'Lovelace');
    // An empty value removes the attribute.
    await update(token, { family_name: '' });
    assert.equal((await userAttrs(token)).family_name, undefined);
  });

  test("the client's WriteAttributes bound it, and no client writes a verified flag", async () => {
    const { p, name } = await setUp({});
    const narrow = await makeClient(server.client, p.poolId, { WriteAttributes: ['given_name'] });
    const token = (await signIn(server.client, narrow, name)).AccessToken!;
    await update(token, { given_name: 'Ok' });
    await rejectsWith(update(token, { family_name: 'No' }), NotAuthorizedException, 'A client attempted to write unauthorized attribute');
    const wide = (await signIn(server.client, p.legacy, name)).AccessToken!;
    await rejectsWith(update(wide, { email: 'x@example.com', email_verified: 'true' }), NotAuthorizedException, 'A client attempted to write unauthorized attribute');
    await rejectsWith(
      update(wide, { 'custom:nope': 'x' }),
      InvalidParameterException,
      'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.',
    );
    await rejectsWith(update(wide, { email: 'not-an-email' }), InvalidParameterException, 'Invalid email address format.');
    // Nothing of the refused requests was written.
    const a = await userAttrs(wide);
    assert.equal(a.family_name, undefined);
    assert.equal(a.email, undefined);
  });

  test('a changed email is stored unverified, a code goes to it, and the reset code sent to the old one dies', async () => {
    const { p, token, name } = await setUp({ AutoVerifiedAttributes: ['email'] }, { email: 'old1@example.com', email_verified: 'true' });
    await server.client.send(new ForgotPasswordCommand({ ClientId: p.legacy, Username: name }));
    assert.equal(await liveResetCode(p.poolId, name), true);
    const out = await update(token, { email: 'new1@example.com' });
    assert.deepEqual(out.CodeDeliveryDetailsList, [{ Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);
    let a = await userAttrs(token);
    assert.equal(a.email, 'new1@example.com');
    assert.equal(a.email_verified, 'false');
    assert.equal(await liveResetCode(p.poolId, name), false);

    await verify(token, 'email', await lastCode(server, 'new1@example.com'));
    a = await userAttrs(token);
    assert.equal(a.email_verified, 'true');
  });

  test('without AutoVerifiedAttributes a changed email is stored unverified and nothing is sent', async () => {
    const { token } = await setUp({ AutoVerifiedAttributes: [] }, { email: 'quiet@example.com', email_verified: 'true' });
    const out = await update(token, { email: 'quiet2@example.com' });
    assert.equal(out.CodeDeliveryDetailsList, undefined);
    assert.equal(await emailCount(server, 'quiet2@example.com'), 0);
    assert.equal((await userAttrs(token)).email_verified, 'false');
  });

  test('a phone number gets its code by SMS', async () => {
    const { token } = await setUp({ AutoVerifiedAttributes: ['phone_number'], SmsConfiguration: { SnsCallerArn: 'arn:aws:iam::123456789012:role/sms' } });
    const out = await update(token, { phone_number: '+15550001234' });
    assert.deepEqual(out.CodeDeliveryDetailsList, [{ Destination: '+*******1234', DeliveryMedium: 'SMS', AttributeName: 'phone_number' }]);
    await verify(token, 'phone_number', await lastSms('+15550001234'));
    const a = await userAttrs(token);
    assert.equal(a.phone_number, '+15550001234');
    assert.equal(a.phone_number_verified, 'true');
  });

  test('AttributesRequireVerificationBeforeUpdate: the old email stays in force until the new one is verified', async () => {
    const { p, token, name } = await setUp(
      { AliasAttributes: ['email'], AutoVerifiedAttributes: ['email'], UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] } },
      { email: 'keep@example.com', email_verified: 'true' },
    );
    await server.client.send(new ForgotPasswordCommand({ ClientId: p.legacy, Username: name }));
    const out = await update(token, { email: 'next@example.com', given_name: 'Now' });
    assert.deepEqual(out.CodeDeliveryDetailsList, [{ Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' }]);
    let a = await userAttrs(token);
    assert.equal(a.email, 'keep@example.com');
    assert.equal(a.email_verified, 'true');
    assert.equal(a.given_name, 'Now', 'the other attributes of the request are written at once');
    // Sign-in and recovery still go by the old address.
    await signIn(server.client, p.legacy, 'keep@example.com');
    await rejectsWith(signIn(server.client, p.legacy, 'next@example.com'), UserNotFoundException, 'User does not exist.');
    assert.equal(await liveResetCode(p.poolId, name), true);

    // Asking for a code again sends it to the pending address; it supersedes the first.
    const first = await lastCode(server, 'next@example.com');
    clock.advance(1000);
    const again = await sendCode(token, 'email');
    assert.deepEqual(again.CodeDeliveryDetails, { Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const second = await lastCode(server, 'next@example.com');
    if (first !== second) await rejectsWith(verify(token, 'email', first), CodeMismatchException, 'Invalid verification code provided, please try again.');
    await verify(token, 'email', second);

    a = await userAttrs(token);
    assert.equal(a.email, 'next@example.com');
    assert.equal(a.email_verified, 'true');
    await signIn(server.client, p.legacy, 'next@example.com');
    await rejectsWith(signIn(server.client, p.legacy, 'keep@example.com'), UserNotFoundException, 'User does not exist.');
    assert.equal(await liveResetCode(p.poolId, name), false, 'the reset code sent to the old address died with it');
    await rejectsWith(verify(token, 'email', second), ExpiredCodeException, 'Invalid code provided, please request a code again.');
  });

  test('an email taken as a verified alias by another user: stored unverified, then AliasExistsException at verification', async () => {
    const { p, token } = await setUp({ AliasAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
    await confirmedUser(server.client, p.poolId, 'holder', { email: 'taken@example.com', email_verified: 'true' });
    await update(token, { email: 'taken@example.com' });
    const code = await lastCode(server, 'taken@example.com');
    await rejectsWith(verify(token, 'email', code), AliasExistsException, 'An account with the given email already exists.');
    assert.equal((await userAttrs(token)).email_verified, 'false');
    // The alias still leads to its holder.
    const holder = await signIn(server.client, p.legacy, 'taken@example.com');
    assert.equal(((await server.client.send(new GetUserCommand({ AccessToken: holder.AccessToken! }))) as { Username?: string }).Username, 'holder');
  });

  test('in an email-as-username pool, an email another user signs in with is refused at once', async () => {
    const p = await makeAuthPool(server.client, { UsernameAttributes: ['email'], AutoVerifiedAttributes: ['email'] });
    await confirmedUser(server.client, p.poolId, 'first@example.com', { email_verified: 'true' });
    await confirmedUser(server.client, p.poolId, 'second@example.com', { email_verified: 'true' });
    const token = (await signIn(server.client, p.legacy, 'second@example.com')).AccessToken!;
    await rejectsWith(update(token, { email: 'first@example.com' }), AliasExistsException, 'An account with the given email already exists.');
    assert.equal((await userAttrs(token)).email, 'second@example.com');
  });

  test('codes sent by updates count toward the hourly cap: TooManyRequestsException, nothing written', async () => {
    const { p, token, name } = await setUp({ AutoVerifiedAttributes: ['email'] }, { email: 'cap0@example.com' });
    for (let i = 1; i <= 5; i++) await update(token, { email: `cap${i}@example.com` });
    await rejectsWith(update(token, { email: 'cap6@example.com' }), TooManyRequestsException, 'Too many requests');
    assert.equal((await userAttrs(token)).email, 'cap5@example.com');
    assert.equal(await emailCount(server, 'cap6@example.com'), 0);
    await rejectsWith(sendCode(token, 'email'), LimitExceededException, 'Attempt limit exceeded, please try after some time.');
    // Changes that send nothing are not capped.
    await update(token, { given_name: 'Still' });
    clock.advance(3_600_000 + 60_000);
    const fresh = (await signIn(server.client, p.legacy, name)).AccessToken!;
    await update(fresh, { email: 'cap6@example.com' });
    assert.equal(await emailCount(server, 'cap6@example.com'), 1);
  });
});

describe('GetUserAttributeVerificationCode and VerifyUserAttribute', () => {
  test('refusals: an attribute that cannot be verified, an attribute the user lacks', async () => {
    const { token } = await setUp({}, { email: 'has@example.com' });
    await rejectsWith(sendCode(token, 'given_name'), InvalidParameterException, 'Invalid attribute name. Only phone_number and email can be verified.');
    await rejectsWith(verify(token, 'given_name', '123456'), InvalidParameterException, 'Invalid attribute name. Only phone_number and email can be verified.');
    await rejectsWith(sendCode(token, 'phone_number'), InvalidParameterException, 'User does not have a valid registered phone number');
    const { token: bare } = await setUp({});
    await rejectsWith(sendCode(bare, 'email'), InvalidParameterException, 'User does not have a valid registered email address');
  });

  test('an unverified email is verified with its code; a used code is expired; no code at all is expired', async () => {
    const { token } = await setUp({}, { email: 'v1@example.com' });
    await rejectsWith(verify(token, 'email', '123456'), ExpiredCodeException, 'Invalid code provided, please request a code again.');
    const out = await sendCode(token, 'email');
    assert.deepEqual(out.CodeDeliveryDetails, { Destination: 'v***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    const code = await lastCode(server, 'v1@example.com');
    await verify(token, 'email', code);
    assert.equal((await userAttrs(token)).email_verified, 'true');
    await rejectsWith(verify(token, 'email', code), ExpiredCodeException, 'Invalid code provided, please request a code again.');
    // An already verified address can be verified again, as in Cognito. (The clock moves: codes
    // are ordered by their time of issue.)
    clock.advance(1000);
    await sendCode(token, 'email');
    await verify(token, 'email', await lastCode(server, 'v1@example.com'));
  });

  test('five wrong codes kill the code: the sixth attempt is LimitExceededException even with the right code', async () => {
    const { token } = await setUp({}, { email: 'guess@example.com' });
    await sendCode(token, 'email');
    const code = await lastCode(server, 'guess@example.com');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) await rejectsWith(verify(token, 'email', wrong), CodeMismatchException, 'Invalid verification code provided, please try again.');
    await rejectsWith(verify(token, 'email', code), LimitExceededException, 'Attempt limit exceeded, please try after some time.');
    assert.equal((await userAttrs(token)).email_verified, undefined);
  });

  test('racing verifications of one code: exactly one wins', async () => {
    const { token } = await setUp({}, { email: 'race@example.com' });
    await sendCode(token, 'email');
    const code = await lastCode(server, 'race@example.com');
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => verify(token, 'email', code)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof ExpiredCodeException, String(r.reason));
  });

  test('a code sent to an address the admin has since changed no longer verifies anything', async () => {
    const { p, token, name } = await setUp({}, { email: 'before@example.com' });
    await sendCode(token, 'email');
    const code = await lastCode(server, 'before@example.com');
    await server.client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: p.poolId, Username: name, UserAttributes: attrList({ email: 'after@example.com' }) }));
    await rejectsWith(verify(token, 'email', code), ExpiredCodeException, 'Invalid code provided, please request a code again.');
    const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: p.poolId, Username: name }));
    assert.equal(attrs(user.UserAttributes).email_verified, 'false');
  });

  test('five codes per hour, then LimitExceededException until the hour has passed', async () => {
    const { p, name } = await setUp({}, { email: 'many@example.com' });
    const token = async (): Promise<string> => (await signIn(server.client, p.legacy, name)).AccessToken!;
    let t = await token();
    for (let i = 0; i < 5; i++) await sendCode(t, 'email');
    await rejectsWith(sendCode(t, 'email'), LimitExceededException, 'Attempt limit exceeded, please try after some time.');
    clock.advance(3_600_000 + 60_000);
    t = await token();
    await sendCode(t, 'email');
  });
});
