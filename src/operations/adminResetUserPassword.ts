import type { AdminResetUserPasswordRequest, AdminResetUserPasswordResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { NotAuthorizedException } from './exceptions.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';
import { recordAudit } from './shared/audit.js';
import { reportDelivery } from './shared/delivery.js';
import { customVerificationTemplate } from './shared/customMessage.js';
import { issueResetCode, MESSAGES, recoveryChannel, RESET_PURPOSE } from './shared/recovery.js';

/**
 * Puts the user in RESET_REQUIRED: the current password stops working (sign-in answers
 * PasswordResetRequiredException) and a reset code goes to the verified channel, if any.
 * Earlier codes die with the change.
 */
export async function adminResetUserPassword(ctx: OperationContext, input: AdminResetUserPasswordRequest): Promise<AdminResetUserPasswordResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  if (!user.enabled) throw new NotAuthorizedException(MESSAGES.userDisabled);
  const now = ctx.clock.now();
  const choice = recoveryChannel(pool, user);
  const resetting = { ...user, status: 'RESET_REQUIRED' as const };
  // Cognito invokes the custom message trigger here too (the model's ClientMetadata notes say
  // so); the source is the forgot-password one. Before the transaction: it may take seconds.
  const template =
    choice.kind === 'channel'
      ? await customVerificationTemplate(ctx, pool, resetting, choice.channel, { source: 'CustomMessage_ForgotPassword', clientId: null, clientMetadata: input.ClientMetadata })
      : undefined;
  await ctx.store.transaction(async (tx) => {
    await tx.users.updateCredentials({
      sub: user.sub,
      poolId: pool.id,
      passwordHash: user.passwordHash,
      srpVerifier: user.srpVerifier,
      passwordChangedAt: user.passwordChangedAt,
      status: 'RESET_REQUIRED',
      tokensValidAfter: user.tokensValidAfter,
      updatedAt: now,
    });
    await tx.codes.invalidateCodes(user.sub, now, RESET_PURPOSE);
    if (choice.kind === 'channel') await issueResetCode(ctx, tx, pool, resetting, choice.channel, template);
    await recordAudit(
      ctx,
      tx,
      { poolId: pool.id, clientId: null, eventType: 'ForgotPassword', sub: user.sub, subjectKey: null },
      'Pass',
      choice.kind === 'channel' ? 'admin_reset_code_sent' : 'admin_reset_no_channel',
    );
  });
  // A refused sender is answered (the model lists it); a refused recipient is not, as the
  // model lists no CodeDeliveryFailureException here: the reset itself stands.
  await reportDelivery(ctx, 'AdminResetUserPassword');
  return {};
}
