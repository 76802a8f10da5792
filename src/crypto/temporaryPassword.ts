// Temporary passwords for AdminCreateUser, from the CSPRNG, meeting every rule of the pool's
// policy so the user can always sign in with what was sent.
import { randomInt } from 'node:crypto';

export interface TemporaryPasswordRules {
  minimumLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
}

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
// Symbols from Cognito's set that survive being pasted from an email or SMS: no quotes,
// backslash, backtick or space.
const SYMBOLS = '^$*.[]{}()?!@#%&/,><:;|_~=+-';

/** Never shorter than this, even when the pool allows 6: it is a bearer secret sent by mail. */
export const TEMPORARY_PASSWORD_FLOOR = 12;

export function generateTemporaryPassword(rules: TemporaryPasswordRules): string {
  const length = Math.max(rules.minimumLength, TEMPORARY_PASSWORD_FLOOR);
  const required: string[] = [];
  if (rules.requireUppercase) required.push(UPPER);
  if (rules.requireLowercase) required.push(LOWER);
  if (rules.requireNumbers) required.push(DIGITS);
  if (rules.requireSymbols) required.push(SYMBOLS);
  // Look-alike letters and digits (O/0, l/1, I) are left out: the user types this by hand.
  const all = UPPER + LOWER + DIGITS + SYMBOLS;
  const chars = required.map((set) => set[randomInt(set.length)]!);
  while (chars.length < length) chars.push(all[randomInt(all.length)]!);
  // Fisher-Yates with the CSPRNG, so the required characters sit at no predictable position.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}
