// Identifiers shaped like Cognito's, from the CSPRNG.
import { randomBytes, randomInt, randomUUID } from 'node:crypto';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function randomString(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** `<region>_<9 alphanumerics>`, e.g. us-east-1_Ab3dE5gH9. */
export function newPoolId(region: string): string {
  return `${region}_${randomString(ALNUM, 9)}`;
}

/** 26 lower-case alphanumerics, as Cognito app client ids are. */
export function newClientId(): string {
  return randomString(LOWER_ALNUM, 26);
}

/** 51 characters, within ClientSecretType's `[\w+]+` pattern. */
export function newClientSecret(): string {
  return randomString(LOWER_ALNUM, 51);
}

export function newSub(): string {
  return randomUUID();
}

/**
 * A UUID (version 7: 48 bits of milliseconds, then 74 random bits) for rows written on every
 * request: audit events, codes, refresh-token families. Ids that grow with time are appended
 * to their index instead of landing on a random page of it, so each commit dirties fewer
 * pages however large the tables grow. Still a UUID wherever one is shown (EventId,
 * origin_jti), and unguessable: the random part alone is wider than a version 4 UUID's half.
 */
export function timeOrderedUuid(nowMs: number): string {
  const b = randomBytes(16);
  b.writeUIntBE(Math.max(0, Math.floor(nowMs)) % 2 ** 48, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
