// The reset journey for a user who signed up and never confirmed (no verified channel yet):
// ForgotPassword refuses under LEGACY and pretends under ENABLED, sending nothing;
// ConfirmForgotPassword answers UserNotConfirmedException.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfirmForgotPasswordCommand,
  ForgotPasswordCommand,
  InvalidParameterException,
  SignUpCommand,
  UserNotConfirmedException,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2, rejectsWith } from '../helpers/users.js';
import { emailCount, makePool, passwordWorks, type ResetFixture } from './helpers.js';

let server: TestServer;
let f: ResetFixture;

before(async () => {
  server = await startTestServer({ dev: true }, { argon2: FAST_ARGON2 });
  f = await makePool(server.client);
  await server.client.send(
    new SignUpCommand({
      ClientId: f.legacyClientId,
      Username: 'pending',
      Password: 'Pending-Pass1',
      UserAttributes: [{ Name: 'email', Value: 'pending@example.com' }],
    }),
  );
});
after(async () => {
  await server.cleanup();
});

test('ForgotPassword for an UNCONFIRMED user: InvalidParameterException under LEGACY, a simulated 200 under ENABLED, nothing sent', async () => {
  const sent = await emailCount(server, 'pending@example.com');
  assert.equal(sent, 1, 'the sign-up confirmation code only');
  await rejectsWith(
    server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'pending' })),
    InvalidParameterException,
    'Cannot reset password for the user as there is no registered/verified email or phone_number',
  );
  const out = await server.client.send(new ForgotPasswordCommand({ ClientId: f.enabledClientId, Username: 'pending' }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.equal(out.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
  assert.match(out.CodeDeliveryDetails!.Destination!, /^[a-z]\*\*\*@[a-z]\*\*\*$/);
  assert.equal(await emailCount(server, 'pending@example.com'), sent);
  const reset = await server.app.services.store.codes.latestCode(
    (await server.app.services.store.users.findUserByUsername(f.poolId, 'pending'))!.sub,
    'reset',
  );
  assert.equal(reset, undefined, 'no reset code was issued');
});

test('ConfirmForgotPassword for an UNCONFIRMED user: UserNotConfirmedException, password unchanged', async () => {
  await rejectsWith(
    server.client.send(
      new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'pending', ConfirmationCode: '123456', Password: 'Other-Pass1' }),
    ),
    UserNotConfirmedException,
    'User is not confirmed.',
  );
  assert.ok(await passwordWorks(server, f.poolId, 'pending', 'Pending-Pass1'));
  assert.ok(!(await passwordWorks(server, f.poolId, 'pending', 'Other-Pass1')));
});
