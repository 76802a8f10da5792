import type { GetUserAttributeVerificationCodeRequest, GetUserAttributeVerificationCodeResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { InvalidParameterException, LimitExceededException } from './exceptions.js';
import { authenticateSelf } from './shared/selfService.js';
import { HOUR, MESSAGES } from './shared/recovery.js';
import {
  ATTRIBUTE_CODES_PER_HOUR,
  attributeCodeLimitKey,
  channelTo,
  isVerifiable,
  issueAttributeCode,
  pendingValue,
  VERIFY_MESSAGES,
} from './shared/attributeVerification.js';
import { customVerificationTemplate } from './shared/customMessage.js';
import { reportDelivery } from './shared/delivery.js';

/**
 * Sends the signed-in user a code that verifies its email address or phone number
 * (VerifyUserAttribute takes it). The code goes to the value on record or, while an update of
 * it is held back until verified, to the pending new value; it supersedes the attribute's
 * earlier code. A value already verified can be verified again, as in Cognito. Five codes per
 * user per rolling hour, counting those UpdateUserAttributes sends.
 * ClientMetadata goes to the CustomMessage trigger untouched and is never stored.
 * A mail or SMS server refusing the message within the delivery wait answers
 * CodeDeliveryFailureException (or the Invalid*Role* exception of a refused sender), as
 * ForgotPassword does; the code stays issued, so a later request can send a new one.
 */
export async function getUserAttributeVerificationCode(
  ctx: OperationContext,
  input: GetUserAttributeVerificationCodeRequest,
): Promise<GetUserAttributeVerificationCodeResponse> {
  const { pool, user, client } = await authenticateSelf(ctx, input.AccessToken!);
  const attribute = input.AttributeName!;
  if (!isVerifiable(attribute)) throw new InvalidParameterException(VERIFY_MESSAGES.invalidAttribute);
  const destination = (await pendingValue(ctx, pool, user, attribute)) ?? user.attributes[attribute];
  if (!destination) throw new InvalidParameterException(attribute === 'email' ? VERIFY_MESSAGES.noEmail : VERIFY_MESSAGES.noPhone);
  if ((await ctx.store.limits.hit(attributeCodeLimitKey(user.sub), HOUR, ctx.clock.now())) > ATTRIBUTE_CODES_PER_HOUR) {
    throw new LimitExceededException(MESSAGES.limitExceeded);
  }
  const channel = channelTo(attribute, destination);
  // Before the transaction: the CustomMessage function may take seconds.
  const template = await customVerificationTemplate(ctx, pool, user, channel, {
    source: 'CustomMessage_VerifyUserAttribute',
    clientId: client.id,
    clientMetadata: input.ClientMetadata,
  });
  const details = await ctx.store.transaction((tx) => issueAttributeCode(ctx, tx, pool, user, channel, template));
  // The caller is the signed-in user: nothing about existence to hide, so the answer may wait.
  await reportDelivery(ctx, 'GetUserAttributeVerificationCode');
  return { CodeDeliveryDetails: details };
}
