// Pool password policy: composition rules exactly as Cognito applies them. Pure.

export interface PasswordPolicy {
  minimumLength: number;
  requireUppercase: boolean;
  requireLowercase: boolean;
  requireNumbers: boolean;
  requireSymbols: boolean;
  temporaryPasswordValidityDays: number;
  passwordHistorySize: number;
}

/** Cognito's default when CreateUserPool sends no policy. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minimumLength: 8,
  requireUppercase: true,
  requireLowercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 7,
  passwordHistorySize: 0,
};

/** Cognito's special characters (the space counts too, though the API pattern forbids it). */
export const COGNITO_SYMBOLS = new Set('^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+- '.split(''));

export type PolicyViolation = 'length' | 'uppercase' | 'lowercase' | 'numbers' | 'symbols';

/**
 * The first rule the password breaks, or null. Length counts Unicode code points, so a
 * password is never truncated or miscounted; upper/lower case mean Basic Latin letters.
 */
export function checkPasswordPolicy(policy: PasswordPolicy, password: string): PolicyViolation | null {
  const chars = [...password];
  if (chars.length < policy.minimumLength) return 'length';
  if (policy.requireUppercase && !chars.some((c) => c >= 'A' && c <= 'Z')) return 'uppercase';
  if (policy.requireLowercase && !chars.some((c) => c >= 'a' && c <= 'z')) return 'lowercase';
  if (policy.requireNumbers && !chars.some((c) => c >= '0' && c <= '9')) return 'numbers';
  if (policy.requireSymbols && !chars.some((c) => COGNITO_SYMBOLS.has(c))) return 'symbols';
  return null;
}

const REASONS: Record<PolicyViolation, string> = {
  length: 'Password not long enough',
  uppercase: 'Password must have uppercase characters',
  lowercase: 'Password must have lowercase characters',
  numbers: 'Password must have numeric characters',
  symbols: 'Password must have symbol characters',
};

/**
 * Cognito words the same failure differently per operation: SignUp says "did not conform
 * with", the password-change operations (ConfirmForgotPassword, ChangePassword,
 * AdminSetUserPassword, AdminCreateUser's temporary password) say "does not conform to".
 */
export function policyMessage(violation: PolicyViolation, wording: 'signUp' | 'passwordChange'): string {
  const prefix = wording === 'signUp' ? 'Password did not conform with policy: ' : 'Password does not conform to policy: ';
  return prefix + REASONS[violation];
}
