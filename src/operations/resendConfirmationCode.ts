import type { ResendConfirmationCodeRequest, ResendConfirmationCodeResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { InvalidParameterException, LimitExceededException, NotAuthorizedException, UserNotFoundException } from './exceptions.js';
import { loadClient } from './shared/pools.js';
import { findUserByLogin } from './shared/users.js';
import { checkSecretHash } from './shared/secretHash.js';
import { customVerificationTemplate } from './shared/customMessage.js';
import { reportDelivery } from './shared/delivery.js';
import { checkIpBlock, deliveryDetails, HOUR, identifierKey, MESSAGES } from './shared/recovery.js';
import { issueSignUpCode, RESEND_CODE_PER_HOUR, SIGNUP_MESSAGES, signUpChannelOf, simulatedSignUpDelivery } from './shared/signUpCodes.js';

/**
 * Sends a new confirmation code to an UNCONFIRMED user; it supersedes the earlier one. Order:
 * client, secret hash, IP block, the per-identifier hourly limit, then the user. Under
 * PreventUserExistenceErrors=ENABLED an unknown or disabled user (or one with nowhere to
 * send) gets a simulated delivery shaped like a real one.
 * ClientMetadata goes to the CustomMessage trigger untouched and is never stored.
 */
export async function resendConfirmationCode(ctx: OperationContext, input: ResendConfirmationCodeRequest): Promise<ResendConfirmationCodeResponse> {
  const login = input.Username!;
  const { client, pool } = await loadClient(ctx, input.ClientId!);
  const user = await findUserByLogin(ctx, pool, login);
  checkSecretHash(client, input.SecretHash, [login, user?.username]);
  checkIpBlock(ctx, pool);
  // Keyed on the submitted identifier, not the user row: the cap trips at the same count
  // whether or not the user exists.
  const requests = await ctx.store.limits.hit(`resend-signup:${identifierKey(ctx, pool, login)}`, HOUR, ctx.clock.now());
  if (requests > RESEND_CODE_PER_HOUR) throw new LimitExceededException(MESSAGES.limitExceeded);

  const prevent = client.settings.PreventUserExistenceErrors === 'ENABLED';
  if (!user || !user.enabled) {
    if (prevent) return { CodeDeliveryDetails: simulatedSignUpDelivery(ctx, pool, login) };
    throw user ? new NotAuthorizedException(MESSAGES.userDisabled) : new UserNotFoundException(MESSAGES.userNotFound);
  }
  if (user.status !== 'UNCONFIRMED') throw new InvalidParameterException(SIGNUP_MESSAGES.alreadyConfirmed);
  const channel = signUpChannelOf(pool, user);
  if (!channel) {
    if (prevent) return { CodeDeliveryDetails: simulatedSignUpDelivery(ctx, pool, login) };
    throw new InvalidParameterException(SIGNUP_MESSAGES.noDestination);
  }
  const template = await customVerificationTemplate(ctx, pool, user, channel, { source: 'CustomMessage_ResendCode', clientId: client.id, clientMetadata: input.ClientMetadata });
  await ctx.store.transaction((tx) => issueSignUpCode(ctx, tx, pool, user, channel, template, client.id));
  // Not under PreventUserExistenceErrors: the simulated answer above does no delivery work.
  if (!prevent) await reportDelivery(ctx, 'ResendConfirmationCode');
  return { CodeDeliveryDetails: deliveryDetails(channel) };
}
