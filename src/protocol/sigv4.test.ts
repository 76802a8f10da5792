import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Checksum, SourceData } from '@smithy/types';
import { AdminGetUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { parseAuthorization, verifySigV4, type SignedRequest, type Sigv4Options } from './sigv4.js';

/** SHA-256 / HMAC-SHA256 in the shape the SDK's signer wants, backed by node:crypto. */
class Sha256 implements Checksum {
  private readonly secret: Buffer | undefined;
  private state: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.secret = secret === undefined ? undefined : toBuffer(secret);
    this.state = this.fresh();
  }
  private fresh(): Hash | Hmac {
    return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret);
  }
  update(chunk: Uint8Array): void {
    this.state.update(chunk);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.state.digest());
  }
  reset(): void {
    this.state = this.fresh();
  }
}

function toBuffer(data: SourceData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

const ACCESS_KEY = 'AKIDEXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const BODY = JSON.stringify({ UserPoolId: 'us-east-1_abcdefghi', Username: 'alice' });
const OPTS: Sigv4Options = { credentials: new Map([[ACCESS_KEY, SECRET]]), nowMs: NOW };

interface SignArgs {
  body?: string;
  headers?: Record<string, string>;
  accessKeyId?: string;
  secret?: string;
  sessionToken?: string;
  signingDate?: Date;
  service?: string;
  region?: string;
  applyChecksum?: boolean;
}

async function sign(args: SignArgs = {}): Promise<SignedRequest> {
  const body = args.body ?? BODY;
  const signer = new SignatureV4({
    service: args.service ?? 'cognito-idp',
    region: args.region ?? 'us-east-1',
    credentials: {
      accessKeyId: args.accessKeyId ?? ACCESS_KEY,
      secretAccessKey: args.secret ?? SECRET,
      ...(args.sessionToken ? { sessionToken: args.sessionToken } : {}),
    },
    sha256: Sha256,
    ...(args.applyChecksum === undefined ? {} : { applyChecksum: args.applyChecksum }),
  });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9230,
      path: '/',
      query: {},
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser',
        host: '127.0.0.1:9230',
        ...args.headers,
      },
      body,
    },
    { signingDate: args.signingDate ?? new Date(NOW) },
  );
  // What Node would hand the server: lower-case names, string values.
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = String(value);
  return { method: 'POST', path: '/', query: '', headers, body: Buffer.from(body, 'utf8') };
}

function assertFail(result: ReturnType<typeof verifySigV4>, errorType: string, messagePart?: string | RegExp): void {
  assert.equal(result.ok, false, `expected ${errorType}, got ok`);
  if (result.ok) return;
  assert.equal(result.errorType, errorType, result.message);
  if (typeof messagePart === 'string') assert.ok(result.message.includes(messagePart), result.message);
  else if (messagePart) assert.match(result.message, messagePart);
}

test('a request signed by the SDK signer verifies', async () => {
  const req = await sign();
  assert.ok(req.headers['x-amz-content-sha256'], 'the signer sends the payload hash by default');
  assert.deepEqual(verifySigV4(req, OPTS), { ok: true, accessKeyId: ACCESS_KEY, region: 'us-east-1' });
});

test('verifies without x-amz-content-sha256 and reports any region', async () => {
  const req = await sign({ applyChecksum: false, region: 'eu-west-3' });
  assert.equal(req.headers['x-amz-content-sha256'], undefined);
  assert.deepEqual(verifySigV4(req, OPTS), { ok: true, accessKeyId: ACCESS_KEY, region: 'eu-west-3' });
});

test('a tampered body fails', async () => {
  for (const applyChecksum of [true, false]) {
    const req = await sign({ applyChecksum });
    req.body = Buffer.from(BODY.replace('alice', 'mallory'), 'utf8');
    assertFail(verifySigV4(req, OPTS), 'InvalidSignatureException');
  }
});

