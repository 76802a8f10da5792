// ResendConfirmationCode and AdminConfirmSignUp.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminConfirmSignUpCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  ConfirmSignUpCommand,
  InvalidParameterException,
  LimitExceededException,
  NotAuthorizedException,
  ResendConfirmationCodeCommand,
  ResourceNotFoundException,
  UserNotFoundException,
  type ResendConfirmationCodeResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { attrs, rejectsWith } from '../helpers/users.js';
import { emailCount, lastCode, makePool, makeUser, type ResetFixture } from '../reset/helpers.js';
import { computeSecretHash } from '../../src/operations/shared/secretHash.js';
import { emailAttr, lastSmsCode, messageCount, movableClock, signUp, SMS_CONFIGURATION, smsMessages, startSignUpServer } from './helpers.js';

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

function resend(username: string, clientId = f.legacyClientId, secretHash?: string): Promise<ResendConfirmationCodeResponse> {
  return server.client.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: username, SecretHash: secretHash }));
}

async function userStatus(poolId: string, username: string): Promise<{ status: string; attributes: Record<string, string> }> {
  const u = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }));
  return { status: u.UserStatus!, attributes: attrs(u.UserAttributes) };
}

const LIMIT = 'Attempt limit exceeded, please try after some time.';

describe('ResendConfirmationCode', () => {
  test('sends a new code the same way; the new code confirms', async () => {
    await signUp(server.client, f.legacyClientId, 'alice', [emailAttr('alice@example.com')]);
    const out = await resend('alice');
    assert.deepEqual(out.CodeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    assert.equal(await emailCount(server, 'alice@example.com'), 2);
    await server.client.send(new ConfirmSignUpCommand({ ClientId: f.legacyClientId, Username: 'alice', ConfirmationCode: await lastCode(server, 'alice@example.com') }));
    assert.equal((await userStatus(f.poolId, 'alice')).status, 'CONFIRMED');
  });

  test('by SMS when the phone number is auto-verified', async () => {
    const pool = await makePool(server.client, { AutoVerifiedAttributes: ['phone_number'], SmsConfiguration: SMS_CONFIGURATION });
    await signUp(server.client, pool.legacyClientId, 'phil', [{ Name: 'phone_number', Value: '+15555550177' }]);
    const out = await resend('phil', pool.legacyClientId);
    assert.deepEqual(out.CodeDeliveryDetails, { Destination: '+*******0177', DeliveryMedium: 'SMS', AttributeName: 'phone_number' });
    assert.equal((await smsMessages(server, '+15555550177')).length, 2);
    await server.client.send(new ConfirmSignUpCommand({ ClientId: pool.legacyClientId, Username: 'phil', ConfirmationCode: await lastSmsCode(server, '+15555550177') }));
    assert.equal((await userStatus(pool.poolId, 'phil')).attributes.phone_number_verified, 'true');
  });

  test('SecretHash is required for a client with a secret', async () => {
    await signUp(server.client, f.legacyClientId, 'sam', [emailAttr('sam@example.com')]);
    await rejectsWith(
      resend('sam', f.secretClientId),
      NotAuthorizedException,
      `Client ${f.secretClientId} is configured with secret but SECRET_HASH was not received`,
    );
    const out = await resend('sam', f.secretClientId, computeSecretHash(f.secret, 'sam', f.secretClientId));
    assert.equal(out.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
  });

  test('a confirmed user: InvalidParameterException', async () => {
    await makeUser(server.client, f.poolId, 'confirmed', 'confirmed@example.com');
    const before = await messageCount(server);
    await rejectsWith(resend('confirmed'), InvalidParameterException, 'User is already confirmed.');
    assert.equal(await messageCount(server), before);
  });

  test('unknown user: UserNotFoundException under LEGACY; under ENABLED a simulated, stable delivery and no message', async () => {
    await rejectsWith(resend('nobody'), UserNotFoundException, 'Username/client id combination not found.');
    const before = await messageCount(server);
    const a = await resend('nobody', f.enabledClientId);
    const b = await resend('nobody', f.enabledClientId);
    assert.equal(a.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
    assert.match(a.CodeDeliveryDetails!.Destination!, /^[a-z]\*\*\*@[a-z]\*\*\*$/);
    assert.deepEqual(a.CodeDeliveryDetails, b.CodeDeliveryDetails);
    const shaped = await resend('ghost@example.com', f.enabledClientId);
    assert.deepEqual(shaped.CodeDeliveryDetails, { Destination: 'g***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
    assert.equal(await messageCount(server), before);
  });

  test('a disabled user: NotAuthorizedException under LEGACY, simulated under ENABLED', async () => {
    await signUp(server.client, f.legacyClientId, 'dis', [emailAttr('dis@example.com')]);
    await server.client.send(new AdminDisableUserCommand({ UserPoolId: f.poolId, Username: 'dis' }));
    await rejectsWith(resend('dis'), NotAuthorizedException, 'User is disabled.');
    const out = await resend('dis', f.enabledClientId);
    assert.equal(out.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
    assert.equal(await emailCount(server, 'dis@example.com'), 1);
  });

  test('nowhere to send: InvalidParameterException under LEGACY, simulated under ENABLED', async () => {
    const pool = await makePool(server.client, { AutoVerifiedAttributes: [] });
    await signUp(server.client, pool.legacyClientId, 'mute', [emailAttr('mute@example.com')]);
    await rejectsWith(
      resend('mute', pool.legacyClientId),
      InvalidParameterException,
      'Auto verification not turned on or the user has no attribute to verify.',
    );
    const out = await resend('mute', pool.enabledClientId);
    assert.ok(out.CodeDeliveryDetails?.Destination);
    assert.equal(await emailCount(server, 'mute@example.com'), 0);
  });

  test('5 per identifier per hour, for known and unknown names alike', async () => {
    await signUp(server.client, f.legacyClientId, 'rita', [emailAttr('rita@example.com')]);
    for (let i = 0; i < 5; i++) {
      await resend('rita');
      await resend('unknown-rita', f.enabledClientId);
    }
    await rejectsWith(resend('rita'), LimitExceededException, LIMIT);
    await rejectsWith(resend('unknown-rita', f.enabledClientId), LimitExceededException, LIMIT);
    assert.equal(await emailCount(server, 'rita@example.com'), 6);
    clock.advance(HOUR + 60_000);
    await resend('rita');
    assert.equal(await emailCount(server, 'rita@example.com'), 7);
  });

  test('unknown client', async () => {
    await rejectsWith(resend('x', 'nosuchclient123'), ResourceNotFoundException, 'User pool client nosuchclient123 does not exist.');
  });
});

describe('AdminConfirmSignUp', () => {
  test('confirms without verifying anything, and kills the outstanding code', async () => {
    const out = await signUp(server.client, f.legacyClientId, 'tom', [emailAttr('tom@example.com')]);
    await server.client.send(new AdminConfirmSignUpCommand({ UserPoolId: f.poolId, Username: 'tom', ClientMetadata: { reason: 'test' } }));
    const after = await userStatus(f.poolId, 'tom');
    assert.equal(after.status, 'CONFIRMED');
    assert.notEqual(after.attributes.email_verified, 'true');
    assert.equal(await server.app.services.store.codes.latestCode(out.UserSub!, 'signup'), undefined);
    await rejectsWith(
      server.client.send(new AdminConfirmSignUpCommand({ UserPoolId: f.poolId, Username: 'tom' })),
      NotAuthorizedException,
      'User cannot be confirmed. Current status is CONFIRMED',
    );
  });

  test('by alias or sub', async () => {
    const pool = await makePool(server.client, { UsernameAttributes: ['email'] });
    const out = await signUp(server.client, pool.legacyClientId, 'uma@example.com');
    await server.client.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.poolId, Username: 'uma@example.com' }));
    assert.equal((await userStatus(pool.poolId, out.UserSub!)).status, 'CONFIRMED');
  });

  test('an admin-created user is not UNCONFIRMED', async () => {
    await makeUser(server.client, f.poolId, 'adminmade', 'adminmade@example.com');
    await rejectsWith(
      server.client.send(new AdminConfirmSignUpCommand({ UserPoolId: f.poolId, Username: 'adminmade' })),
      NotAuthorizedException,
      'User cannot be confirmed. Current status is CONFIRMED',
    );
  });

  test('unknown user and pool', async () => {
    await rejectsWith(
      server.client.send(new AdminConfirmSignUpCommand({ UserPoolId: f.poolId, Username: 'nobody' })),
      UserNotFoundException,
      'User does not exist.',
    );
    await rejectsWith(
      server.client.send(new AdminConfirmSignUpCommand({ UserPoolId: 'us-east-1_NoSuchPool', Username: 'nobody' })),
      ResourceNotFoundException,
      'User pool us-east-1_NoSuchPool does not exist.',
    );
  });
});
