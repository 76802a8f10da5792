// Token cryptography: RS256 signing keys, their encryption at rest, JWT signing and
// verification (jose), and the opaque secrets (refresh tokens, challenge sessions) that are
// stored only as hashes.
//
// Private signing keys live in the database encrypted with AES-256-GCM under a key derived
// (HKDF) from the server's code MAC key, which is kept outside the database: a copy of the
// database alone cannot mint tokens. The key's id is stored beside it, so rotated MAC keys
// still unwrap older signing keys while they are configured.
import { createCipheriv, createDecipheriv, createHash, createPrivateKey, generateKeyPair, hkdfSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWK, type JWTPayload } from 'jose';

export const SIGNING_ALG = 'RS256';
const generateRsa = promisify(generateKeyPair);

export interface NewSigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: JWK;
}

/** A fresh RSA-2048 key pair with a random key id. */
export async function generateSigningKey(): Promise<NewSigningKey> {
  const { privateKey, publicKey } = await generateRsa('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
  const kid = randomBytes(24).toString('base64url');
  const jwk = publicKey.export({ format: 'jwk' }) as JWK;
  return { kid, privateKey, publicJwk: { alg: SIGNING_ALG, e: jwk.e, kid, kty: 'RSA', n: jwk.n, use: 'sig' } };
}

function wrappingKey(secret: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), 'userpool signing-key wrap v1', 32));
}

/** Encrypts a private key for storage; kid and pool are bound in as associated data. */
export function wrapPrivateKey(secret: Buffer, kid: string, poolId: string, privateKey: KeyObject): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', wrappingKey(secret), iv);
  cipher.setAAD(Buffer.from(`${poolId}\n${kid}`, 'utf8'));
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const body = Buffer.concat([cipher.update(der), cipher.final()]);
  return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

export function unwrapPrivateKey(secret: Buffer, kid: string, poolId: string, wrapped: string): KeyObject {
  const [version, iv, body, tag] = wrapped.split('.');
  if (version !== 'v1' || !iv || !body || !tag) throw new Error(`signing key ${kid} is not in a known format`);
  const decipher = createDecipheriv('aes-256-gcm', wrappingKey(secret), Buffer.from(iv, 'base64url'));
  decipher.setAAD(Buffer.from(`${poolId}\n${kid}`, 'utf8'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const der = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}

/**
 * Signs claims as a compact JWS with `kid` and `alg` in the header, as Cognito's tokens have
 * them: base64url(header).base64url(claims).base64url(RSASSA-PKCS1-v1_5 SHA-256 signature).
 * node:crypto signs directly: jose's signer goes through WebCrypto, which cost a third more
 * CPU per token, and every sign-in signs two (measured in bench/signIn.ts; jose still
 * verifies every token this server is handed).
 */
export async function signJwt(claims: JWTPayload, kid: string, key: KeyObject): Promise<string> {
  const header = Buffer.from(JSON.stringify({ kid, alg: SIGNING_ALG })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${header}.${body}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

export interface UnverifiedJwt {
  kid: string;
  payload: JWTPayload;
}

/** Header kid and payload of a JWT, unverified: only to find the pool and key to verify with. */
export function peekJwt(token: string): UnverifiedJwt | undefined {
  try {
    const header = decodeProtectedHeader(token);
    if (header.alg !== SIGNING_ALG || typeof header.kid !== 'string') return undefined;
    return { kid: header.kid, payload: decodeJwt(token) };
  } catch {
    return undefined;
  }
}

export type JwtCheck = { ok: true; payload: JWTPayload } | { ok: false; problem: 'expired' | 'invalid' };

/** Verifies signature (RS256 only), issuer and expiry against the injected clock. */
export async function verifyJwt(token: string, key: KeyObject, issuer: string, nowMs: number): Promise<JwtCheck> {
  try {
    const { payload } = await jwtVerify(token, key, { algorithms: [SIGNING_ALG], issuer, currentDate: new Date(nowMs) });
    return { ok: true, payload };
  } catch (err) {
    return { ok: false, problem: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/** An opaque bearer secret: 48 random bytes, base64url (fits the model's token pattern). */
export function newOpaqueToken(): string {
  return randomBytes(48).toString('base64url');
}

/** How opaque secrets are stored: they are random, so an unsalted SHA-256 cannot be reversed. */
export function opaqueTokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}