test('a tampered header fails', async () => {
  const req = await sign();
  req.headers['x-amz-target'] = 'AWSCognitoIdentityProviderService.AdminDeleteUser';
  assertFail(verifySigV4(req, OPTS), 'InvalidSignatureException', 'does not match the signature you provided');
});

test('the wrong secret fails', async () => {
  const req = await sign({ secret: 'not-the-secret' });
  assertFail(
    verifySigV4(req, OPTS),
    'InvalidSignatureException',
    'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.',
  );
});

test('an unknown access key id is unrecognized', async () => {
  const req = await sign({ accessKeyId: 'AKIDUNKNOWN' });
  assertFail(verifySigV4(req, OPTS), 'UnrecognizedClientException', 'The security token included in the request is invalid.');
});

test('no Authorization header is a missing token', async () => {
  const req = await sign();
  delete req.headers['authorization'];
  const result = verifySigV4(req, OPTS);
  assertFail(result, 'MissingAuthenticationTokenException');
  assert.equal(!result.ok && result.message, 'Missing Authentication Token');
});

test('a garbage Authorization header is an incomplete signature', async () => {
  const req = await sign();
  for (const junk of ['garbage', 'Bearer abc.def.ghi', 'AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA256 Credential=x', '\u0000\uffff']) {
    req.headers['authorization'] = junk;
    assertFail(verifySigV4(req, OPTS), 'IncompleteSignatureException');
  }
});

test('missing parameters are named, and the signature is never echoed', async () => {
  const req = await sign();
  const good = req.headers['authorization'] as string;
  const signature = /Signature=([0-9a-f]+)/.exec(good)?.[1] as string;

  req.headers['authorization'] = good.replace(/, Signature=[0-9a-f]+/, '');
  assertFail(verifySigV4(req, OPTS), 'IncompleteSignatureException', "Authorization header requires 'Signature' parameter.");

  req.headers['authorization'] = good.replace(/SignedHeaders=[^,]+, /, '');
  const r = verifySigV4(req, OPTS);
  assertFail(r, 'IncompleteSignatureException', "Authorization header requires 'SignedHeaders' parameter.");
  assert.ok(!r.ok && !r.message.includes(signature), 'signature echoed');

  req.headers['authorization'] = good.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA1');
  assertFail(verifySigV4(req, OPTS), 'IncompleteSignatureException');

  req.headers['authorization'] = good.replace('/aws4_request', '/aws5_request');
  assertFail(verifySigV4(req, OPTS), 'IncompleteSignatureException', "valid terminator: 'aws4_request'");

  req.headers['authorization'] = good.replace('/us-east-1/', '/');
  assertFail(verifySigV4(req, OPTS), 'IncompleteSignatureException', 'Credential must have exactly 5 slash-delimited elements');
});

test('missing X-Amz-Date (and Date) is an incomplete signature', async () => {
  const req = await sign();
  delete req.headers['x-amz-date'];
  assertFail(verifySigV4(req, OPTS), 'IncompleteSignatureException', "either a 'X-Amz-Date' or a 'Date' header");
  req.headers['x-amz-date'] = '2025-01-15T12:00:00Z';
  assertFail(verifySigV4(req, OPTS), 'IncompleteSignatureException', "ISO-8601 'basic format'");
});

test('a signature older than the skew window has expired', async () => {
  const req = await sign({ signingDate: new Date(NOW - 20 * 60 * 1000) });
  assertFail(
    verifySigV4(req, OPTS),
    'InvalidSignatureException',
    'Signature expired: 20250115T114000Z is now earlier than 20250115T114500Z (20250115T120000Z - 15 min.)',
  );
  // Still inside the window: fine.
  const recent = await sign({ signingDate: new Date(NOW - 14 * 60 * 1000) });
  assert.equal(verifySigV4(recent, OPTS).ok, true);
});

