// The AWS JSON 1.1 edge over raw HTTP: framing, routing, authorization and the error format,
// including requests no SDK would ever send.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  CognitoIdentityProviderServiceException,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  InvalidParameterException,
  CreateIdentityProviderCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { rawCall, startTestServer, type TestServer } from './helpers/server.js';
import { operationFacts } from '../src/protocol/validate.js';
import { operations } from '../src/operations/registry.js';

const T = 'AWSCognitoIdentityProviderService.';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const JSON_11 = 'application/x-amz-json-1.1';
/** Without access keys any well-formed SigV4 header is accepted (local development mode). */
const DEV_AUTH = {
  authorization:
    'AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST0001/20240101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host;x-amz-date, Signature=' +
    'ab'.repeat(32),
};
/** An operation of the model that no task implements soon (user import jobs need S3). */
const UNIMPLEMENTED = 'CreateIdentityProvider';

type Raw = Awaited<ReturnType<typeof rawCall>>;

/** Asserts the complete Cognito error shape: status, body, headers and content type. */
function assertError(res: Raw, type: string, message?: string | RegExp, status = 400): void {
  assert.equal(res.status, status, `status for ${res.text}`);
  const body = res.json as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['__type', 'message'], `body keys of ${res.text}`);
  assert.equal(body.__type, type);
  assert.equal(typeof body.message, 'string');
  if (typeof message === 'string') assert.equal(body.message, message);
  else if (message) assert.match(body.message as string, message);
  assert.equal(res.headers.get('x-amzn-errortype'), `${type}:`);
  assert.equal(res.headers.get('x-amzn-errormessage'), body.message);
  assert.equal(res.headers.get('content-type'), JSON_11);
  assert.match(res.headers.get('x-amzn-requestid') ?? '', UUID);
}

/** No stack frame, source path or Node error prefix may reach a caller. */
function assertNoInternals(text: string): void {
  assert.doesNotMatch(text, /\bat \S+ \(|\.ts\b|\.js\b|node_modules|\/src\/|file:\/\/|\bError:|TypeError|SqliteError/, text);
}

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.cleanup();
});

