// SigV4 with access keys configured: the real SDK signs, the server verifies. And the start-up
// refusal to expose admin operations on a non-loopback address without keys.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  CreateUserPoolClientCommand,
  CognitoIdentityProviderServiceException,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-cognito-identity-provider';
import { rawCall, sdkClient, startTestServer, TEST_CREDENTIALS, type TestServer } from './helpers/server.js';
import { FAST_ARGON2 } from './helpers/users.js';
import { ConfigError, loadConfig } from '../src/config/config.js';

const T = 'AWSCognitoIdentityProviderService.';
const OTHER = { accessKeyId: 'AKIAOTHEROTHER000002', secretAccessKey: 'other-secret-key-00000000000000' };

let server: TestServer;
before(async () => {
  server = await startTestServer({
    accessKeys: new Map([
      [TEST_CREDENTIALS.accessKeyId, TEST_CREDENTIALS.secretAccessKey],
      [OTHER.accessKeyId, OTHER.secretAccessKey],
    ]),
  }, { argon2: FAST_ARGON2 });
});
after(async () => {
  await server.cleanup();
});

/** Asserts the SDK raised the named service error, with the status Cognito would send. */
function serviceError(name: string, message?: string) {
  return (err: unknown): boolean => {
    assert.ok(err instanceof CognitoIdentityProviderServiceException, String(err));
    assert.equal(err.name, name);
    if (message !== undefined) assert.equal(err.message, message);
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  };
}

