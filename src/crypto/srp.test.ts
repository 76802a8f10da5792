// The server half of SRP against amazon-cognito-identity-js's own client half: if these agree,
// the library (and Amplify, which shares the arithmetic) can sign in against us.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createHash, randomBytes } from 'node:crypto';
import {
  N,
  g,
  claimSignature,
  computeServerKey,
  decodeVerifier,
  encodeVerifier,
  formatSrpTimestamp,
  makeVerifier,
  modPowN,
  padHex,
  parseClientPublic,
  readSrpTimestamp,
  serverEphemeral,
  signaturesEqual,
  srpPoolName,
} from './srp.js';

// The library's internals are CommonJS without type declarations; only what is used is typed.
interface JsbnBigInteger {
  toString(radix: number): string;
}
interface ClientHelper {
  getLargeAValue(cb: (err: unknown, A: JsbnBigInteger) => void): void;
  getPasswordAuthenticationKey(
    userId: string,
    password: string,
    B: JsbnBigInteger,
    salt: JsbnBigInteger,
    cb: (err: unknown, key: Uint8Array) => void,
  ): void;
}
const require = createRequire(import.meta.url);
const AuthenticationHelper = (require('amazon-cognito-identity-js/lib/AuthenticationHelper.js') as { default: new (poolName: string) => ClientHelper }).default;
const BigInteger = (require('amazon-cognito-identity-js/lib/BigInteger.js') as { default: new (hex: string, radix: number) => JsbnBigInteger }).default;
const DateHelper = (require('amazon-cognito-identity-js/lib/DateHelper.js') as { default: new () => { getNowString(): string } }).default;

const POOL_ID = 'us-east-1_AbCdEfGh1';
const POOL_NAME = srpPoolName(POOL_ID);

function bigHex(n: bigint): JsbnBigInteger {
  return new BigInteger(n.toString(16), 16);
}

/** A whole exchange: the library as the client, our functions as the server. */
function exchange(stored: { salt: string; verifier: string }, userId: string, clientPassword: string): { serverKey: Buffer; clientKey: Buffer } {
  const client = new AuthenticationHelper(POOL_NAME);
  let aHex = '';
  client.getLargeAValue((err, A) => {
    assert.equal(err, null);
    aHex = A.toString(16);
  });
  const A = parseClientPublic(aHex);
  assert.ok(A !== undefined, 'the library sends a valid A');
  const v = decodeVerifier(encodeVerifier(stored))!.v;
  const { b, B } = serverEphemeral(v);
  const serverKey = computeServerKey(A, B, b, v);
  assert.ok(serverKey);
  let clientKey: Buffer | undefined;
  client.getPasswordAuthenticationKey(userId, clientPassword, bigHex(B), new BigInteger(stored.salt, 16), (err, key) => {
    assert.equal(err, null);
    clientKey = Buffer.from(key);
  });
  assert.ok(clientKey, 'the library derives its key synchronously');
  return { serverKey, clientKey };
}

test('srpPoolName is the part of the pool id after the underscore', () => {
  assert.equal(POOL_NAME, 'AbCdEfGh1');
});

test('padHex matches Java BigInteger.toByteArray for non-negative numbers', () => {
  assert.equal(padHex(0n), '00');
  assert.equal(padHex(0x14n), '14');
  assert.equal(padHex(0xecn), '00ec');
  assert.equal(padHex(0x123n), '0123');
  assert.equal(padHex(N).length, 2 * 385);
  assert.throws(() => padHex(-1n), RangeError);
});

