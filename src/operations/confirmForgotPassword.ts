import type { ConfirmForgotPasswordRequest, ConfirmForgotPasswordResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { newCredentials, type Credentials } from './shared/credentials.js';
import type { UserRecord } from '../store/records.js';
import {
  CodeMismatchException,
  ExpiredCodeException,
  LimitExceededException,
  NotAuthorizedException,
  TooManyFailedAttemptsException,
  UserNotConfirmedException,
  UserNotFoundException,
} from './exceptions.js';
import type { Pool } from './shared/pools.js';
import { enforcePasswordHistory, enforcePasswordPolicy } from './shared/passwords.js';
import { rememberReplacedPassword } from './shared/passwordHistory.js';
import { auditFailure, recordAudit, type AuditSubject } from './shared/audit.js';
import {
  DAY,
  HOUR,
  MESSAGES,
  queuePasswordChangedNotice,
  recoveryChannel,
  RESET_PURPOSE,
  openRecovery,
  recoveryFrontChecks,
} from './shared/recovery.js';
import { checkCode } from './shared/codeCheck.js';
import { postConfirmation } from './shared/postConfirmation.js';

/**
 * Sets a new password with a reset code. Order: client, secret hash, IP block, pool rate,
 * user and status, per-user failure limits, password policy (cheap), then count the attempt
 * and compare the code, then history (costly, only for a valid code), then one transaction.
 * A policy or history failure does not burn the code.
 */
export async function confirmForgotPassword(ctx: OperationContext, input: ConfirmForgotPasswordRequest): Promise<ConfirmForgotPasswordResponse> {
  const { login, client, pool, user, subject } = await openRecovery(ctx, input, 'PasswordChange');
  try {
    await recoveryFrontChecks(ctx, input, { login, client, pool, user });
    const prevent = client.settings.PreventUserExistenceErrors === 'ENABLED';
    // Failure counters: per user when there is one, else per submitted identifier, so an
    // unknown name trips the same limits at the same count.
    const failureKey = user ? `confirm-fail:sub:${user.sub}` : `confirm-fail:id:${subject.subjectKey}`;

    if (!user || !user.enabled) {
      if (!prevent) {
        if (!user) throw new UserNotFoundException(MESSAGES.userNotFound);
        throw new NotAuthorizedException(MESSAGES.userDisabled);
      }
      // Same steps as a real user with a wrong code: limits, policy, a counted failure.
      await enforceFailureLimits(ctx, failureKey);
      enforcePasswordPolicy(pool, input.Password!, 'passwordChange');
      await countFailure(ctx, failureKey);
      throw new CodeMismatchException(MESSAGES.codeMismatch);
    }
    if (user.status === 'UNCONFIRMED') throw new UserNotConfirmedException(MESSAGES.userNotConfirmed);
    await enforceFailureLimits(ctx, failureKey);
    enforcePasswordPolicy(pool, input.Password!, 'passwordChange');
    const codeId = await verifyCode(ctx, pool, user, input.ConfirmationCode!, failureKey, prevent);
    await enforcePasswordHistory(ctx, pool, user, input.Password!);
    const credentials = await newCredentials(ctx, pool, user, input.Password!);
    await applyReset(ctx, pool, user, codeId, credentials, subject);
    const confirmed = { ...user, ...credentials, status: 'CONFIRMED' as const };
    await postConfirmation(ctx, 'PostConfirmation_ConfirmForgotPassword', pool, confirmed, client.id, input.ClientMetadata);
    return {};
  } catch (err) {
    return auditFailure(ctx, subject, err);
  }
}

async function enforceFailureLimits(ctx: OperationContext, failureKey: string): Promise<void> {
  const settings = ctx.config.reset;
  const [day, hour] = await ctx.store.limits.peekAll(
    [
      { key: `${failureKey}:day`, window: DAY },
      { key: `${failureKey}:hour`, window: HOUR },
    ],
    ctx.clock.now(),
  );
  // The daily ceiling first: past it no code is evaluated until the window passes.
  if (day! >= settings.failedConfirmsPerDay) throw new TooManyFailedAttemptsException(MESSAGES.tooManyFailed);
  if (hour! >= settings.failedConfirmsPerHour) throw new LimitExceededException(MESSAGES.limitExceeded);
}

/** One statement for both windows: a failure is never counted in one and lost from the other. */
async function countFailure(ctx: OperationContext, failureKey: string): Promise<void> {
  await ctx.store.limits.add(
    [
      { key: `${failureKey}:hour`, window: HOUR },
      { key: `${failureKey}:day`, window: DAY },
    ],
    ctx.clock.now(),
  );
}

/** Counts the attempt, then compares (shared/codeCheck.ts); turns each outcome into Cognito's answer. */
async function verifyCode(
  ctx: OperationContext,
  pool: Pool,
  user: UserRecord,
  code: string,
  failureKey: string,
  prevent: boolean,
): Promise<string> {
  const check = await checkCode(ctx, pool, user, RESET_PURPOSE, code);
  switch (check.kind) {
    case 'ok':
      return check.codeId;
    case 'exhausted':
      throw new LimitExceededException(MESSAGES.limitExceeded);
    case 'none':
      await countFailure(ctx, failureKey);
      // Cognito differs: it answers ExpiredCodeException here, which tells that the user exists.
      if (prevent && ctx.config.reset.hideNoCodeUnderPrevention) throw new CodeMismatchException(MESSAGES.codeMismatch);
      throw new ExpiredCodeException(MESSAGES.expiredCode);
    case 'expired':
      await countFailure(ctx, failureKey);
      throw new ExpiredCodeException(MESSAGES.expiredCode);
    case 'mismatch':
      await countFailure(ctx, failureKey);
      throw new CodeMismatchException(MESSAGES.codeMismatch);
  }
}

/**
 * Everything a successful reset changes, in ONE transaction: consume the code (guarded, so
 * exactly one of several racing requests wins), set the password and CONFIRMED, remember
 * the old hash, kill the user's other codes, revoke tokens, queue the notice, audit.
 */
async function applyReset(
  ctx: OperationContext,
  pool: Pool,
  user: UserRecord,
  codeId: string,
  credentials: Credentials,
  subject: AuditSubject,
): Promise<void> {
  const now = ctx.clock.now();
  const settings = ctx.config.reset;
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.codes.consumeCode(codeId, now))) throw new ExpiredCodeException(MESSAGES.expiredCode);
    await tx.users.updateCredentials({
      sub: user.sub,
      poolId: pool.id,
      ...credentials,
      passwordChangedAt: now,
      status: 'CONFIRMED',
      tokensValidAfter: settings.revokeTokensOnReset ? now : user.tokensValidAfter,
      updatedAt: now,
    });
    await rememberReplacedPassword(tx, pool, user, now);
    await tx.codes.invalidateCodes(user.sub, now);
    if (settings.passwordChangedNotice) {
      const choice = recoveryChannel(pool, user);
      if (choice.kind === 'channel') await queuePasswordChangedNotice(ctx, tx, pool, user, choice.channel);
    }
    await recordAudit(ctx, tx, subject, 'Pass', 'success');
  });
}
