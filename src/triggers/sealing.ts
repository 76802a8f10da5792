// Secrets the trigger flows must keep or hand over, protected with keys derived from the code
// MAC keys (kept outside the database, rotatable; crypto/codes.ts):
//
// - custom authentication's privateChallengeParameters (the expected answer) wait in the
//   challenge session row between CreateAuthChallenge and the user's answer: they are sealed
//   (AES-256-GCM, bound to the pool and client), so a copy of the database does not hold them;
// - CustomEmailSender / CustomSMSSender get the code or temporary password as a JWE (compact
//   serialization, alg "dir", enc "A256GCM", the key id in "kid") under a key derived per pool
//   and KMSKeyID, which the operator hands to the function (`userpool keys sender-key`).
//   Cognito differs: it encrypts with the AWS Encryption SDK under the pool's KMS key; there is
//   no KMS here, so the function decrypts with a JOSE library instead (README, "Custom sender
//   triggers").
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { CompactEncrypt } from 'jose';
import type { CodeMacKeys } from '../crypto/codes.js';

const SESSION_LABEL = 'userpool custom auth session v1';
const SENDER_LABEL = 'userpool custom sender v1';

function derive(key: Buffer, label: string, context: string[]): Buffer {
  const info = Buffer.from([label, ...context].join('\0'), 'utf8');
  return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), info, 32));
}

/** Seals JSON for the store: `keyId.iv.ciphertext.tag`, base64url parts. */
export function sealJson(keys: CodeMacKeys, context: string[], value: unknown): string {
  const { id, key } = keys.current;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(key, SESSION_LABEL, context), iv);
  cipher.setAAD(Buffer.from(id, 'utf8'));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [Buffer.from(id, 'utf8').toString('base64url'), iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** The sealed value, or undefined for anything altered, cut, or sealed under another context. */
export function unsealJson(keys: CodeMacKeys, context: string[], sealed: string): unknown {
  const parts = sealed.split('.');
  if (parts.length !== 4) return undefined;
  const id = Buffer.from(parts[0]!, 'base64url').toString('utf8');
  const key = keys.find(id);
  if (!key) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', derive(key, SESSION_LABEL, context), Buffer.from(parts[1]!, 'base64url'));
    decipher.setAAD(Buffer.from(id, 'utf8'));
    decipher.setAuthTag(Buffer.from(parts[3]!, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(parts[2]!, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The key a pool's custom sender functions decrypt with: 32 bytes, derived from code MAC key
 * `keyId` for the pool and its KMSKeyID (so a new KMSKeyID, or a rotated MAC key, means a new
 * key). Handed out as base64url by `userpool keys sender-key`.
 */
export function senderKey(keys: CodeMacKeys, keyId: string, poolId: string, kmsKeyId: string): Buffer | undefined {
  const key = keys.find(keyId);
  return key ? derive(key, SENDER_LABEL, [poolId, kmsKeyId]) : undefined;
}

/** The secret as the custom sender function receives it (request.code). */
export async function encryptForSender(keys: CodeMacKeys, poolId: string, kmsKeyId: string, secret: string): Promise<string> {
  const { id } = keys.current;
  return new CompactEncrypt(new TextEncoder().encode(secret))
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM', kid: id, cty: 'text/plain' })
    .encrypt(senderKey(keys, id, poolId, kmsKeyId)!);
}
