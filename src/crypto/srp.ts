// The server side of Cognito's SRP (USER_SRP_AUTH + PASSWORD_VERIFIER), written to interoperate
// with the clients AWS ships (amazon-cognito-identity-js, Amplify, the mobile SDKs). Pure: no
// I/O, no clock; node:crypto and BigInt only.
//
// Cognito's SRP-6a variant, as its clients compute it:
// - group: the 3072-bit MODP prime of RFC 3526 (the one RFC 5054 lists), generator g = 2;
// - integers enter hashes in "padHex" form: the minimal big-endian two's-complement bytes of a
//   non-negative number (one 0x00 byte in front when the top bit is set), NOT left-padded to the
//   length of N as RFC 5054 pads them;
// - k = H(N | g), x = H(salt | H(poolName | userId | ':' | password)), u = H(A | B), all SHA-256;
// - the session key is HKDF-SHA256(ikm = S, salt = u, info = 'Caldera Derived Key'), 16 bytes;
// - the client proves it holds the key with HMAC-SHA256(key, poolName | userId | SECRET_BLOCK
//   bytes | TIMESTAMP), base64, where TIMESTAMP reads `ddd MMM d HH:mm:ss UTC yyyy`.
//
// Why a verifier is a secret: v = g^x with x a single SHA-256 of the salted password, so anyone
// holding v can test password guesses at SHA-256 speed. It is as sensitive as a password hash
// (more so: no memory-hard KDF), and is never logged or exported.
import { createDiffieHellman, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

const N_HEX =
  'FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A08798E3404DD' +
  'EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED' +
  'EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF0598DA48361C55D39A69163FA8FD24CF5F' +
  '83655D23DCA3AD961C62F356208552BB9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B' +
  'E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF6955817183995497CEA956AE515D2261898FA0510' +
  '15728E5A8AAAC42DAD33170D04507A33A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7' +
  'ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864D87602733EC86A64521F2B18177B200C' +
  'BBE117577A615D6C770988C0BAD946E208E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF';

export const N = BigInt(`0x${N_HEX}`);
export const g = 2n;
/** Bytes in N: the widest a group element can be. */
const N_BYTES = N_HEX.length / 2;

/** Cognito's integer encoding for hashing (see the header): minimal bytes plus a sign byte. */
export function padHex(n: bigint): string {
  if (n < 0n) throw new RangeError('padHex takes a non-negative integer');
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

function toBytes(n: bigint): Buffer {
  return Buffer.from(padHex(n), 'hex');
}

function fromBytes(b: Buffer): bigint {
  return b.length === 0 ? 0n : BigInt(`0x${b.toString('hex')}`);
}

function sha256(...parts: Buffer[]): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
}

export const k = fromBytes(sha256(toBytes(N), toBytes(g)));

// Modular exponentiation goes to OpenSSL through a Diffie-Hellman object over N: about six
// times faster than BigInt square-and-multiply for 3072 bits (this runs on the event loop),
// and constant-time in the exponent, which matters because exponents here are secrets (b, x).
// The object is only ever used synchronously, so one shared instance is safe.
const dh = createDiffieHellman(Buffer.from(N_HEX, 'hex'), Buffer.from([Number(g)]));

/** base^exp mod N. */
export function modPowN(base: bigint, exp: bigint): bigint {
  if (exp < 0n) throw new RangeError('negative exponent');
  const b = ((base % N) + N) % N;
  if (exp === 0n) return 1n;
  // OpenSSL refuses "public keys" outside [2, N-2]; those bases have trivial powers.
  if (b === 0n || b === 1n) return b;
  if (b === N - 1n) return exp % 2n === 0n ? 1n : b;
  dh.setPrivateKey(Buffer.from(padHex(exp), 'hex'));
  return fromBytes(dh.computeSecret(Buffer.from(b.toString(16).padStart(N_BYTES * 2, '0'), 'hex')));
}

/** The part of a pool id after the underscore, which Cognito's SRP hashes in as the pool name. */
export function srpPoolName(poolId: string): string {
  return poolId.slice(poolId.indexOf('_') + 1);
}

/** What is stored per user: a random salt and v = g^x, both hex. */
export interface SrpVerifier {
  salt: string;
  verifier: string;
}

function passwordExponent(poolName: string, userId: string, password: string, saltHex: string): bigint {
  // The client parses SALT as an integer and re-encodes it, so a salt with a leading zero byte
  // hashes without it; doing the same keeps every salt usable.
  const inner = sha256(Buffer.from(`${poolName}${userId}:${password}`, 'utf8'));
  return fromBytes(sha256(toBytes(BigInt(`0x${saltHex}`)), inner));
}

/** A fresh verifier for `password`; userId is what the server will send as USER_ID_FOR_SRP. */
export function makeVerifier(poolName: string, userId: string, password: string): SrpVerifier {
  const salt = randomBytes(16).toString('hex');
  const v = modPowN(g, passwordExponent(poolName, userId, password, salt));
  return { salt, verifier: v.toString(16) };
}

/** A random group element standing in for the verifier of a user who does not exist. */
export function randomVerifier(): bigint {
  return fromBytes(randomBytes(N_BYTES + 16)) % N;
}

/**
 * The client's public value A from its hex form, or undefined when it is not one: not hex, or
 * A mod N = 0 (RFC 5054 says abort: with A = 0 the shared secret would be known to anyone).
 * A >= N is refused as well; no honest client sends it.
 */
export function parseClientPublic(hex: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,1024}$/.test(hex)) return undefined;
  const A = BigInt(`0x${hex}`);
  if (A >= N || A % N === 0n) return undefined;
  return A;
}

