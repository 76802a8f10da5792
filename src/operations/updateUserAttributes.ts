import type { CodeDeliveryDetailsType, UpdateUserAttributesRequest, UpdateUserAttributesResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import type { Channel } from '../domain/recovery.js';
import { applyAttributeUpdate } from '../domain/attributes.js';
import { AliasExistsException, TooManyRequestsException } from './exceptions.js';
import { authenticateSelf } from './shared/selfService.js';
import { checkClientWrites } from './shared/clientPermissions.js';
import { checkedAttributeWrites } from './shared/userAttributes.js';
import { saveAttributeChange } from './shared/userWrites.js';
import { HOUR, MESSAGES } from './shared/recovery.js';
import {
  ATTRIBUTE_CODES_PER_HOUR,
  attributeCodeLimitKey,
  autoVerified,
  channelTo,
  heldUntilVerified,
  issueAttributeCode,
  VERIFY_MESSAGES,
  type VerifiableAttribute,
} from './shared/attributeVerification.js';
import { customVerificationTemplate } from './shared/customMessage.js';
import { reportDelivery } from './shared/delivery.js';
import type { VerificationTemplate } from '../domain/verification.js';

/**
 * The signed-in user changes its own attributes, within its app client's WriteAttributes
 * (never a `*_verified` flag). A changed email or phone number:
 * - when the pool lists it in AttributesRequireVerificationBeforeUpdate and the user has a
 *   value now, is held back: the old value (and its verified state) stays in force, for
 *   sign-in and for messages, and a code goes to the new value, which VerifyUserAttribute
 *   applies;
 * - otherwise is stored at once, unverified, with a code sent to it when the pool
 *   auto-verifies the attribute.
 * Either way codes sent to the old value die, reset codes included. CodeDeliveryDetailsList
 * lists the codes sent.
 * A code's message refused by the mail or SMS server within the delivery wait answers
 * CodeDeliveryFailureException (or the Invalid*Role* exception of a refused sender), as
 * Cognito does. The update itself is committed by then and stands, as AdminCreateUser's user
 * does: the caller can fix the address with another update, or ask for a new code.
 */
export async function updateUserAttributes(ctx: OperationContext, input: UpdateUserAttributesRequest): Promise<UpdateUserAttributesResponse> {
  const { pool, user, client } = await authenticateSelf(ctx, input.AccessToken!);
  checkClientWrites(client, pool, input.UserAttributes);
  const writes = checkedAttributeWrites(pool, input.UserAttributes, 'update');

  const applied = { ...writes };
  const codes: Channel[] = [];
  for (const attribute of ['email', 'phone_number'] as VerifiableAttribute[]) {
    const value = writes[attribute];
    // A removal ('') or the value the user already has: nothing to verify.
    if (!value || value === user.attributes[attribute]) continue;
    if (heldUntilVerified(pool, attribute) && user.attributes[attribute]) {
      delete applied[attribute];
      codes.push(channelTo(attribute, value));
    } else if (autoVerified(pool, attribute)) {
      codes.push(channelTo(attribute, value));
    }
  }
  const { attributes, changedContacts } = applyAttributeUpdate(user.attributes, applied);
  const removed = Object.keys(applied).filter((name) => applied[name] === '');

  // Each code is a message to an address the caller chose: capped per user, with the codes
  // GetUserAttributeVerificationCode sends, so an account cannot be used to flood a mailbox.
  // Cognito differs: LimitExceededException is not among this operation's errors; the
  // account-level throttle's exception is. A look first spares the CustomMessage function
  // requests that would be refused; the count itself is made in the transaction below.
  const limitKey = attributeCodeLimitKey(user.sub);
  if (codes.length > 0 && (await ctx.store.limits.peek(limitKey, HOUR, ctx.clock.now())) + codes.length > ATTRIBUTE_CODES_PER_HOUR) {
    throw new TooManyRequestsException(MESSAGES.tooManyRequests);
  }
  // The CustomMessage function composes each message before the transaction (it may take
  // seconds); ClientMetadata goes to it untouched and is never stored.
  const templates: Array<VerificationTemplate | undefined> = [];
  for (const channel of codes) {
    templates.push(
      await customVerificationTemplate(ctx, pool, { ...user, attributes }, channel, {
        source: 'CustomMessage_UpdateUserAttribute',
        clientId: client.id,
        clientMetadata: input.ClientMetadata,
      }),
    );
  }
  const details: CodeDeliveryDetailsType[] = [];
  await saveAttributeChange(ctx, pool, user, { attributes, changedContacts, removed }, aliasExists, async (tx) => {
    if (codes.length === 0) return;
    // Counted with the update, so an update refused for any reason counts nothing, and racing
    // updates cannot pass the cap together. Over it, nothing of the update is written.
    if ((await tx.limits.hit(limitKey, HOUR, ctx.clock.now(), codes.length)) > ATTRIBUTE_CODES_PER_HOUR) {
      throw new TooManyRequestsException(MESSAGES.tooManyRequests);
    }
    for (const [i, channel] of codes.entries()) details.push(await issueAttributeCode(ctx, tx, pool, user, channel, templates[i]));
  });
  await reportDelivery(ctx, 'UpdateUserAttributes');
  return details.length > 0 ? { CodeDeliveryDetailsList: details } : {};
}

function aliasExists(kind: string): AliasExistsException {
  return new AliasExistsException(VERIFY_MESSAGES.aliasExists(kind));
}
