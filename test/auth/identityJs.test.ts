// An app's whole account journey through amazon-cognito-identity-js, unmodified and running in
// Node against the real server: sign up, confirm with the mailed code, sign in with SRP (the
// library's default), read and refresh the session, change the password, forget it and reset
// it through the library, sign in with the new one, read and update attributes (verifying the
// new email), and sign out everywhere.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthenticationDetails,
  CognitoUser,
  CognitoUserAttribute,
  CognitoUserPool,
  type CognitoUserSession,
  type ISignUpResult,
} from 'amazon-cognito-identity-js';
import { GetUserCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2, rejectsWith } from '../helpers/users.js';
import { lastCode } from '../reset/helpers.js';
import { makeAuthPool, type AuthPool } from './fixture.js';

const FIRST = 'First-Passw0rd!';
const SECOND = 'Second-Passw0rd!';
const THIRD = 'Third-Passw0rd!';
const EMAIL = 'ada@example.com';
const NEW_EMAIL = 'ada.lovelace@example.com';

let server: TestServer;
let p: AuthPool;
let userPool: CognitoUserPool;

before(async () => {
  // dev: the codes are read from the development mailbox (/_aws/ses).
  server = await startTestServer({ dev: true }, { argon2: FAST_ARGON2 });
  p = await makeAuthPool(server.client, { AutoVerifiedAttributes: ['email'], AliasAttributes: ['email'] });
  // The client an app uses by default: no secret, Cognito's default flows (SRP and refresh).
  userPool = new CognitoUserPool({ UserPoolId: p.poolId, ClientId: p.srpOnly, endpoint: server.url });
});
after(() => server.cleanup());

/** A library callback `(err, result)` as a promise. */
function call<T>(run: (cb: (err: Error | null | undefined, result?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, result) => (err ? reject(err) : resolve(result as T))));
}

/** The library's `{onSuccess, onFailure}` callbacks as a promise. */
function callbacks<T>(run: (cb: { onSuccess: (r: T) => void; onFailure: (err: Error) => void }) => void): Promise<T> {
  return new Promise((resolve, reject) => run({ onSuccess: resolve, onFailure: reject }));
}

function signIn(login: string, password: string): Promise<{ user: CognitoUser; session: CognitoUserSession }> {
  const user = new CognitoUser({ Username: login, Pool: userPool });
  assert.equal(user.getAuthenticationFlowType(), 'USER_SRP_AUTH');
  return new Promise((resolve, reject) => {
    user.authenticateUser(new AuthenticationDetails({ Username: login, Password: password }), {
      onSuccess: (session) => resolve({ user, session }),
      onFailure: reject,
      newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED')),
    });
  });
}

async function attributesOf(user: CognitoUser): Promise<Record<string, string>> {
  const list = await call<CognitoUserAttribute[]>((cb) => user.getUserAttributes(cb));
  return Object.fromEntries(list.map((a) => [a.getName(), a.getValue()]));
}

async function rejectsLike(promise: Promise<unknown>, code: string, message: string): Promise<void> {
  const err = (await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  )) as { code?: string; name?: string; message: string };
  assert.equal(err.code ?? err.name, code);
  assert.equal(err.message, message);
}