test('a signature from the future is not yet current', async () => {
  const req = await sign({ signingDate: new Date(NOW + 20 * 60 * 1000) });
  assertFail(
    verifySigV4(req, OPTS),
    'InvalidSignatureException',
    'Signature not yet current: 20250115T122000Z is still later than 20250115T121500Z (20250115T120000Z + 15 min.)',
  );
});

test('the scope must name cognito-idp, a valid region and the request date', async () => {
  assertFail(
    verifySigV4(await sign({ service: 's3' }), OPTS),
    'InvalidSignatureException',
    "Credential should be scoped to correct service: 'cognito-idp'.",
  );

  const req = await sign();
  const good = req.headers['authorization'] as string;
  req.headers['authorization'] = good.replace('/us-east-1/', '//');
  assertFail(verifySigV4(req, OPTS), 'InvalidSignatureException', 'Credential should be scoped to a valid region.');
  req.headers['authorization'] = good.replace('/20250115/', '/20250114/');
  assertFail(verifySigV4(req, OPTS), 'InvalidSignatureException', "'20250114' != '20250115'");
});

test('host must be a signed header', async () => {
  const req = await sign();
  req.headers['authorization'] = (req.headers['authorization'] as string).replace('host;', '');
  assert.ok(!(req.headers['authorization'] as string).includes('host'));
  assertFail(verifySigV4(req, OPTS), 'InvalidSignatureException', "'Host' or ':authority' must be a 'SignedHeader'");
});

test('x-amz-content-sha256 must describe the body', async () => {
  const req = await sign();
  req.headers['x-amz-content-sha256'] = createHash('sha256').update('something else').digest('hex');
  assertFail(verifySigV4(req, OPTS), 'InvalidSignatureException', 'x-amz-content-sha256');

  // UNSIGNED-PAYLOAD is the client's choice: the signature then leaves the body out.
  const unsigned = await sign({ headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } });
  assert.equal(verifySigV4(unsigned, OPTS).ok, true);
});

test('header values with repeated internal spaces still verify', async () => {
  const req = await sign({ headers: { 'x-custom-thing': 'a   b \t c' } });
  assert.match(req.headers['authorization'] as string, /x-custom-thing/);
  assert.equal(req.headers['x-custom-thing'], 'a   b \t c');
  assert.deepEqual(verifySigV4(req, OPTS), { ok: true, accessKeyId: ACCESS_KEY, region: 'us-east-1' });
  // Collapsing is part of the canonical form, so differing amounts of space do not matter...
  req.headers['x-custom-thing'] = 'a b c';
  assert.equal(verifySigV4(req, OPTS).ok, true);
  // ...but the words do.
  req.headers['x-custom-thing'] = 'a b d';
  assertFail(verifySigV4(req, OPTS), 'InvalidSignatureException');
});

test('a request signed with a session token still verifies', async () => {
  const req = await sign({ sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN//////////wEaDEXAMPLE' });
  assert.ok(req.headers['x-amz-security-token']);
  assert.match(req.headers['authorization'] as string, /x-amz-security-token/);
  assert.equal(verifySigV4(req, OPTS).ok, true);
  req.headers['x-amz-security-token'] = 'swapped';
  assertFail(verifySigV4(req, OPTS), 'InvalidSignatureException');
});

test('a presigned request (query auth) verifies', async () => {
  const signer = new SignatureV4({
    service: 'cognito-idp',
    region: 'us-west-2',
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET },
    sha256: Sha256,
  });
  const presigned = await signer.presign(
    {
      method: 'POST',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 9230,
      path: '/',
      query: {},
      headers: { 'content-type': 'application/x-amz-json-1.1', host: '127.0.0.1:9230' },
      body: BODY,
    },
    { signingDate: new Date(NOW - 30 * 60 * 1000), expiresIn: 3600 },
  );
  const query = Object.entries(presigned.query ?? {})
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(presigned.headers)) headers[name.toLowerCase()] = String(value);
  const req: SignedRequest = { method: 'POST', path: '/', query, headers, body: Buffer.from(BODY) };
  assert.deepEqual(verifySigV4(req, OPTS), { ok: true, accessKeyId: ACCESS_KEY, region: 'us-west-2' });
  assertFail(verifySigV4(req, { ...OPTS, nowMs: NOW + 31 * 60 * 1000 }), 'InvalidSignatureException', 'Signature expired');
  assertFail(verifySigV4({ ...req, body: Buffer.from('{}') }, OPTS), 'InvalidSignatureException');
});

