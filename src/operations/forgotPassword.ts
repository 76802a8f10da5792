import type { ForgotPasswordRequest, ForgotPasswordResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { InvalidParameterException, LimitExceededException, NotAuthorizedException, UserNotFoundException } from './exceptions.js';
import { auditFailure, recordAudit, type AuditSubject } from './shared/audit.js';
import {
  deliveryDetails,
  HOUR,
  issueResetCode,
  MESSAGES,
  recoveryChannel,
  simulatedDelivery,
  openRecovery,
  recoveryFrontChecks,
} from './shared/recovery.js';
import { customVerificationTemplate } from './shared/customMessage.js';
import { reportDelivery } from './shared/delivery.js';
import { migrateUserForReset } from './shared/userMigration.js';

/**
 * Sends a reset code to the user's verified channel. Order: client, secret hash, IP block,
 * pool rate, recovery setting, per-identifier cap, then the user (a name the pool does not
 * know may be migrated by the UserMigration trigger), the CustomMessage trigger, the code. Under
 * PreventUserExistenceErrors=ENABLED an unknown, disabled or channel-less user gets the same
 * 200 a real user gets, with a simulated destination.
 */
export async function forgotPassword(ctx: OperationContext, input: ForgotPasswordRequest): Promise<ForgotPasswordResponse> {
  const { login, client, pool, user: found, subject } = await openRecovery(ctx, input, 'ForgotPassword');
  try {
    // The per-identifier count is keyed on the submitted identifier, not the user row, so the
    // cap trips at the same count whether or not the user exists.
    const requests = await recoveryFrontChecks(ctx, input, { login, client, pool, user: found }, { key: `forgot:${subject.subjectKey}`, window: HOUR });
    if (pool.settings.AccountRecoverySetting?.RecoveryMechanisms?.some((m) => m.Name === 'admin_only')) {
      throw new NotAuthorizedException(MESSAGES.adminOnly);
    }
    if (requests > ctx.config.reset.forgotPasswordPerHour) throw new LimitExceededException(MESSAGES.limitExceeded);

    const prevent = client.settings.PreventUserExistenceErrors === 'ENABLED';
    // A name the pool does not know may be a user still in a legacy directory: the pool's
    // UserMigration function is asked (ClientMetadata goes to it untouched, never stored).
    const user = found ?? (await migrateUserForReset(ctx, { pool, client, login, clientMetadata: input.ClientMetadata, prevent }));
    if (user && !found) subject.sub = user.sub;
    if (!user) {
      if (!prevent) throw new UserNotFoundException(MESSAGES.userNotFound);
      return await simulated(ctx, subject, pool, login, 'user_not_found');
    }
    if (!user.enabled) {
      if (!prevent) throw new NotAuthorizedException(MESSAGES.userDisabled);
      return await simulated(ctx, subject, pool, login, 'user_disabled');
    }
    if (user.status === 'FORCE_CHANGE_PASSWORD') throw new NotAuthorizedException(MESSAGES.forceChange);
    const choice = user.status === 'UNCONFIRMED' ? ({ kind: 'none' } as const) : recoveryChannel(pool, user);
    if (choice.kind === 'admin_only') throw new NotAuthorizedException(MESSAGES.adminOnly);
    if (choice.kind === 'none') {
      if (!prevent) throw new InvalidParameterException(MESSAGES.noChannel);
      return await simulated(ctx, subject, pool, login, 'no_recovery_channel');
    }
    // Before the transaction: the CustomMessage function may take seconds.
    const template = await customVerificationTemplate(ctx, pool, user, choice.channel, {
      source: 'CustomMessage_ForgotPassword',
      clientId: client.id,
      clientMetadata: input.ClientMetadata,
    });
    // The user's status does not change: the old password keeps working until the confirm.
    await ctx.store.transaction(async (tx) => {
      await issueResetCode(ctx, tx, pool, user, choice.channel, template);
      await recordAudit(ctx, tx, subject, 'Pass', 'code_sent', { medium: choice.channel.medium });
    });
    // Not under PreventUserExistenceErrors: a real user must not answer slower (or
    // differently) than an unknown one (shared/delivery.ts).
    if (!prevent) await reportDelivery(ctx, 'ForgotPassword');
    return { CodeDeliveryDetails: deliveryDetails(choice.channel) };
  } catch (err) {
    return auditFailure(ctx, subject, err);
  }
}

async function simulated(
  ctx: OperationContext,
  subject: AuditSubject,
  pool: Parameters<typeof simulatedDelivery>[1],
  login: string,
  reason: string,
): Promise<ForgotPasswordResponse> {
  // The audit write stands in for the real path's transaction, so both do a write.
  await recordAudit(ctx, ctx.store, subject, 'Fail', reason);
  return { CodeDeliveryDetails: simulatedDelivery(ctx, pool, login) };
}