test('modPowN agrees with plain BigInt exponentiation, including trivial bases', () => {
  const slow = (base: bigint, exp: bigint): bigint => {
    let r = 1n;
    let b = base % N;
    for (let e = exp; e > 0n; e >>= 1n) {
      if (e & 1n) r = (r * b) % N;
      b = (b * b) % N;
    }
    return r;
  };
  for (let i = 0; i < 6; i++) {
    const base = BigInt(`0x${randomBytes(384).toString('hex')}`) % N;
    const exp = BigInt(`0x${randomBytes(32).toString('hex')}`);
    assert.equal(modPowN(base, exp), slow(base, exp));
  }
  assert.equal(modPowN(g, 10n), 1024n);
  assert.equal(modPowN(0n, 5n), 0n);
  assert.equal(modPowN(1n, 5n), 1n);
  assert.equal(modPowN(N - 1n, 3n), N - 1n);
  assert.equal(modPowN(N - 1n, 4n), 1n);
  assert.equal(modPowN(12345n, 0n), 1n);
});

test('makeVerifier gives a fresh 16-byte salt each time and a verifier in the group', () => {
  const a = makeVerifier(POOL_NAME, 'alice', 'Correct-Horse-1');
  const b = makeVerifier(POOL_NAME, 'alice', 'Correct-Horse-1');
  assert.match(a.salt, /^[0-9a-f]{32}$/);
  assert.notEqual(a.salt, b.salt);
  assert.notEqual(a.verifier, b.verifier);
  const v = BigInt(`0x${a.verifier}`);
  assert.ok(v > 1n && v < N);
});

test('the library as client and our server derive the same key for the right password', () => {
  for (const [userId, password] of [
    ['alice', 'Correct-Horse-1'],
    ['7d9e0b1c-2f3a-4b5c-8d6e-9f0a1b2c3d4e', 'pässwörd with spaces ✓'],
  ] as const) {
    const stored = makeVerifier(POOL_NAME, userId, password);
    const { serverKey, clientKey } = exchange(stored, userId, password);
    assert.equal(serverKey.length, 16);
    assert.deepEqual(clientKey, serverKey);
  }
});

test('salts whose integer form drops or gains a byte still work (leading zero, top bit set)', () => {
  for (const salt of ['00' + randomBytes(15).toString('hex'), '0' + randomBytes(16).toString('hex').slice(1), 'f' + randomBytes(16).toString('hex').slice(1)]) {
    // A verifier made with a forced salt, the way makeVerifier would have made it.
    const v0 = makeVerifierWithSalt(salt, 'bob', 'Pw-123456');
    const { serverKey, clientKey } = exchange(v0, 'bob', 'Pw-123456');
    assert.deepEqual(clientKey, serverKey, `salt ${salt}`);
  }
});

test('a wrong password, another user id or another pool name gives the client a different key', () => {
  const stored = makeVerifier(POOL_NAME, 'alice', 'Correct-Horse-1');
  const wrongPassword = exchange(stored, 'alice', 'Correct-Horse-2');
  assert.notDeepEqual(wrongPassword.clientKey, wrongPassword.serverKey);
  const wrongUser = exchange(stored, 'Alice', 'Correct-Horse-1');
  assert.notDeepEqual(wrongUser.clientKey, wrongUser.serverKey);
  const otherPool = makeVerifier('OtherPool1', 'alice', 'Correct-Horse-1');
  const wrongPool = exchange(otherPool, 'alice', 'Correct-Horse-1');
  assert.notDeepEqual(wrongPool.clientKey, wrongPool.serverKey);
});

test('the claim signature: equal for equal keys, different for any changed field', () => {
  const stored = makeVerifier(POOL_NAME, 'alice', 'Correct-Horse-1');
  const { serverKey, clientKey } = exchange(stored, 'alice', 'Correct-Horse-1');
  const block = randomBytes(64);
  const ts = new DateHelper().getNowString();
  const expected = claimSignature(serverKey, POOL_NAME, 'alice', block, ts);
  assert.equal(expected.length, 32);
  assert.ok(signaturesEqual(expected, claimSignature(clientKey, POOL_NAME, 'alice', block, ts)));
  const other = Buffer.from(block);
  other[0] = other[0]! ^ 1;
  assert.equal(signaturesEqual(expected, claimSignature(clientKey, POOL_NAME, 'alice', other, ts)), false);
  assert.equal(signaturesEqual(expected, claimSignature(clientKey, POOL_NAME, 'bob', block, ts)), false);
  assert.equal(signaturesEqual(expected, claimSignature(clientKey, POOL_NAME, 'alice', block, ts + ' ')), false);
  assert.equal(signaturesEqual(expected, expected.subarray(0, 31)), false);
  const wrong = exchange(stored, 'alice', 'Wrong-Horse-1');
  assert.equal(signaturesEqual(claimSignature(wrong.serverKey, POOL_NAME, 'alice', block, ts), claimSignature(wrong.clientKey, POOL_NAME, 'alice', block, ts)), false);
});