describe('framing', () => {
  test('a successful call answers 200 in x-amz-json-1.1 with a request id', async () => {
    const res = await rawCall(server.url, T + 'CreateUserPool', JSON.stringify({ PoolName: 'raw' }), DEV_AUTH);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), JSON_11);
    assert.match(res.headers.get('x-amzn-requestid') ?? '', UUID);
    assert.equal((res.json as { UserPool: { Name: string } }).UserPool.Name, 'raw');
  });

  test('every response carries its own x-amzn-RequestId', async () => {
    const responses = [
      await rawCall(server.url, T + 'CreateUserPool', JSON.stringify({ PoolName: 'ids' }), DEV_AUTH),
      await rawCall(server.url, T + 'DescribeUserPool', '{', DEV_AUTH),
      await rawCall(server.url, undefined, '{}'),
      await fetch(server.url + '/nowhere'),
      await fetch(server.url, { method: 'OPTIONS' }),
    ];
    const ids = responses.map((r) => r.headers.get('x-amzn-requestid') ?? '');
    for (const id of ids) assert.match(id, UUID);
    assert.equal(new Set(ids).size, ids.length, 'request ids are unique');
  });

  test('malformed JSON is a SerializationException', async () => {
    const res = await rawCall(server.url, T + 'DescribeUserPool', '{"UserPoolId": "us-east-1_abc"', DEV_AUTH);
    assertError(res, 'SerializationException', 'The request body is not valid JSON');
  });

  test('a wrong content type is a SerializationException', async () => {
    const res = await rawCall(server.url, T + 'DescribeUserPool', '{}', { ...DEV_AUTH, 'content-type': 'text/plain' });
    assertError(res, 'SerializationException', "Content-Type must be application/x-amz-json-1.1, got 'text/plain'");
  });

  test('a missing content type is a SerializationException', async () => {
    const res = await fetch(server.url, {
      method: 'POST',
      headers: { 'x-amz-target': T + 'DescribeUserPool', ...DEV_AUTH },
      body: new Uint8Array(Buffer.from('{}')),
    });
    const text = await res.text();
    assertError({ status: res.status, headers: res.headers, json: JSON.parse(text), text }, 'SerializationException', "Content-Type must be application/x-amz-json-1.1, got '(none)'");
  });

  test('the content type may carry parameters', async () => {
    const res = await rawCall(server.url, T + 'CreateUserPool', JSON.stringify({ PoolName: 'charset' }), {
      ...DEV_AUTH,
      'content-type': 'application/x-amz-json-1.1; charset=utf-8',
    });
    assert.equal(res.status, 200);
  });

  test('a body larger than 64 KiB is refused with 400, never 413 or 500', async () => {
    const res = await rawCall(server.url, T + 'CreateUserPool', JSON.stringify({ PoolName: 'big', Padding: 'x'.repeat(70 * 1024) }), DEV_AUTH);
    assertError(res, 'SerializationException', 'The request body is larger than the server accepts');
  });

  test('a body just under the limit is read', async () => {
    const body = JSON.stringify({ PoolName: 'almost', Padding: '' });
    const padded = body.replace('"Padding":""', `"Padding":"${'x'.repeat(64 * 1024 - body.length)}"`);
    assert.equal(Buffer.byteLength(padded), 64 * 1024);
    const res = await rawCall(server.url, T + 'CreateUserPool', padded, DEV_AUTH);
    assert.equal(res.status, 200, res.text);
  });

  test('a JSON array or number as the body is an InvalidParameterException', async () => {
    for (const body of ['[]', '[{"UserPoolId":"us-east-1_abc"}]', '42', '"text"', 'null', 'true']) {
      const res = await rawCall(server.url, T + 'DescribeUserPool', body, DEV_AUTH);
      assertError(res, 'InvalidParameterException', '1 validation error detected: Request body failed to satisfy constraint: Must be a JSON object');
    }
  });

  test('deeply nested JSON is refused with 400 before it is parsed', async () => {
    const deep = (n: number): string => '['.repeat(n) + ']'.repeat(n);
    // Nested inside a member the operation ignores, so only the depth guard can refuse it.
    const tooDeep = await rawCall(server.url, T + 'DescribeUserPool', `{"UserPoolId":"us-east-1_abc","X":${deep(30_000)}}`, DEV_AUTH);
    assertError(tooDeep, 'SerializationException', 'The request body nests objects or arrays deeper than 64 levels');
    const objects = await rawCall(server.url, T + 'DescribeUserPool', '{"a":'.repeat(65) + '1' + '}'.repeat(65), DEV_AUTH);
    assertError(objects, 'SerializationException', /deeper than 64 levels/);
    // 63 levels inside the body object is 64 in all: accepted, and the pool lookup answers.
    const atLimit = await rawCall(server.url, T + 'DescribeUserPool', `{"UserPoolId":"us-east-1_abc","X":${deep(63)}}`, DEV_AUTH);
    assertError(atLimit, 'ResourceNotFoundException', 'User pool us-east-1_abc does not exist.');
    // Brackets inside strings are text, not nesting.
    const inString = await rawCall(server.url, T + 'DescribeUserPool', JSON.stringify({ UserPoolId: 'us-east-1_abc', X: '['.repeat(500) + '\\"[' }), DEV_AUTH);
    assertError(inString, 'ResourceNotFoundException');
  });
});

describe('routing', () => {
  test('a missing X-Amz-Target is an UnknownOperationException', async () => {
    assertError(await rawCall(server.url, undefined, '{}', DEV_AUTH), 'UnknownOperationException', 'Missing X-Amz-Target header');
  });

  test('another service prefix is an UnknownOperationException', async () => {
    for (const target of ['AWSCognitoIdentityService.DescribeUserPool', 'DynamoDB_20120810.ListTables', 'DescribeUserPool']) {
      const res = await rawCall(server.url, target, '{}', DEV_AUTH);
      assertError(res, 'UnknownOperationException', /^Unknown target service in X-Amz-Target/);
    }
  });

  test('an operation the model does not have is an UnknownOperationException', async () => {
    const res = await rawCall(server.url, T + 'DescribeEverything', '{}', DEV_AUTH);
    assertError(res, 'UnknownOperationException', 'Unknown operation DescribeEverything');
  });

  test('the unknown name is not echoed as given', async () => {
    const res = await rawCall(server.url, T + '<script>alert(1)</script>' + 'A'.repeat(500), '{}', DEV_AUTH);
    assertError(res, 'UnknownOperationException');
    const message = (res.json as { message: string }).message;
    assert.doesNotMatch(message, /[<>()]/);
    assert.ok(message.length < 100, message);
  });

  test('a model operation userpool does not implement is an UnknownOperationException', async () => {
    assert.ok(operationFacts(UNIMPLEMENTED), `${UNIMPLEMENTED} is in the model`);
    assert.equal(operations[UNIMPLEMENTED], undefined);
    const res = await rawCall(server.url, T + UNIMPLEMENTED, JSON.stringify({ UserPoolId: 'us-east-1_abc', ProviderName: 'corp', ProviderType: 'OIDC', ProviderDetails: {} }), DEV_AUTH);
    assertError(res, 'UnknownOperationException', `userpool does not implement ${UNIMPLEMENTED} yet`);
  });

  test('other paths and methods answer 404 in the same error shape', async () => {
    const res = await fetch(server.url + '/nowhere', { method: 'POST', body: '{}' });
    const text = await res.text();
    assert.equal(res.status, 404);
    assert.deepEqual(JSON.parse(text), { __type: 'UnknownOperationException', message: 'No route for POST /nowhere' });
    assert.equal(res.headers.get('x-amzn-errortype'), 'UnknownOperationException:');
  });
});

