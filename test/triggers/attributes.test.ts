// CustomMessage on the signed-in user's attribute verification, through a real webhook:
// UpdateUserAttributes (CustomMessage_UpdateUserAttribute) and GetUserAttributeVerificationCode
// (CustomMessage_VerifyUserAttribute), with the app client and ClientMetadata of the request.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetUserAttributeVerificationCodeCommand, UpdateUserAttributesCommand, VerifyUserAttributeCommand } from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { lastCode, lastEmail } from '../reset/helpers.js';
import { confirmedUser, makeAuthPool, signIn, startAuthServer, type AuthPool } from '../auth/fixture.js';
import { answerWith, routes, startHookServer, type HookServer } from './helpers.js';

let hook: HookServer;
let server: TestServer;
let p: AuthPool;

before(async () => {
  hook = await startHookServer((req) => answerWith(req, { emailSubject: req.event.triggerSource, emailMessage: `${req.event.triggerSource} for ${String((req.event.request.userAttributes as Record<string, string>).email)}: {####}` }));
  server = await startAuthServer({ triggerRoutes: routes({ '*': { type: 'webhook', url: hook.url } }) });
  p = await makeAuthPool(server.client, { AutoVerifiedAttributes: ['email'], LambdaConfig: { CustomMessage: 'arn:aws:lambda:us-east-1:000000000000:function:attr-message' } });
  await confirmedUser(server.client, p.poolId, 'changer', { email: 'old@example.com', email_verified: 'true' });
});
after(async () => {
  await server.cleanup();
  await hook.close();
});

test('a changed email gets its code in CustomMessage_UpdateUserAttribute\'s text; a requested one in _VerifyUserAttribute\'s', async () => {
  const { AccessToken } = await signIn(server.client, p.legacy, 'changer');
  hook.calls.length = 0;
  await server.client.send(
    new UpdateUserAttributesCommand({ AccessToken, UserAttributes: [{ Name: 'email', Value: 'new@example.com' }], ClientMetadata: { screen: 'profile' } }),
  );
  const update = hook.calls.at(-1)!.event;
  assert.equal(update.triggerSource, 'CustomMessage_UpdateUserAttribute');
  assert.equal(update.callerContext.clientId, p.legacy);
  assert.equal(update.userName, 'changer');
  assert.deepEqual(update.request.clientMetadata, { screen: 'profile' });
  assert.equal((update.request.userAttributes as Record<string, string>).email, 'new@example.com');
  const mail = await lastEmail(server, 'new@example.com');
  assert.equal(mail?.Subject, 'CustomMessage_UpdateUserAttribute');
  assert.match(mail!.Body.text_part, /^CustomMessage_UpdateUserAttribute for new@example\.com: \d{6}$/);

  await server.client.send(new GetUserAttributeVerificationCodeCommand({ AccessToken, AttributeName: 'email', ClientMetadata: { screen: 'verify' } }));
  const verify = hook.calls.at(-1)!.event;
  assert.equal(verify.triggerSource, 'CustomMessage_VerifyUserAttribute');
  assert.deepEqual(verify.request.clientMetadata, { screen: 'verify' });
  assert.match((await lastEmail(server, 'new@example.com'))!.Body.text_part, /^CustomMessage_VerifyUserAttribute for new@example\.com: \d{6}$/);
  // The code in the function's text verifies the address.
  await server.client.send(new VerifyUserAttributeCommand({ AccessToken, AttributeName: 'email', Code: await lastCode(server, 'new@example.com') }));
});
