// SMS through a test server speaking SNS's Publish API (query protocol) and through an HTTP
// webhook: the code in the received SMS finishes the reset. Refusals map to the Cognito
// exceptions the model lists.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CodeDeliveryFailureException,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  InvalidSmsRoleAccessPolicyException,
  InvalidSmsRoleTrustRelationshipException,
  SignUpCommand,
  type CognitoIdentityProviderClient,
  type CreateUserPoolRequest,
} from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig, type ServerConfig } from '../../src/config/config.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { passwordWorks } from '../reset/helpers.js';
import { codeIn, startSns, startSts, startWebhook, waitFor, type TestSns, type TestSts, type TestWebhook } from './helpers.js';

const SMS_CONFIGURATION = { SnsCallerArn: 'arn:aws:iam::123456789012:role/cognito-sms', ExternalId: 'userpool-test', SnsRegion: 'eu-west-1' };

function smsConfig(sms: Partial<ServerConfig['delivery']['sms']>): Partial<ServerConfig> {
  const d = defaultConfig().delivery;
  return { delivery: { ...d, retryBaseMs: 50, timeoutMs: 3000, sms: { ...d.sms, ...sms } } };
}

async function smsPool(client: CognitoIdentityProviderClient, extra: Partial<CreateUserPoolRequest> = {}): Promise<{ poolId: string; clientId: string }> {
  const pool = await client.send(
    new CreateUserPoolCommand({
      PoolName: 'sms',
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_phone_number', Priority: 1 }] },
      ...extra,
    }),
  );
  const poolId = pool.UserPool!.Id!;
  const app = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }));
  return { poolId, clientId: app.UserPoolClient!.ClientId! };
}

async function phoneUser(client: CognitoIdentityProviderClient, poolId: string, username: string, phone: string): Promise<void> {
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'phone_number', Value: phone },
        { Name: 'phone_number_verified', Value: 'true' },
      ],
    }),
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: 'Original-Pass1', Permanent: true }));
}

describe('SMS through SNS Publish', () => {
  let sns: TestSns;
  let server: TestServer;
  before(async () => {
    sns = await startSns();
    server = await startTestServer(smsConfig({ transport: 'sns', snsEndpoint: sns.endpoint, snsCredentials: { accessKeyId: 'AKIASNSTEST0000001', secretAccessKey: 'sns-test-secret' } }));
  });
  after(async () => {
    await server.cleanup();
    await sns.close();
  });

  test('the code in the published SMS finishes the reset', async () => {
    const { poolId, clientId } = await smsPool(server.client, { SmsConfiguration: SMS_CONFIGURATION, SmsVerificationMessage: 'Code {####} for {username}' });
    await phoneUser(server.client, poolId, 'ann', '+15555550101');
    const sent = await server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'ann' }));
    assert.deepEqual(sent.CodeDeliveryDetails, { Destination: '+*******0101', DeliveryMedium: 'SMS', AttributeName: 'phone_number' });
    const sms = await sns.smsTo('+15555550101');
    assert.match(sms.message, /^Code \d{6} for ann$/);
    assert.equal(sms.smsType, 'Transactional');
    assert.equal(sms.accessKeyId, 'AKIASNSTEST0000001', 'signed with the configured credentials');
    assert.equal(sms.region, 'eu-west-1', "the pool's SnsRegion");
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'ann', ConfirmationCode: codeIn(sms.message), Password: 'By-Sms-Pass1' }));
    assert.equal(await passwordWorks(server, poolId, 'ann', 'By-Sms-Pass1'), true);
    const [stored] = await server.app.services.store.messages.listMessages({ destination: '+15555550101' });
    assert.equal(stored!.status, 'sent');
    assert.equal(stored!.body, 'Code {####} for ann');
  });

  test('sign-up codes by SMS, with Cognito\'s default text', async () => {
    const { clientId } = await smsPool(server.client, { SmsConfiguration: SMS_CONFIGURATION, AutoVerifiedAttributes: ['phone_number'] });
    await server.client.send(
      new SignUpCommand({ ClientId: clientId, Username: 'bea', Password: 'Signup-Pass1!', UserAttributes: [{ Name: 'phone_number', Value: '+15555550102' }] }),
    );
    const sms = await sns.smsTo('+15555550102');
    assert.match(sms.message, /^Your verification code is \d{6}\. $/);
    await server.client.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: 'bea', ConfirmationCode: codeIn(sms.message) }));
  });

  test('a pool without SmsConfiguration: InvalidSmsRoleAccessPolicyException, nothing published', async () => {
    const { poolId, clientId } = await smsPool(server.client);
    await phoneUser(server.client, poolId, 'cid', '+15555550103');
    const before = sns.published.length;
    await assert.rejects(server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'cid' })), (err: unknown) => {
      assert.ok(err instanceof InvalidSmsRoleAccessPolicyException, String(err));
      assert.equal(err.message, 'The user pool is not allowed to publish SMS messages.');
      return true;
    });
    assert.equal(sns.published.length, before);
    const [stored] = await server.app.services.store.messages.listMessages({ destination: '+15555550103' });
    assert.equal(stored!.status, 'failed');
  });

  test('SNS refusals: AuthorizationError, InvalidClientTokenId, InvalidParameter', async () => {
    const { poolId, clientId } = await smsPool(server.client, { SmsConfiguration: SMS_CONFIGURATION });
    const cases: Array<[string, number, new (...a: never[]) => Error]> = [
      ['AuthorizationError', 403, InvalidSmsRoleAccessPolicyException],
      ['InvalidClientTokenId', 403, InvalidSmsRoleTrustRelationshipException],
      ['InvalidParameter', 400, CodeDeliveryFailureException],
    ];
    let n = 10;
    try {
      for (const [code, status, expected] of cases) {
        sns.failWith = { code, status };
        const phone = `+155555501${n++}`;
        await phoneUser(server.client, poolId, `u${n}`, phone);
        await assert.rejects(server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: `u${n}` })), (err: unknown) => {
          assert.ok(err instanceof expected, `${code}: expected ${expected.name}, got ${String(err)}`);
          return true;
        });
      }
    } finally {
      sns.failWith = undefined;
    }
  });
});