test('the whole account journey through amazon-cognito-identity-js', async () => {
  // Sign up; sign-in waits for the confirmation, made with the code mailed to the address.
  const signedUp = await call<ISignUpResult>((cb) => userPool.signUp('ada', FIRST, [new CognitoUserAttribute({ Name: 'email', Value: EMAIL })], [], cb));
  assert.equal(signedUp.userConfirmed, false);
  assert.equal(signedUp.user.getUsername(), 'ada');
  assert.deepEqual(signedUp.codeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  await rejectsLike(signIn('ada', FIRST), 'UserNotConfirmedException', 'User is not confirmed.');
  const signUpCode = await lastCode(server, EMAIL);
  await rejectsLike(call((cb) => signedUp.user.confirmRegistration(signUpCode === '000000' ? '111111' : '000000', true, cb)), 'CodeMismatchException', 'Invalid verification code provided, please try again.');
  assert.equal(await call<string>((cb) => signedUp.user.confirmRegistration(signUpCode, true, cb)), 'SUCCESS');

  // SRP sign-in by the username and by the now verified email alias; the session is readable
  // and refreshable with its refresh token.
  const first = await signIn('ada', FIRST);
  assert.equal(first.session.isValid(), true);
  assert.equal(first.session.getIdToken().payload.email_verified, true);
  const viaAlias = await signIn(EMAIL, FIRST);
  assert.equal(viaAlias.user.getUsername(), 'ada', 'the library switches to USER_ID_FOR_SRP');
  const cached = await call<CognitoUserSession>((cb) => first.user.getSession(cb));
  assert.equal(cached.getAccessToken().getJwtToken(), first.session.getAccessToken().getJwtToken());
  const refreshed = await call<CognitoUserSession>((cb) => first.user.refreshSession(first.session.getRefreshToken(), cb));
  assert.notEqual(refreshed.getAccessToken().getJwtToken(), first.session.getAccessToken().getJwtToken());
  assert.equal(refreshed.getAccessToken().payload.origin_jti, first.session.getAccessToken().payload.origin_jti);
  assert.equal((await attributesOf(first.user)).email, EMAIL);

  // changePassword: the session that made the change carries on; the other one ends.
  await rejectsLike(call((cb) => first.user.changePassword('Not-The-Passw0rd!', SECOND, cb)), 'NotAuthorizedException', 'Incorrect username or password.');
  assert.equal(await call<string>((cb) => first.user.changePassword(FIRST, SECOND, cb)), 'SUCCESS');
  assert.equal((await attributesOf(first.user)).email, EMAIL);
  await rejectsLike(attributesOf(viaAlias.user), 'NotAuthorizedException', 'Access Token has been revoked');
  await rejectsLike(signIn('ada', FIRST), 'NotAuthorizedException', 'Incorrect username or password.');
  const afterChange = await signIn('ada', SECOND);

  // Forgot password, through the library: the code goes to the verified email; the reset ends
  // every session.
  const resetUser = new CognitoUser({ Username: 'ada', Pool: userPool });
  const delivery = await new Promise<{ CodeDeliveryDetails: Record<string, string> }>((resolve, reject) =>
    resetUser.forgotPassword({ onSuccess: resolve, onFailure: reject, inputVerificationCode: resolve }),
  );
  assert.deepEqual(delivery.CodeDeliveryDetails, { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  const resetCode = await lastCode(server, EMAIL);
  assert.notEqual(resetCode, signUpCode);
  await rejectsLike(
    callbacks<string>((cb) => resetUser.confirmPassword(resetCode, 'short', cb)),
    'InvalidPasswordException',
    'Password does not conform to policy: Password not long enough',
  );
  assert.equal(await callbacks<string>((cb) => resetUser.confirmPassword(resetCode, THIRD, cb)), 'SUCCESS');
  await rejectsLike(attributesOf(afterChange.user), 'NotAuthorizedException', 'Access Token has been revoked');
  await rejectsLike(attributesOf(first.user), 'NotAuthorizedException', 'Access Token has been revoked');
  await rejectsLike(signIn('ada', SECOND), 'NotAuthorizedException', 'Incorrect username or password.');

  // Signed in with the new password: attributes read and updated; the new email is verified
  // with the code sent to it.
  const last = await signIn('ada', THIRD);
  const attrs = await attributesOf(last.user);
  assert.equal(attrs.email, EMAIL);
  assert.equal(attrs.email_verified, 'true');
  const updated = await call<string>((cb) =>
    last.user.updateAttributes([new CognitoUserAttribute({ Name: 'given_name', Value: 'Ada' }), new CognitoUserAttribute({ Name: 'email', Value: NEW_EMAIL })], cb),
  );
  assert.equal(updated, 'SUCCESS');
  let now = await attributesOf(last.user);
  assert.equal(now.given_name, 'Ada');
  assert.equal(now.email, NEW_EMAIL);
  assert.equal(now.email_verified, 'false');
  const verifyCode = await lastCode(server, NEW_EMAIL);
  await rejectsLike(
    callbacks<string>((cb) => last.user.verifyAttribute('email', verifyCode === '000000' ? '111111' : '000000', cb)),
    'CodeMismatchException',
    'Invalid verification code provided, please try again.',
  );
  assert.equal(await callbacks<string>((cb) => last.user.verifyAttribute('email', verifyCode, cb)), 'SUCCESS');
  now = await attributesOf(last.user);
  assert.equal(now.email_verified, 'true');
  await signIn(NEW_EMAIL, THIRD);

  // Signed out everywhere: the library forgets the session and the server refuses its tokens.
  const access = last.session.getAccessToken().getJwtToken();
  assert.equal(await callbacks<string>((cb) => last.user.globalSignOut(cb)), 'SUCCESS');
  await rejectsWith(server.client.send(new GetUserCommand({ AccessToken: access })), NotAuthorizedException, 'Access Token has been revoked');
  await rejectsLike(
    call((cb) => last.user.refreshSession(last.session.getRefreshToken(), cb)),
    'NotAuthorizedException',
    'Refresh Token has been revoked',
  );
});
