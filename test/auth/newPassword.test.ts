// NEW_PASSWORD_REQUIRED: a user with a temporary password chooses a new one (and supplies
// missing required attributes) through RespondToAuthChallenge or AdminRespondToAuthChallenge.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AliasExistsException,
  InitiateAuthCommand,
  InvalidParameterException,
  InvalidPasswordException,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  type InitiateAuthResponse,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { attrs, rejectsWith } from '../helpers/users.js';
import { computeSecretHash } from '../../src/operations/shared/secretHash.js';
import { claimsOf, confirmedUser, makeAuthPool, makeClient, signIn, startAuthServer, TestClock, type AuthPool } from './fixture.js';

const TEMP = 'Temp-Pass-123';
const NEW = 'Chosen-Pass-456';

let server: TestServer;
let p: AuthPool;
const clock = new TestClock();

before(async () => {
  server = await startAuthServer({}, clock);
  p = await makeAuthPool(server.client, {
    AliasAttributes: ['email', 'preferred_username'],
    Schema: [{ Name: 'given_name', Required: true, Mutable: true, AttributeDataType: 'String' }],
  });
});
after(() => server.cleanup());

async function invitedUser(username: string, attributes: Record<string, string> = { given_name: 'Tim' }): Promise<void> {
  await server.client.send(
    new AdminCreateUserCommand({
      UserPoolId: p.poolId,
      Username: username,
      TemporaryPassword: TEMP,
      MessageAction: 'SUPPRESS',
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
}

async function challenge(clientId: string, username: string, extra: Record<string, string> = {}): Promise<InitiateAuthResponse> {
  const out = await server.client.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: TEMP, ...extra } }),
  );
  assert.equal(out.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  return out;
}

function answer(clientId: string, session: string | undefined, responses: Record<string, string>): Promise<InitiateAuthResponse> {
  return server.client.send(new RespondToAuthChallengeCommand({ ClientId: clientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: session, ChallengeResponses: responses }));
}