describe("SMS through SNS as the pool's role (STS AssumeRole)", () => {
  const SERVER_KEY = 'AKIASNSTEST0000002';
  const ROLE_A = 'arn:aws:iam::123456789012:role/pool-a-sms';
  const ROLE_B = 'arn:aws:iam::210987654321:role/pool-b-sms';
  let sns: TestSns;
  let sts: TestSts;
  let server: TestServer;
  before(async () => {
    sns = await startSns();
    sts = await startSts();
    sts.roles.set(ROLE_A, 'external-a');
    sts.roles.set(ROLE_B, '');
    server = await startTestServer(
      smsConfig({
        transport: 'sns',
        snsEndpoint: sns.endpoint,
        snsCredentials: { accessKeyId: SERVER_KEY, secretAccessKey: 'sns-test-secret' },
        snsAssumeRole: true,
        stsEndpoint: sts.endpoint,
      }),
    );
  });
  after(async () => {
    await server.cleanup();
    await sns.close();
    await sts.close();
  });

  test("each pool's SMS are published with its own role's temporary credentials; the code finishes the reset", async () => {
    const a = await smsPool(server.client, { SmsConfiguration: { SnsCallerArn: ROLE_A, ExternalId: 'external-a', SnsRegion: 'eu-west-1' } });
    const b = await smsPool(server.client, { SmsConfiguration: { SnsCallerArn: ROLE_B } });
    await phoneUser(server.client, a.poolId, 'gil', '+15555550301');
    await phoneUser(server.client, b.poolId, 'hoa', '+15555550302');

    await server.client.send(new ForgotPasswordCommand({ ClientId: a.clientId, Username: 'gil' }));
    const sms = await sns.smsTo('+15555550301');
    assert.equal(sms.accessKeyId, sts.keyOf(ROLE_A), "signed with role A's credentials, not the server's");
    assert.match(sms.sessionToken ?? '', /^role-session-token-\d+$/);
    assert.equal(sms.region, 'eu-west-1');
    const [call] = sts.calls;
    assert.deepEqual(call, {
      roleArn: ROLE_A,
      externalId: 'external-a',
      sessionName: `userpool-${a.poolId}`,
      durationSeconds: '900',
      accessKeyId: SERVER_KEY,
      region: 'eu-west-1',
    });
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: a.clientId, Username: 'gil', ConfirmationCode: codeIn(sms.message), Password: 'By-Role-Pass1' }));
    assert.equal(await passwordWorks(server, a.poolId, 'gil', 'By-Role-Pass1'), true);

    await server.client.send(new ForgotPasswordCommand({ ClientId: b.clientId, Username: 'hoa' }));
    const other = await sns.smsTo('+15555550302');
    assert.equal(other.accessKeyId, sts.keyOf(ROLE_B), "pool B's own role");
    assert.equal(sts.calls.at(-1)!.externalId, undefined, 'no ExternalId when the pool names none');
    assert.equal(other.region, 'us-east-1', "the server's region when the pool names no SnsRegion");

    // The role's session is reused while it is valid: no second AssumeRole.
    const calls = sts.calls.length;
    await server.client.send(new ForgotPasswordCommand({ ClientId: a.clientId, Username: 'gil' }));
    await waitFor(() => sns.published.filter((p) => p.phoneNumber === '+15555550301').length === 2, 5000, 'the second SMS');
    assert.equal(sts.calls.length, calls);
  });

  test('a role that does not trust us (wrong ExternalId, unknown role): InvalidSmsRoleTrustRelationshipException, nothing published', async () => {
    for (const [i, config] of [
      { SnsCallerArn: ROLE_A, ExternalId: 'not-the-one' },
      { SnsCallerArn: 'arn:aws:iam::123456789012:role/nobody-trusts-us' },
    ].entries()) {
      const { poolId, clientId } = await smsPool(server.client, { SmsConfiguration: config });
      const phone = `+1555555031${i}`;
      await phoneUser(server.client, poolId, `ivy${i}`, phone);
      const before = sts.calls.length;
      await assert.rejects(server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: `ivy${i}` })), (err: unknown) => {
        assert.ok(err instanceof InvalidSmsRoleTrustRelationshipException, String(err));
        return true;
      });
      assert.equal(sts.calls.length, before + 1, 'the role was asked for');
      assert.equal(sns.published.filter((p) => p.phoneNumber === phone).length, 0);
      const [stored] = await server.app.services.store.messages.listMessages({ destination: phone });
      assert.equal(stored!.status, 'failed', 'the caller was told: never sent later');
    }
  });

  test("a role that may not publish: InvalidSmsRoleAccessPolicyException", async () => {
    const { poolId, clientId } = await smsPool(server.client, { SmsConfiguration: { SnsCallerArn: ROLE_B } });
    await phoneUser(server.client, poolId, 'jan', '+15555550320');
    sns.failWith = { code: 'AuthorizationError', status: 403 };
    try {
      await assert.rejects(server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'jan' })), InvalidSmsRoleAccessPolicyException);
    } finally {
      sns.failWith = undefined;
    }
  });
});