describe('with access keys', () => {
  test('the SDK with a configured key pair succeeds', async () => {
    const created = await server.client.send(new CreateUserPoolCommand({ PoolName: 'signed' }));
    const described = await server.client.send(new DescribeUserPoolCommand({ UserPoolId: created.UserPool!.Id! }));
    assert.equal(described.UserPool!.Name, 'signed');
  });

  test('every configured key pair is accepted', async () => {
    const other = sdkClient(server.url, OTHER);
    try {
      const created = await other.send(new CreateUserPoolCommand({ PoolName: 'signed-by-other' }));
      const described = await server.client.send(new DescribeUserPoolCommand({ UserPoolId: created.UserPool!.Id! }));
      assert.equal(described.UserPool!.Name, 'signed-by-other');
    } finally {
      other.destroy();
    }
  });

  test('a wrong secret is InvalidSignatureException', async () => {
    const wrong = sdkClient(server.url, { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-right-secret-000000000000' });
    try {
      await assert.rejects(
        wrong.send(new CreateUserPoolCommand({ PoolName: 'forged' })),
        serviceError(
          'InvalidSignatureException',
          'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
        ),
      );
    } finally {
      wrong.destroy();
    }
  });

  test('an unknown access key is UnrecognizedClientException', async () => {
    const unknown = sdkClient(server.url, { accessKeyId: 'AKIAUNKNOWNUNKNOWN99', secretAccessKey: TEST_CREDENTIALS.secretAccessKey });
    try {
      await assert.rejects(
        unknown.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_abc' })),
        serviceError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      );
    } finally {
      unknown.destroy();
    }
  });

  test('a rejected call changes nothing', async () => {
    const wrong = sdkClient(server.url, { accessKeyId: TEST_CREDENTIALS.accessKeyId, secretAccessKey: 'not-the-right-secret-000000000000' });
    try {
      await assert.rejects(wrong.send(new CreateUserPoolCommand({ PoolName: 'must-not-exist' })));
    } finally {
      wrong.destroy();
    }
    const pools = await server.app.services.store.pools.listPools(60);
    assert.ok(!pools.some((p) => p.name === 'must-not-exist'));
  });

  test('no Authorization is MissingAuthenticationTokenException', async () => {
    const res = await rawCall(server.url, T + 'DescribeUserPool', JSON.stringify({ UserPoolId: 'us-east-1_abc' }));
    assert.equal(res.status, 400);
    assert.equal((res.json as { __type: string }).__type, 'MissingAuthenticationTokenException');
  });

  test('a well-formed header with a made-up signature is refused', async () => {
    const forge = (amzDate: string) => ({
      authorization: `AWS4-HMAC-SHA256 Credential=${TEST_CREDENTIALS.accessKeyId}/${amzDate.slice(0, 8)}/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'ab'.repeat(32)}`,
      'x-amz-date': amzDate,
    });
    const body = JSON.stringify({ UserPoolId: 'us-east-1_abc' });
    const now = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const current = await rawCall(server.url, T + 'DescribeUserPool', body, forge(now));
    assert.equal(current.status, 400);
    assert.equal((current.json as { __type: string }).__type, 'InvalidSignatureException');
    assert.match((current.json as { message: string }).message, /^The request signature we calculated does not match/);
    const stale = await rawCall(server.url, T + 'DescribeUserPool', body, forge('20240101T000000Z'));
    assert.equal((stale.json as { __type: string }).__type, 'InvalidSignatureException');
    assert.match((stale.json as { message: string }).message, /^Signature expired: 20240101T000000Z is now earlier than/);
  });

  test('unauthenticated operations need no credentials at all', async () => {
    // Credentials that fail when asked: the SDK must not even try to sign ForgotPassword.
    const anonymous = new CognitoIdentityProviderClient({
      endpoint: server.url,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: async () => {
        throw new Error('credentials were requested for an unauthenticated operation');
      },
    });
    try {
      // A real journey start: the pool, client and user are made with signed admin calls.
      const pool = await server.client.send(new CreateUserPoolCommand({ PoolName: 'anonymous', AutoVerifiedAttributes: ['email'] }));
      const poolId = pool.UserPool!.Id!;
      const client = await server.client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }));
      await server.client.send(
        new AdminCreateUserCommand({
          UserPoolId: poolId,
          Username: 'frank',
          UserAttributes: [{ Name: 'email', Value: 'frank@example.com' }, { Name: 'email_verified', Value: 'true' }],
          MessageAction: 'SUPPRESS',
        }),
      );
      await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'frank', Password: 'Frank-Passw0rd!', Permanent: true }));
      const started = await anonymous.send(new ForgotPasswordCommand({ ClientId: client.UserPoolClient!.ClientId!, Username: 'frank' }));
      assert.equal(started.CodeDeliveryDetails?.DeliveryMedium, 'EMAIL');

      await assert.rejects(
        anonymous.send(new ForgotPasswordCommand({ ClientId: 'nosuchclient0000000000000a', Username: 'someone' })),
        (err: unknown) => err instanceof ResourceNotFoundException && err.message === 'User pool client nosuchclient0000000000000a does not exist.',
      );
    } finally {
      anonymous.destroy();
    }
  });

  test('an unauthenticated operation ignores a signature it cannot verify', async () => {
    const res = await rawCall(server.url, T + 'ForgotPassword', JSON.stringify({ ClientId: 'nosuchclient0000000000000a', Username: 'someone' }), {
      authorization: `AWS4-HMAC-SHA256 Credential=AKIAUNKNOWNUNKNOWN99/20240101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
    });
    assert.equal((res.json as { __type: string }).__type, 'ResourceNotFoundException', res.text);
  });
});

describe('loopback refusal', () => {
  test('a non-loopback host without access keys is refused, naming --host', () => {
    assert.throws(
      () => loadConfig({ '--host': '0.0.0.0' }, {}),
      (err: unknown) => err instanceof ConfigError && /^--host 0\.0\.0\.0 is not a loopback address/.test(err.message) && err.message.includes('--access-keys'),
    );
    assert.throws(() => loadConfig({}, { USERPOOL_HOST: '192.168.1.10' }), ConfigError);
  });

  test('--allow-unauthenticated-admin lets it start', () => {
    const config = loadConfig({ '--host': '0.0.0.0', '--allow-unauthenticated-admin': 'true' }, {});
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.allowUnauthenticatedAdmin, true);
  });

  test('access keys let it start', () => {
    const config = loadConfig({ '--host': '0.0.0.0' }, { USERPOOL_ACCESS_KEYS: `${TEST_CREDENTIALS.accessKeyId}:${TEST_CREDENTIALS.secretAccessKey}` });
    assert.equal(config.accessKeys.get(TEST_CREDENTIALS.accessKeyId), TEST_CREDENTIALS.secretAccessKey);
  });

  test('loopback addresses need nothing', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) assert.equal(loadConfig({ '--host': host }, {}).host, host);
  });
});