describe('authorization', () => {
  test('an admin operation without Authorization is MissingAuthenticationTokenException', async () => {
    const res = await rawCall(server.url, T + 'DescribeUserPool', JSON.stringify({ UserPoolId: 'us-east-1_abc' }));
    assertError(res, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
  });

  test('an admin operation with a garbage Authorization is IncompleteSignatureException', async () => {
    for (const authorization of ['Bearer abc', 'AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256 Credential=x, Signature=y']) {
      const res = await rawCall(server.url, T + 'DescribeUserPool', JSON.stringify({ UserPoolId: 'us-east-1_abc' }), { authorization });
      assertError(res, 'IncompleteSignatureException');
    }
  });

  test('authorization is checked before the body is looked at', async () => {
    const res = await rawCall(server.url, T + 'DescribeUserPool', '{not json');
    assertError(res, 'MissingAuthenticationTokenException');
  });

  test('an unauthenticated operation needs no signature', async () => {
    assert.equal(operationFacts('ForgotPassword')?.unauthenticated, true);
    assert.equal(operationFacts('DescribeUserPool')?.unauthenticated, false);
    const body = JSON.stringify({ ClientId: 'nosuchclient0000000000000a', Username: 'someone' });
    for (const headers of [{}, { authorization: 'garbage' }] as Record<string, string>[]) {
      // Past authorization, the request reaches the operation, which looks the client up.
      const res = await rawCall(server.url, T + 'ForgotPassword', body, headers);
      assertError(res, 'ResourceNotFoundException', 'User pool client nosuchclient0000000000000a does not exist.');
    }
  });
});

describe('validation errors', () => {
  test('come in the AWS format', async () => {
    const res = await rawCall(server.url, T + 'DescribeUserPool', '{}', DEV_AUTH);
    assertError(res, 'InvalidParameterException', "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null");
  });

  test('run before the lookup and echo non-sensitive values', async () => {
    const res = await rawCall(server.url, T + 'DescribeUserPool', JSON.stringify({ UserPoolId: 'no-underscore' }), DEV_AUTH);
    assertError(res, 'InvalidParameterException', /^1 validation error detected: Value 'no-underscore' at 'userPoolId' failed to satisfy constraint: Member must satisfy regular expression pattern: /);
  });

  test('never echo sensitive values', async () => {
    const password = 'hunter2 with spaces';
    const username = 'bob smith';
    const res = await rawCall(server.url, T + 'AdminSetUserPassword', JSON.stringify({ UserPoolId: 'us-east-1_abc', Username: username, Password: password }), DEV_AUTH);
    assertError(res, 'InvalidParameterException', /^2 validation errors detected: Value at 'username' failed to satisfy constraint: .*; Value at 'password' failed to satisfy constraint: /);
    assert.ok(!res.text.includes('hunter2'), res.text);
    assert.ok(!res.text.includes(username), res.text);
    assert.ok(!(res.headers.get('x-amzn-errormessage') ?? '').includes('hunter2'));
  });

  test('are parsed by the SDK into its own exception class', async () => {
    await assert.rejects(
      server.client.send(new DescribeUserPoolCommand({} as never)),
      (err: unknown) => {
        assert.ok(err instanceof InvalidParameterException, String(err));
        assert.equal(err.message, "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null");
        assert.equal(err.$metadata.httpStatusCode, 400);
        assert.match(err.$metadata.requestId ?? '', UUID);
        return true;
      },
    );
  });

  test('protocol errors reach the SDK by name', async () => {
    await assert.rejects(
      server.client.send(new CreateIdentityProviderCommand({ UserPoolId: 'us-east-1_abc', ProviderName: 'corp', ProviderType: 'OIDC', ProviderDetails: {} })),
      (err: unknown) => {
        assert.ok(err instanceof CognitoIdentityProviderServiceException, String(err));
        assert.equal(err.name, 'UnknownOperationException');
        assert.equal(err.message, `userpool does not implement ${UNIMPLEMENTED} yet`);
        return true;
      },
    );
  });
});

describe('CORS', () => {
  test('any origin may call and read the x-amzn headers, on success and on error', async () => {
    const origin = { origin: 'https://app.example.com' };
    const ok = await rawCall(server.url, T + 'CreateUserPool', JSON.stringify({ PoolName: 'cors' }), { ...DEV_AUTH, ...origin });
    const bad = await rawCall(server.url, T + 'DescribeUserPool', '{}', origin);
    for (const res of [ok, bad]) {
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      const exposed = (res.headers.get('access-control-expose-headers') ?? '').split(',').map((h) => h.trim().toLowerCase());
      for (const h of ['x-amzn-requestid', 'x-amzn-errortype', 'x-amzn-errormessage']) assert.ok(exposed.includes(h), `${h} exposed`);
    }
  });

  test('the preflight is answered 204 with the allowed methods and headers', async () => {
    const res = await fetch(server.url, {
      method: 'OPTIONS',
      headers: {
        origin: 'https://app.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type,x-amz-target,x-amz-user-agent,authorization',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.match(res.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of ['content-type', 'x-amz-target', 'x-amz-user-agent', 'authorization']) assert.ok(allowed.includes(h), `${h} allowed`);
    assert.match(res.headers.get('x-amzn-requestid') ?? '', UUID);
  });

  test('a preflight without requested headers still allows what the SDKs send', async () => {
    const res = await fetch(server.url, { method: 'OPTIONS', headers: { origin: 'https://app.example.com' } });
    assert.equal(res.status, 204);
    const allowed = (res.headers.get('access-control-allow-headers') ?? '').toLowerCase();
    for (const h of ['content-type', 'x-amz-target', 'amz-sdk-invocation-id']) assert.ok(allowed.includes(h), `${h} allowed`);
  });
});

describe('no internals in errors', () => {
  test('no error body or header carries a stack trace or a path', async () => {
    const bodies = [
      await rawCall(server.url, T + 'DescribeUserPool', '{', DEV_AUTH),
      await rawCall(server.url, T + 'DescribeUserPool', '{}', { ...DEV_AUTH, 'content-type': 'text/plain' }),
      await rawCall(server.url, T + 'DescribeUserPool', 'x'.repeat(70 * 1024), DEV_AUTH),
      await rawCall(server.url, T + 'DescribeUserPool', '['.repeat(100), DEV_AUTH),
      await rawCall(server.url, T + 'DescribeUserPool', JSON.stringify({ UserPoolId: 12 }), DEV_AUTH),
      await rawCall(server.url, T + 'DescribeUserPool', JSON.stringify({ UserPoolId: 'us-east-1_abc' }), DEV_AUTH),
      await rawCall(server.url, T + 'DescribeUserPool', '{}', { authorization: 'AWS4-HMAC-SHA256 x' }),
      await rawCall(server.url, 'x', '{}'),
    ];
    for (const res of bodies) {
      assert.equal(res.status, 400, res.text);
      assertNoInternals(res.text);
      assertNoInternals(res.headers.get('x-amzn-errormessage') ?? '');
    }
  });

  test('an unexpected failure is InternalErrorException (500) with no details', async () => {
    const broken = await startTestServer();
    try {
      const created = await broken.client.send(new CreateUserPoolCommand({ PoolName: 'doomed' }));
      // Closing the store under the running server makes the next lookup fail unexpectedly.
      await broken.app.services.store.close();
      const res = await rawCall(broken.url, T + 'DescribeUserPool', JSON.stringify({ UserPoolId: created.UserPool!.Id }), DEV_AUTH);
      assertError(res, 'InternalErrorException', 'An internal error occurred.', 500);
      assertNoInternals(res.text);
    } finally {
      // The store is already closed, so closing the app may complain; the folder goes anyway.
      await broken.stop().catch(() => undefined);
      rmSync(broken.dataDir, { recursive: true, force: true });
    }
  });
});
