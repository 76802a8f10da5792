// Settings of the password-reset journey. Defaults follow the security bar; each can be set
// by an environment variable, and the Cognito-exact choices are one setting away.

export interface ResetSettings {
  /** Lifetime of a reset code. Cognito: 1 hour (fixed). Allowed 300-3600. */
  codeTtlSeconds: number;
  /** Digits in a code. Cognito: 6. Allowed 6-10. */
  codeLength: number;
  /** Wrong guesses compared against one issued code; the next attempt kills the code. */
  maxAttemptsPerCode: number;
  /** Failed ConfirmForgotPassword per user per rolling hour before LimitExceededException. */
  failedConfirmsPerHour: number;
  /** Failed ConfirmForgotPassword per user per 24 hours before TooManyFailedAttemptsException. */
  failedConfirmsPerDay: number;
  /** ForgotPassword requests per submitted identifier per rolling hour. */
  forgotPasswordPerHour: number;
  /** Account-recovery requests per pool per second (Cognito's UserAccountRecovery quota). */
  recoveryRequestsPerSecond: number;
  /**
   * Revoke the user's refresh tokens (and refuse older access tokens) after a reset or an
   * admin password change, and all but the caller's session after ChangePassword.
   * Cognito differs: it keeps them. Set false for Cognito's behaviour.
   */
  revokeTokensOnReset: boolean;
  /** Send a "your password was changed" notice after a reset. Cognito differs: it sends none. */
  passwordChangedNotice: boolean;
  /**
   * Under PreventUserExistenceErrors=ENABLED, answer CodeMismatchException (not
   * ExpiredCodeException) when the user has no outstanding code, so the answer does not tell
   * that the user exists. Cognito differs. Set false for Cognito's behaviour.
   */
  hideNoCodeUnderPrevention: boolean;
}

export const DEFAULT_RESET_SETTINGS: ResetSettings = {
  codeTtlSeconds: 3600,
  codeLength: 6,
  maxAttemptsPerCode: 5,
  failedConfirmsPerHour: 10,
  failedConfirmsPerDay: 100,
  forgotPasswordPerHour: 10,
  recoveryRequestsPerSecond: 30,
  revokeTokensOnReset: true,
  passwordChangedNotice: true,
  hideNoCodeUnderPrevention: true,
};

interface Bound {
  env: string;
  min: number;
  max: number;
}

const NUMERIC: Partial<Record<keyof ResetSettings, Bound>> = {
  codeTtlSeconds: { env: 'USERPOOL_RESET_CODE_TTL_SECONDS', min: 300, max: 3600 },
  codeLength: { env: 'USERPOOL_RESET_CODE_LENGTH', min: 6, max: 10 },
  maxAttemptsPerCode: { env: 'USERPOOL_RESET_MAX_ATTEMPTS_PER_CODE', min: 1, max: 20 },
  failedConfirmsPerHour: { env: 'USERPOOL_RESET_FAILED_CONFIRMS_PER_HOUR', min: 1, max: 1000 },
  failedConfirmsPerDay: { env: 'USERPOOL_RESET_FAILED_CONFIRMS_PER_DAY', min: 1, max: 10000 },
  forgotPasswordPerHour: { env: 'USERPOOL_RESET_REQUESTS_PER_HOUR', min: 1, max: 10000 },
  recoveryRequestsPerSecond: { env: 'USERPOOL_RECOVERY_REQUESTS_PER_SECOND', min: 1, max: 100000 },
};

const BOOLEAN: Partial<Record<keyof ResetSettings, string>> = {
  revokeTokensOnReset: 'USERPOOL_RESET_REVOKE_TOKENS',
  passwordChangedNotice: 'USERPOOL_RESET_PASSWORD_CHANGED_NOTICE',
  hideNoCodeUnderPrevention: 'USERPOOL_RESET_HIDE_NO_CODE',
};

export const RESET_ENV_VARS: string[] = [...Object.values(NUMERIC).map((b) => b!.env), ...Object.values(BOOLEAN)] as string[];

/** Reads the reset settings from the environment; throws naming the variable on a bad value. */
export function loadResetSettings(env: NodeJS.ProcessEnv, fail: (message: string) => Error): ResetSettings {
  const s: ResetSettings = { ...DEFAULT_RESET_SETTINGS };
  for (const [key, bound] of Object.entries(NUMERIC) as [keyof ResetSettings, Bound][]) {
    const raw = env[bound.env];
    if (raw === undefined || raw === '') continue;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < bound.min || n > bound.max) {
      throw fail(`${bound.env} must be a whole number from ${bound.min} to ${bound.max}, got '${raw}'`);
    }
    (s as unknown as Record<string, number>)[key] = n;
  }
  for (const [key, name] of Object.entries(BOOLEAN) as [keyof ResetSettings, string][]) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    if (!['true', 'false'].includes(raw)) throw fail(`${name} must be true or false, got '${raw}'`);
    (s as unknown as Record<string, boolean>)[key] = raw === 'true';
  }
  return s;
}

/**
 * Per-pool IP block lists (standing in for Cognito's WAF association): a JSON object of
 * pool id -> CIDR ranges, "*" for every pool.
 */
export function parseIpBlocklist(raw: string, name: string, fail: (message: string) => Error): ReadonlyMap<string, string[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw fail(`${name} must be a JSON object of pool id -> list of CIDR ranges`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw fail(`${name} must be a JSON object of pool id -> list of CIDR ranges`);
  const out = new Map<string, string[]>();
  for (const [pool, ranges] of Object.entries(parsed)) {
    if (!Array.isArray(ranges) || !ranges.every((r) => typeof r === 'string' && /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(r))) {
      throw fail(`${name}: ranges for '${pool}' must be CIDR strings like 203.0.113.0/24`);
    }
    out.set(pool, ranges as string[]);
  }
  return out;
}