test('parseClientPublic refuses what is not a usable A', () => {
  assert.equal(parseClientPublic('0'), undefined);
  assert.equal(parseClientPublic('000'), undefined);
  assert.equal(parseClientPublic(N.toString(16)), undefined);
  assert.equal(parseClientPublic((2n * N).toString(16)), undefined);
  assert.equal(parseClientPublic((N + 5n).toString(16)), undefined);
  assert.equal(parseClientPublic('xyz'), undefined);
  assert.equal(parseClientPublic(''), undefined);
  assert.equal(parseClientPublic('-5'), undefined);
  assert.equal(parseClientPublic('f'.repeat(2000)), undefined);
  assert.equal(parseClientPublic('1f'), 0x1fn);
});

test('serverEphemeral: B = k·v + g^b mod N, never 0, fresh each time', () => {
  const v = decodeVerifier(encodeVerifier(makeVerifier(POOL_NAME, 'alice', 'x')))!.v;
  const one = serverEphemeral(v);
  const two = serverEphemeral(v);
  assert.notEqual(one.B, two.B);
  assert.ok(one.B > 0n && one.B < N);
  assert.ok(one.b > 0n && one.b < 1n << 256n);
});

test('timestamps: the library format reads back to itself; padded day or wrong weekday does not', () => {
  const now = new DateHelper().getNowString();
  const read = readSrpTimestamp(now)!;
  assert.equal(read.canonical, now);
  assert.ok(Math.abs(read.epochMs - Date.now()) < 5_000);
  assert.equal(formatSrpTimestamp(Date.UTC(2017, 3, 5, 22, 42, 34)), 'Wed Apr 5 22:42:34 UTC 2017');
  assert.equal(readSrpTimestamp('Wed Apr 05 22:42:34 UTC 2017')!.canonical, 'Wed Apr 5 22:42:34 UTC 2017');
  assert.equal(readSrpTimestamp('Thu Apr 5 22:42:34 UTC 2017')!.canonical, 'Wed Apr 5 22:42:34 UTC 2017');
  for (const bad of ['', 'yesterday', 'Wed Apr 5 22:42:34 IST 2017', 'Xyz Apr 5 22:42:34 UTC 2017', 'Wed Foo 5 22:42:34 UTC 2017', '2017-04-05T22:42:34Z']) {
    assert.equal(readSrpTimestamp(bad), undefined, bad);
  }
});

test('decodeVerifier refuses what is not a stored verifier', () => {
  assert.equal(decodeVerifier('not json'), undefined);
  assert.equal(decodeVerifier('{"salt":"zz","verifier":"12"}'), undefined);
  assert.equal(decodeVerifier('{"salt":"12"}'), undefined);
  assert.deepEqual(decodeVerifier('{"salt":"ab","verifier":"ff"}'), { salt: 'ab', v: 255n });
});

/** makeVerifier with a chosen salt: g^H(salt | H(pool | user ':' password)) computed here independently. */
function makeVerifierWithSalt(salt: string, userId: string, password: string): { salt: string; verifier: string } {
  // Independent of srp.ts's own helper: the salt goes through the integer re-encoding the client applies.
  const inner = createHash('sha256').update(`${POOL_NAME}${userId}:${password}`, 'utf8').digest();
  const x = BigInt(`0x${createHash('sha256').update(Buffer.from(padHex(BigInt(`0x${salt}`)), 'hex')).update(inner).digest('hex')}`);
  return { salt, verifier: modPowN(g, x).toString(16) };
}
