// CustomEmailSender / CustomSMSSender: the code (or temporary password) reaches the pool's
// function encrypted, as a JWE a module handler opens with jose and the key
// `userpool keys sender-key` prints; the real code then completes the flow, and our own
// transport sends nothing. The SMS sender through a webhook.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { compactDecrypt, decodeProtectedHeader } from 'jose';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  SignUpCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { startTestServer } from '../helpers/server.js';
import { runCli } from '../helpers/cli.js';
import { FAST_ARGON2 } from '../helpers/users.js';
import { emailCount, makeUser, passwordWorks } from '../reset/helpers.js';
import { lastSms, moduleDir, routes, startHookServer, wholeStore, type HookServer } from './helpers.js';
import type { TriggerEvent } from '../../src/triggers/events.js';

const EMAIL_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:mod-email-sender';
const SMS_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:hook-sms-sender';
const KMS = 'arn:aws:kms:us-east-1:000000000000:key/1111aaaa-22bb-33cc-44dd-555555eeeeee';
const handlers = moduleDir();
const keyFile = join(handlers.dir, 'sender.key');
let hook: HookServer;
let server: TestServer;
let poolId: string;
let clientId: string;
let smsPoolId: string;
let smsClientId: string;

// The handler a pool owner would write: decrypt request.code with the key, "send" it (here:
// write it where the test can read it, with the event).
handlers.write(
  'sender.mjs',
  `import { readFileSync, writeFileSync } from 'node:fs';
   const { compactDecrypt, base64url } = await import(process.env.JOSE_URL);
   export async function handler(event) {
     const keys = Object.fromEntries(readFileSync(process.env.KEY_FILE, 'utf8').trim().split('\\n').map((l) => l.split(' ')));
     const kid = JSON.parse(Buffer.from(event.request.code.split('.')[0], 'base64url')).kid;
     const { plaintext } = await compactDecrypt(event.request.code, base64url.decode(keys[kid]));
     writeFileSync(process.env.OUT_DIR + '/' + event.triggerSource + '.json', JSON.stringify({ event, code: new TextDecoder().decode(plaintext) }));
     return event;
   }`,
);

before(async () => {
  hook = await startHookServer();
  server = await startTestServer(
    {
      dev: true,
      triggerRoutes: routes({
        [EMAIL_ARN]: { type: 'module', path: join(handlers.dir, 'sender.mjs'), env: { KEY_FILE: keyFile, OUT_DIR: handlers.dir, JOSE_URL: import.meta.resolve('jose') } },
        [SMS_ARN]: { type: 'webhook', url: hook.url },
      }),
    },
    { argon2: FAST_ARGON2 },
  );
  const pool = await server.client.send(
    new CreateUserPoolCommand({
      PoolName: 'senders',
      AutoVerifiedAttributes: ['email'],
      LambdaConfig: { CustomEmailSender: { LambdaVersion: 'V1_0', LambdaArn: EMAIL_ARN }, KMSKeyID: KMS },
    }),
  );
  poolId = pool.UserPool!.Id!;
  clientId = (await server.client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
  const cli = await runCli(['keys', 'sender-key', poolId, '--data-dir', server.dataDir]);
  assert.equal(cli.code, 0, cli.stderr);
  assert.match(cli.stdout, /^\S+ [A-Za-z0-9_-]{43}\n$/);
  handlers.write('sender.key', cli.stdout);

  const smsPool = await server.client.send(
    new CreateUserPoolCommand({
      PoolName: 'sms-sender',
      LambdaConfig: { CustomSMSSender: { LambdaVersion: 'V1_0', LambdaArn: SMS_ARN }, KMSKeyID: KMS },
    }),
  );
  smsPoolId = smsPool.UserPool!.Id!;
  smsClientId = (await server.client.send(new CreateUserPoolClientCommand({ UserPoolId: smsPoolId, ClientName: 'app' }))).UserPoolClient!.ClientId!;
});
after(async () => {
  await server.cleanup();
  await hook.close();
  handlers.remove();
});

/** What the handler recorded for `source`, once it has run (the invocation is asynchronous). */
async function delivered(source: string): Promise<{ event: TriggerEvent; code: string }> {
  const file = join(handlers.dir, `${source}.json`);
  for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
  const out = JSON.parse(readFileSync(file, 'utf8')) as { event: TriggerEvent; code: string };
  rmSync(file);
  return out;
}

test('ForgotPassword: CustomEmailSender_ForgotPassword gets the code as a JWE; decrypted, it completes the reset', async () => {
  await makeUser(server.client, poolId, 'erin', 'erin@example.com');
  const out = await server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'erin', ClientMetadata: { locale: 'fr-FR' } }));
  assert.equal(out.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');
  const { event, code } = await delivered('CustomEmailSender_ForgotPassword');
  const attrs = event.request.userAttributes as Record<string, string>;
  assert.deepEqual(event, {
    version: '1',
    triggerSource: 'CustomEmailSender_ForgotPassword',
    region: 'us-east-1',
    userPoolId: poolId,
    userName: 'erin',
    callerContext: { awsSdkVersion: event.callerContext.awsSdkVersion, clientId },
    request: {
      userAttributes: { sub: attrs.sub, email: 'erin@example.com', email_verified: 'true', 'cognito:user_status': 'CONFIRMED' },
      type: 'customEmailSenderRequestV1',
      code: event.request.code,
      clientMetadata: { locale: 'fr-FR' },
    },
    response: {},
  });
  assert.match(code, /^\d{6}$/);
  const jwe = event.request.code as string;
  assert.equal(jwe.split('.').length, 5);
  assert.ok(!jwe.includes(code));
  assert.deepEqual(Object.keys(decodeProtectedHeader(jwe)).sort(), ['alg', 'cty', 'enc', 'kid']);
  // Our own transport sent nothing; the code is in no row of the store.
  assert.equal(await emailCount(server, 'erin@example.com'), 0);
  assert.ok(!(await wholeStore(server)).includes(jwe));

  await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'erin', ConfirmationCode: code, Password: 'Sender-Reset-1' }));
  assert.ok(await passwordWorks(server, poolId, 'erin', 'Sender-Reset-1'));
});

