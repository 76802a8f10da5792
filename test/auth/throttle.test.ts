// The sign-in failure throttle: five failed passwords in five minutes lock sign-in for that
// user (or that unknown identifier) with Cognito's "Password attempts exceeded", without a
// password hash being checked, and never lock the user out of resetting the password.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfirmForgotPasswordCommand, ForgotPasswordCommand, InitiateAuthCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/users.js';
import { lastCode } from '../reset/helpers.js';
import { confirmedUser, makeAuthPool, PASSWORD, signIn, startAuthServer, TestClock, type AuthPool } from './fixture.js';

const LOCKED = 'Password attempts exceeded';
const WRONG = 'Incorrect username or password.';

let server: TestServer;
let p: AuthPool;
const clock = new TestClock();

before(async () => {
  server = await startAuthServer({}, clock);
  p = await makeAuthPool(server.client, { AutoVerifiedAttributes: ['email'] });
});
after(() => server.cleanup());

function attempt(clientId: string, username: string, password: string): Promise<unknown> {
  return server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
}

async function failFiveTimes(clientId: string, username: string): Promise<void> {
  for (let i = 0; i < 5; i++) await rejectsWith(attempt(clientId, username, `Wrong-Pass${i}`), NotAuthorizedException, WRONG);
}

describe('sign-in failure throttle', () => {
  test('the sixth attempt after five failures is refused, even with the right password, without hashing', async () => {
    await confirmedUser(server.client, p.poolId, 'lena', { email: 'lena@example.com', email_verified: 'true' });
    await failFiveTimes(p.legacy, 'lena');
    const kdf = server.app.services.passwords.kdfCalls;
    await rejectsWith(attempt(p.legacy, 'lena', PASSWORD), NotAuthorizedException, LOCKED);
    await rejectsWith(attempt(p.enabled, 'lena', 'Wrong-Pass9'), NotAuthorizedException, LOCKED);
    assert.equal(server.app.services.passwords.kdfCalls, kdf, 'a locked attempt checks no password');
  });

  test('concurrent guesses: no more than five passwords are ever checked', async () => {
    await confirmedUser(server.client, p.poolId, 'race');
    const kdf = server.app.services.passwords.kdfCalls;
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => attempt(p.legacy, 'race', `Wrong-Pass${i}`)));
    const messages = results.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : 'signed in'));
    assert.equal(messages.filter((m) => m === WRONG).length, 5, messages.join(', '));
    assert.equal(messages.filter((m) => m === LOCKED).length, 15);
    assert.equal(server.app.services.passwords.kdfCalls - kdf, 5);
  });

  test('the lock lifts once the failures are older than five minutes', async () => {
    await confirmedUser(server.client, p.poolId, 'max');
    await failFiveTimes(p.legacy, 'max');
    await rejectsWith(attempt(p.legacy, 'max', PASSWORD), NotAuthorizedException, LOCKED);
    clock.advance(5 * 60_000 + 10_000);
    await signIn(server.client, p.legacy, 'max');
  });

  test('a successful sign-in clears the count', async () => {
    await confirmedUser(server.client, p.poolId, 'nina');
    for (let i = 0; i < 4; i++) await rejectsWith(attempt(p.legacy, 'nina', 'Wrong-Pass1'), NotAuthorizedException, WRONG);
    await signIn(server.client, p.legacy, 'nina');
    for (let i = 0; i < 4; i++) await rejectsWith(attempt(p.legacy, 'nina', 'Wrong-Pass1'), NotAuthorizedException, WRONG);
    await signIn(server.client, p.legacy, 'nina');
  });

  test('an unknown identifier under PreventUserExistenceErrors locks at the same count', async () => {
    await failFiveTimes(p.enabled, 'ghost');
    await rejectsWith(attempt(p.enabled, 'ghost', PASSWORD), NotAuthorizedException, LOCKED);
  });

  test('the lock is per user: other users sign in', async () => {
    await confirmedUser(server.client, p.poolId, 'olga');
    await failFiveTimes(p.legacy, 'olga');
    await rejectsWith(attempt(p.legacy, 'olga', PASSWORD), NotAuthorizedException, LOCKED);
    await confirmedUser(server.client, p.poolId, 'pia');
    await signIn(server.client, p.legacy, 'pia');
  });

  test('a locked-out user can still reset the password, and then sign in with the new one at once', async () => {
    await confirmedUser(server.client, p.poolId, 'quinn', { email: 'quinn@example.com', email_verified: 'true' });
    await failFiveTimes(p.legacy, 'quinn');
    await rejectsWith(attempt(p.legacy, 'quinn', PASSWORD), NotAuthorizedException, LOCKED);

    const sent = await server.client.send(new ForgotPasswordCommand({ ClientId: p.legacy, Username: 'quinn' }));
    assert.equal(sent.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
    const code = await lastCode(server, 'quinn@example.com');
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: p.legacy, Username: 'quinn', ConfirmationCode: code, Password: 'Reset-Pass-2' }));
    // The reset changed the password, and with it the counter the lock was kept in.
    await signIn(server.client, p.legacy, 'quinn', 'Reset-Pass-2');
  });
});
