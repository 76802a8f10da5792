// The pool's password rules applied to a new password: composition policy (cheap, no
// hashing) and history (costly: one KDF run per remembered hash, so it runs last).
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import { checkPasswordPolicy, DEFAULT_PASSWORD_POLICY, policyMessage, type PasswordPolicy } from '../../domain/passwordPolicy.js';
import { InvalidPasswordException, PasswordHistoryPolicyViolationException } from '../exceptions.js';
import type { Pool } from './pools.js';

/** The pool's policy in domain terms; absent fields take Cognito's defaults. */
export function passwordPolicyOf(pool: Pool): PasswordPolicy {
  const p = pool.settings.Policies?.PasswordPolicy;
  if (!p) return DEFAULT_PASSWORD_POLICY;
  return {
    minimumLength: p.MinimumLength ?? DEFAULT_PASSWORD_POLICY.minimumLength,
    // When a policy object is sent, absent booleans mean false (the model's default).
    requireUppercase: p.RequireUppercase ?? false,
    requireLowercase: p.RequireLowercase ?? false,
    requireNumbers: p.RequireNumbers ?? false,
    requireSymbols: p.RequireSymbols ?? false,
    temporaryPasswordValidityDays: p.TemporaryPasswordValidityDays || DEFAULT_PASSWORD_POLICY.temporaryPasswordValidityDays,
    passwordHistorySize: p.PasswordHistorySize ?? 0,
  };
}

/** Throws InvalidPasswordException in the operation's wording when the policy is not met. */
export function enforcePasswordPolicy(pool: Pool, password: string, wording: 'signUp' | 'passwordChange'): void {
  const violation = checkPasswordPolicy(passwordPolicyOf(pool), password);
  if (violation) throw new InvalidPasswordException(policyMessage(violation, wording));
}

export const PASSWORD_HISTORY_MESSAGE = 'The password has been used previously. Choose a different password.';

/**
 * Throws PasswordHistoryPolicyViolationException when the password matches the current one
 * or any of the last PasswordHistorySize - 1 earlier ones (the current password counts as
 * one of the remembered N, as in Cognito).
 */
export async function enforcePasswordHistory(ctx: OperationContext, pool: Pool, user: UserRecord, password: string): Promise<void> {
  const size = passwordPolicyOf(pool).passwordHistorySize;
  if (size <= 0) return;
  const hashes = [
    ...(user.passwordHash ? [user.passwordHash] : []),
    ...(await ctx.store.users.recentPasswordHashes(user.sub, size - (user.passwordHash ? 1 : 0))),
  ].slice(0, size);
  for (const hash of hashes) {
    if (await ctx.passwords.verifyPassword(hash, password)) throw new PasswordHistoryPolicyViolationException(PASSWORD_HISTORY_MESSAGE);
  }
}
