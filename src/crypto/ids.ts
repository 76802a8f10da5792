// Identifiers shaped like Cognito's, from the CSPRNG.
import { randomInt, randomUUID } from 'node:crypto';

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