describe('NEW_PASSWORD_REQUIRED', () => {
  test('the challenge carries USER_ID_FOR_SRP, requiredAttributes and userAttributes as Cognito sends them', async () => {
    await invitedUser('tim', { email: 'tim@example.com', email_verified: 'true' });
    const out = await challenge(p.legacy, 'tim');
    assert.equal(out.AuthenticationResult, undefined);
    assert.match(out.Session!, /^[A-Za-z0-9_-]{20,}$/);
    assert.equal(out.ChallengeParameters!.USER_ID_FOR_SRP, 'tim');
    assert.deepEqual(JSON.parse(out.ChallengeParameters!.requiredAttributes!), ['userAttributes.given_name']);
    assert.deepEqual(JSON.parse(out.ChallengeParameters!.userAttributes!), { email: 'tim@example.com', email_verified: 'true' });
  });

  test('a new password and the missing attribute: tokens, CONFIRMED, the new password works and the temporary one does not', async () => {
    const out = await challenge(p.legacy, 'tim');
    await rejectsWith(answer(p.legacy, out.Session, { USERNAME: 'tim', NEW_PASSWORD: NEW }), InvalidParameterException, 'Invalid attributes given, given_name is missing');
    const done = await answer(p.legacy, out.Session, { USERNAME: 'tim', NEW_PASSWORD: NEW, 'userAttributes.given_name': 'Timothy' });
    assert.deepEqual(done.ChallengeParameters, {});
    const id = claimsOf(done.AuthenticationResult!.IdToken!);
    assert.equal(id.given_name, 'Timothy');
    assert.ok(done.AuthenticationResult!.RefreshToken);
    const user = await server.client.send(new AdminGetUserCommand({ UserPoolId: p.poolId, Username: 'tim' }));
    assert.equal(user.UserStatus, 'CONFIRMED');
    assert.equal(attrs(user.UserAttributes).given_name, 'Timothy');
    await signIn(server.client, p.legacy, 'tim', NEW);
    await rejectsWith(
      server.client.send(new InitiateAuthCommand({ ClientId: p.legacy, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'tim', PASSWORD: TEMP } })),
      NotAuthorizedException,
      'Incorrect username or password.',
    );
  });

  test('a password the policy refuses is InvalidPasswordException in the password-change wording, and the session survives it', async () => {
    await invitedUser('una');
    const out = await challenge(p.legacy, 'una');
    await rejectsWith(answer(p.legacy, out.Session, { USERNAME: 'una', NEW_PASSWORD: 'short' }), InvalidPasswordException, 'Password does not conform to policy: Password not long enough');
    await rejectsWith(answer(p.legacy, out.Session, { USERNAME: 'una', NEW_PASSWORD: 'alllowercase1!' }), InvalidPasswordException, 'Password does not conform to policy: Password must have uppercase characters');
    const done = await answer(p.legacy, out.Session, { USERNAME: 'una', NEW_PASSWORD: NEW });
    assert.ok(done.AuthenticationResult?.AccessToken);
  });

  test('a session is single use', async () => {
    await invitedUser('val');
    const out = await challenge(p.legacy, 'val');
    await answer(p.legacy, out.Session, { USERNAME: 'val', NEW_PASSWORD: NEW });
    await rejectsWith(answer(p.legacy, out.Session, { USERNAME: 'val', NEW_PASSWORD: 'Another-Pass-7' }), NotAuthorizedException, 'Invalid session for the user, session is expired.');
  });

  test('a session expires after the client\'s AuthSessionValidity', async () => {
    const fiveMinutes = await makeClient(server.client, p.poolId, { AuthSessionValidity: 5 });
    await invitedUser('wes');
    const early = await challenge(fiveMinutes, 'wes');
    clock.advance(4 * 60_000);
    const late = await challenge(fiveMinutes, 'wes');
    clock.advance(60_000 + 1);
    await rejectsWith(answer(fiveMinutes, early.Session, { USERNAME: 'wes', NEW_PASSWORD: NEW }), NotAuthorizedException, 'Invalid session for the user, session is expired.');
    assert.ok((await answer(fiveMinutes, late.Session, { USERNAME: 'wes', NEW_PASSWORD: NEW })).AuthenticationResult);
  });

  test('a session answers only for its own client and user, and must be sent', async () => {
    await invitedUser('xia');
    await invitedUser('yan');
    const out = await challenge(p.legacy, 'xia');
    await rejectsWith(answer(p.enabled, out.Session, { USERNAME: 'xia', NEW_PASSWORD: NEW }), NotAuthorizedException, 'Invalid session for the user.');
    await rejectsWith(answer(p.legacy, out.Session, { USERNAME: 'yan', NEW_PASSWORD: NEW }), NotAuthorizedException, 'Invalid session for the user.');
    await rejectsWith(answer(p.legacy, 'A'.repeat(64), { USERNAME: 'xia', NEW_PASSWORD: NEW }), NotAuthorizedException, 'Invalid session for the user.');
    await rejectsWith(answer(p.legacy, undefined, { USERNAME: 'xia', NEW_PASSWORD: NEW }), InvalidParameterException, 'Missing required parameter Session');
    await rejectsWith(answer(p.legacy, out.Session, { USERNAME: 'xia' }), InvalidParameterException, 'Missing required parameter NEW_PASSWORD');
    assert.ok((await answer(p.legacy, out.Session, { USERNAME: 'xia', NEW_PASSWORD: NEW })).AuthenticationResult);
  });

  test('attributes the client may not write, and an alias another user holds, are refused', async () => {
    await confirmedUser(server.client, p.poolId, 'owner', { given_name: 'O', preferred_username: 'boss' });
    await invitedUser('zed');
    const out = await challenge(p.legacy, 'zed');
    await rejectsWith(
      answer(p.legacy, out.Session, { USERNAME: 'zed', NEW_PASSWORD: NEW, 'userAttributes.email_verified': 'true' }),
      NotAuthorizedException,
      'A client attempted to write unauthorized attribute',
    );
    await rejectsWith(
      answer(p.legacy, out.Session, { USERNAME: 'zed', NEW_PASSWORD: NEW, 'userAttributes.preferred_username': 'boss' }),
      AliasExistsException,
      'An account with the given preferred_username already exists.',
    );
    const done = await answer(p.legacy, out.Session, { USERNAME: 'zed', NEW_PASSWORD: NEW, 'userAttributes.preferred_username': 'zeddy' });
    assert.ok(done.AuthenticationResult);
    // The new alias signs in.
    await signIn(server.client, p.legacy, 'zeddy', NEW);
  });

  test('SECRET_HASH in the answer is over the canonical username, even after an alias sign-in', async () => {
    await invitedUser('amy', { given_name: 'Amy', email: 'amy@example.com', email_verified: 'true' });
    const hash = (u: string): string => computeSecretHash(p.secret, u, p.secretClient);
    const out = await challenge(p.secretClient, 'amy@example.com', { SECRET_HASH: hash('amy@example.com') });
    assert.equal(out.ChallengeParameters!.USER_ID_FOR_SRP, 'amy');
    await rejectsWith(
      answer(p.secretClient, out.Session, { USERNAME: 'amy', NEW_PASSWORD: NEW }),
      NotAuthorizedException,
      `Client ${p.secretClient} is configured with secret but SECRET_HASH was not received`,
    );
    await rejectsWith(
      answer(p.secretClient, out.Session, { USERNAME: 'amy', NEW_PASSWORD: NEW, SECRET_HASH: hash('other') }),
      NotAuthorizedException,
      `Unable to verify secret hash for client ${p.secretClient}`,
    );
    assert.ok((await answer(p.secretClient, out.Session, { USERNAME: 'amy', NEW_PASSWORD: NEW, SECRET_HASH: hash('amy') })).AuthenticationResult);
  });

  test('AdminInitiateAuth and AdminRespondToAuthChallenge complete the same challenge', async () => {
    await invitedUser('bea');
    const out = await server.client.send(
      new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: p.legacy, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bea', PASSWORD: TEMP } }),
    );
    assert.equal(out.ChallengeName, 'NEW_PASSWORD_REQUIRED');
    const done = await server.client.send(
      new AdminRespondToAuthChallengeCommand({
        UserPoolId: p.poolId,
        ClientId: p.legacy,
        ChallengeName: 'NEW_PASSWORD_REQUIRED',
        Session: out.Session,
        ChallengeResponses: { USERNAME: 'bea', NEW_PASSWORD: NEW },
      }),
    );
    assert.equal(claimsOf(done.AuthenticationResult!.AccessToken!).username, 'bea');
  });
});