export interface ServerEphemeral {
  /** The secret exponent. */
  b: bigint;
  /** B = (k·v + g^b) mod N, sent as SRP_B. */
  B: bigint;
}

/**
 * b is 256 random bits: twice the 128-bit strength of the 3072-bit group, the short-exponent
 * size RFC 3526 recommends (the client uses 1024 bits; the work is in the exponent length).
 */
export function serverEphemeral(v: bigint): ServerEphemeral {
  for (;;) {
    const b = fromBytes(randomBytes(32));
    if (b === 0n) continue;
    const B = (k * v + modPowN(g, b)) % N;
    // B mod N = 0 would let the client skip knowing the password; redraw (never happens).
    if (B !== 0n) return { b, B };
  }
}

/**
 * The 16-byte session key both sides derive, from the server's side: S = (A·v^u)^b mod N.
 * Undefined when u = 0 (a malicious A chosen for it); the exchange must then fail.
 */
export function computeServerKey(A: bigint, B: bigint, b: bigint, v: bigint): Buffer | undefined {
  const u = fromBytes(sha256(toBytes(A), toBytes(B)));
  if (u === 0n) return undefined;
  const S = modPowN((A * modPowN(v, u)) % N, b);
  return Buffer.from(hkdfSync('sha256', toBytes(S), toBytes(u), Buffer.from('Caldera Derived Key', 'utf8'), 16));
}

/** The PASSWORD_CLAIM_SIGNATURE a client holding `key` sends (raw bytes; the wire has base64). */
export function claimSignature(key: Buffer, poolName: string, userId: string, secretBlock: Buffer, timestamp: string): Buffer {
  return createHmac('sha256', key)
    .update(Buffer.from(poolName, 'utf8'))
    .update(Buffer.from(userId, 'utf8'))
    .update(secretBlock)
    .update(Buffer.from(timestamp, 'utf8'))
    .digest();
}

/** Constant-time equality of two signatures (different lengths are simply unequal). */
export function signaturesEqual(expected: Buffer, given: Buffer): boolean {
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const TIMESTAMP = /^([A-Z][a-z]{2}) ([A-Z][a-z]{2}) (\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2}) UTC (\d{4})$/;

/** An instant in Cognito's TIMESTAMP form, `ddd MMM d HH:mm:ss UTC yyyy` (day not padded). */
export function formatSrpTimestamp(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}

/**
 * Reads a TIMESTAMP the way Cognito does: leniently, then re-printed in canonical form. The
 * signature is checked over the canonical form, so `Sep 05` or a wrong weekday parse but then
 * fail the signature (as measured against Cognito), while text that is not a date at all is
 * refused outright. Undefined when unreadable.
 */
export function readSrpTimestamp(text: string): { epochMs: number; canonical: string } | undefined {
  const m = TIMESTAMP.exec(text);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!);
  if (!WEEKDAYS.includes(m[1]!) || month < 0) return undefined;
  const epochMs = Date.UTC(Number(m[7]), month, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  if (!Number.isFinite(epochMs)) return undefined;
  return { epochMs, canonical: formatSrpTimestamp(epochMs) };
}

/** The stored column value for a verifier (JSON, so the format can grow). */
export function encodeVerifier(v: SrpVerifier): string {
  return JSON.stringify({ salt: v.salt, verifier: v.verifier });
}

/** The stored column value read back; undefined when it is not a verifier. */
export function decodeVerifier(stored: string): { salt: string; v: bigint } | undefined {
  try {
    const parsed = JSON.parse(stored) as Partial<SrpVerifier>;
    if (typeof parsed.salt !== 'string' || !/^[0-9a-f]+$/i.test(parsed.salt)) return undefined;
    if (typeof parsed.verifier !== 'string' || !/^[0-9a-f]+$/i.test(parsed.verifier)) return undefined;
    return { salt: parsed.salt, v: BigInt(`0x${parsed.verifier}`) };
  } catch {
    return undefined;
  }
}