describe('SMS through a webhook', () => {
  let hook: TestWebhook;
  let server: TestServer;
  before(async () => {
    hook = await startWebhook();
    server = await startTestServer(smsConfig({ webhookUrl: hook.url, webhookToken: 'hook-token-123', transport: 'webhook' }));
  });
  after(async () => {
    await server.cleanup();
    await hook.close();
  });

  test('the code POSTed to the gateway finishes the reset; no SmsConfiguration needed', async () => {
    const { poolId, clientId } = await smsPool(server.client);
    await phoneUser(server.client, poolId, 'dan', '+15555550201');
    await server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'dan' }));
    const call = await hook.smsTo('+15555550201');
    assert.equal(call.authorization, 'Bearer hook-token-123');
    assert.equal(call.body.poolId, poolId);
    assert.equal(call.idempotencyKey, call.body.messageId);
    assert.match(call.body.text, /^Your verification code is \d{6}\. $/);
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'dan', ConfirmationCode: codeIn(call.body.text), Password: 'By-Hook-Pass1' }));
    assert.equal(await passwordWorks(server, poolId, 'dan', 'By-Hook-Pass1'), true);
  });

  test('a gateway answering 503, then 200: retried and sent once', async () => {
    const { poolId, clientId } = await smsPool(server.client);
    await phoneUser(server.client, poolId, 'eda', '+15555550202');
    hook.status = 503;
    const before = hook.calls.length;
    await server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'eda' }));
    assert.equal(hook.calls.length, before + 1);
    hook.status = 200;
    await waitFor(async () => (await server.app.services.store.messages.listMessages({ destination: '+15555550202' }))[0]!.status === 'sent', 5000, 'the retry');
    assert.equal(hook.calls.filter((c) => c.body.destination === '+15555550202').length, 2);
  });

  test('a gateway answering 401 or 422: the trust exception, then CodeDeliveryFailureException', async () => {
    const { poolId, clientId } = await smsPool(server.client);
    await phoneUser(server.client, poolId, 'fox', '+15555550203');
    try {
      hook.status = 401;
      await assert.rejects(server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'fox' })), InvalidSmsRoleTrustRelationshipException);
      hook.status = 422;
      await assert.rejects(server.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'fox' })), (err: unknown) => {
        assert.ok(err instanceof CodeDeliveryFailureException);
        assert.equal(err.message, 'Invalid phone number provided/Unable to send the SMS');
        return true;
      });
    } finally {
      hook.status = 200;
    }
  });
});
