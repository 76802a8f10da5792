import type { ChangePasswordRequest, ChangePasswordResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import type { UserRecord } from '../store/records.js';
import { InvalidParameterException, LimitExceededException, NotAuthorizedException } from './exceptions.js';
import { authenticateSelf } from './shared/selfService.js';
import { ACCESS_TOKEN_MESSAGES } from './shared/accessToken.js';
import { AUTH_MESSAGES } from './shared/authParams.js';
import { auditFailure, recordAudit, type AuditSubject } from './shared/audit.js';
import { newCredentials } from './shared/credentials.js';
import { enforcePasswordHistory, enforcePasswordPolicy } from './shared/passwords.js';
import { rememberReplacedPassword } from './shared/passwordHistory.js';
import { HOUR, MESSAGES, RESET_PURPOSE } from './shared/recovery.js';

/** Cognito's quota: wrong previous passwords per user per rolling hour before LimitExceededException. */
export const CHANGE_PASSWORD_FAILURES_PER_HOUR = 5;

// Cognito differs: it lets a user with no password (passwordless sign-in) leave PreviousPassword
// out; this server has no passwordless sign-in, so it is always required. The wording is
// Cognito's request-validation message for a missing member.
export const PREVIOUS_PASSWORD_MISSING =
  "1 validation error detected: Value null at 'previousPassword' failed to satisfy constraint: Member must not be null";

/**
 * The signed-in user replaces its password, proving the current one. Order: the token and the
 * user's state, the new password's composition (pool policy, password-change wording), the
 * hourly cap on wrong previous passwords (counted BEFORE the comparison, so racing guesses get
 * no more), the previous password, then history (one hash per remembered password, only for
 * someone who proved the current one), then one transaction: the new hash and SRP verifier,
 * history, reset codes invalidated, and sessions.
 *
 * Sessions: Cognito keeps every session after ChangePassword. By default (the reset settings'
 * revokeTokensOnReset, as for a reset and AdminSetUserPassword) every session opened with the
 * old password ends, except the caller's own, which just proved the password and carries on.
 * revokeTokensOnReset=false keeps them all, as Cognito does.
 */
export async function changePassword(ctx: OperationContext, input: ChangePasswordRequest): Promise<ChangePasswordResponse> {
  const { pool, user, clientId, originJti } = await authenticateSelf(ctx, input.AccessToken!);
  const subject: AuditSubject = { poolId: pool.id, clientId, eventType: 'PasswordChange', sub: user.sub, subjectKey: null };
  try {
    if (input.PreviousPassword === undefined) throw new InvalidParameterException(PREVIOUS_PASSWORD_MISSING);
    const proposed = input.ProposedPassword!;
    enforcePasswordPolicy(pool, proposed, 'passwordChange');
    await proveCurrentPassword(ctx, user, input.PreviousPassword);
    await enforcePasswordHistory(ctx, pool, user, proposed);

    const credentials = await newCredentials(ctx, pool, user, proposed);
    const now = ctx.clock.now();
    const revoke = ctx.config.reset.revokeTokensOnReset;
    const updated: UserRecord = {
      ...user,
      ...credentials,
      passwordChangedAt: now,
      // A password the user chose itself is no longer a temporary one.
      status: user.status === 'FORCE_CHANGE_PASSWORD' ? 'CONFIRMED' : user.status,
      tokensValidAfter: revoke ? now : user.tokensValidAfter,
      updatedAt: now,
    };
    await ctx.store.transaction(async (tx) => {
      // Deleted meanwhile: its tokens are revoked with it.
      if (!(await tx.users.updateCredentials(updated))) throw new NotAuthorizedException(ACCESS_TOKEN_MESSAGES.revoked);
      await rememberReplacedPassword(tx, pool, user, now);
      // A reset code issued before must not set a password over the one just chosen.
      await tx.codes.invalidateCodes(user.sub, now, RESET_PURPOSE);
      if (revoke) await tx.refreshTokens.carryFamilyOver(originJti, now);
      await recordAudit(ctx, tx, subject, 'Pass', 'password_changed');
    });
    return {};
  } catch (err) {
    return auditFailure(ctx, subject, err);
  }
}

/**
 * Checks PreviousPassword against the stored hash, under the hourly cap. A right password
 * clears the count: the cap is on wrong guesses, not on changes.
 */
async function proveCurrentPassword(ctx: OperationContext, user: UserRecord, previous: string): Promise<void> {
  const key = `change-password-fail:${user.sub}`;
  const now = ctx.clock.now();
  if ((await ctx.store.limits.peek(key, HOUR, now)) >= CHANGE_PASSWORD_FAILURES_PER_HOUR) throw new LimitExceededException(MESSAGES.limitExceeded);
  if ((await ctx.store.limits.hit(key, HOUR, now)) > CHANGE_PASSWORD_FAILURES_PER_HOUR) throw new LimitExceededException(MESSAGES.limitExceeded);
  const ok = user.passwordHash ? await ctx.passwords.verifyPassword(user.passwordHash, previous) : await ctx.passwords.verifyAgainstDummy(previous);
  if (!ok) throw new NotAuthorizedException(AUTH_MESSAGES.incorrect);
  await ctx.store.limits.clear(key);
}