test('SignUp and AdminCreateUser: the confirmation code and the temporary password go to the sender', async () => {
  await server.client.send(
    new SignUpCommand({ ClientId: clientId, Username: 'fred', Password: 'Sign-Up-Pass1', UserAttributes: [{ Name: 'email', Value: 'fred@example.com' }] }),
  );
  const signUp = await delivered('CustomEmailSender_SignUp');
  assert.equal((signUp.event.request.userAttributes as Record<string, string>)['cognito:user_status'], 'UNCONFIRMED');
  await server.client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'fred', ConfirmationCode: signUp.code }));

  await server.client.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'gina', UserAttributes: [{ Name: 'email', Value: 'gina@example.com' }], DesiredDeliveryMediums: ['EMAIL'] }),
  );
  const invite = await delivered('CustomEmailSender_AdminCreateUser');
  assert.equal(invite.event.callerContext.clientId, 'CLIENT_ID_NOT_APPLICABLE');
  const start = await server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'gina', PASSWORD: invite.code } }));
  assert.equal(start.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  assert.equal(await emailCount(server, 'fred@example.com'), 0);
  assert.equal(await emailCount(server, 'gina@example.com'), 0);
});

test('CustomSMSSender through a webhook: customSMSSenderRequestV1, nothing in our SMS outbox', async () => {
  await server.client.send(
    new AdminCreateUserCommand({
      UserPoolId: smsPoolId,
      Username: 'hal',
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'phone_number', Value: '+15555550123' },
        { Name: 'phone_number_verified', Value: 'true' },
      ],
    }),
  );
  await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: smsPoolId, Username: 'hal', Password: 'Hal-Pass-123', Permanent: true }));
  hook.calls.length = 0;
  await server.client.send(new ForgotPasswordCommand({ ClientId: smsClientId, Username: 'hal' }));
  for (let i = 0; i < 100 && hook.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
  const event = hook.calls[0]!.event;
  assert.equal(event.triggerSource, 'CustomSMSSender_ForgotPassword');
  assert.equal(event.request.type, 'customSMSSenderRequestV1');
  const key = readFileSync(keyFile, 'utf8'); // another pool: another key
  const cli = await runCli(['keys', 'sender-key', smsPoolId, '--data-dir', server.dataDir]);
  assert.notEqual(cli.stdout, key);
  const { plaintext } = await compactDecrypt(event.request.code as string, Buffer.from(cli.stdout.trim().split(' ')[1]!, 'base64url'));
  assert.match(new TextDecoder().decode(plaintext), /^\d{6}$/);
  assert.equal(await lastSms(server, '+15555550123'), undefined);
});