test('junk input never throws', () => {
  const junk: unknown[] = [
    {},
    { method: 'POST', path: '/', query: '%zz=%', headers: { authorization: ['a', 'b'] }, body: Buffer.alloc(0) },
    { method: 1, path: null, query: null, headers: null, body: 'x' },
    { method: 'POST', path: '/%', query: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=%E0', headers: {}, body: Buffer.alloc(0) },
    {
      method: 'POST', path: '/', query: '', body: Buffer.alloc(0),
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250115/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=zz', 'x-amz-date': '20250115T120000Z', date: 'junk' },
    },
    {
      method: 'POST', path: '/', query: '', body: Buffer.alloc(0),
      headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20251315/us-east-1/cognito-idp/aws4_request, SignedHeaders=;;, Signature=', 'x-amz-date': '20251315T250000Z' },
    },
  ];
  for (const req of junk) {
    const result = verifySigV4(req as SignedRequest, OPTS);
    assert.equal(result.ok, false);
  }
});

test('parseAuthorization', async () => {
  const req = await sign();
  const parsed = parseAuthorization(req.headers['authorization'] as string);
  assert.ok(parsed);
  assert.equal(parsed.accessKeyId, ACCESS_KEY);
  assert.equal(parsed.date, '20250115');
  assert.equal(parsed.region, 'us-east-1');
  assert.equal(parsed.service, 'cognito-idp');
  assert.deepEqual(parsed.signedHeaders, ['content-type', 'host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-target']);
  assert.match(parsed.signature, /^[0-9a-f]{64}$/);

  assert.deepEqual(
    parseAuthorization('AWS4-HMAC-SHA256 Credential=AK/20250101/local/cognito-idp/aws4_request,SignedHeaders=host;x-amz-date,Signature=abcd'),
    { accessKeyId: 'AK', date: '20250101', region: 'local', service: 'cognito-idp', signedHeaders: ['host', 'x-amz-date'], signature: 'abcd' },
  );

  assert.equal(parseAuthorization(undefined), null);
  assert.equal(parseAuthorization(''), null);
  assert.equal(parseAuthorization('Basic dXNlcjpwYXNz'), null);
  assert.equal(parseAuthorization('AWS4-HMAC-SHA256 Credential=AK/20250101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host'), null);
  assert.equal(parseAuthorization('AWS4-HMAC-SHA256 Credential=AK/20250101/us-east-1/cognito-idp, SignedHeaders=host, Signature=ab'), null);
});

test('the real Cognito client, over HTTP, passes verification', async () => {
  let seen: ReturnType<typeof verifySigV4> | undefined;
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      seen = verifySigV4(
        {
          method: req.method ?? '',
          path: q === -1 ? url : url.slice(0, q),
          query: q === -1 ? '' : url.slice(q + 1),
          headers: req.headers,
          body: Buffer.concat(chunks),
        },
        { ...OPTS, nowMs: Date.now() },
      );
      res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'UserNotFoundException', message: 'User does not exist.' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const client = new CognitoIdentityProviderClient({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'ap-southeast-2',
      credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET, sessionToken: 'session-token' },
      maxAttempts: 1,
    });
    await assert.rejects(
      client.send(new AdminGetUserCommand({ UserPoolId: 'ap-southeast-2_abcdefghi', Username: 'alice' })),
      (err: Error) => err.name === 'UserNotFoundException',
    );
    client.destroy();
    assert.deepEqual(seen, { ok: true, accessKeyId: ACCESS_KEY, region: 'ap-southeast-2' });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
