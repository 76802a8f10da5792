// Verifying a signed-in user's email address or phone number: the codes UpdateUserAttributes
// and GetUserAttributeVerificationCode send and VerifyUserAttribute checks, and the updates a
// pool holds back until the new value is verified
// (UserAttributeUpdateSettings.AttributesRequireVerificationBeforeUpdate).
//
// A code is bound to the value it was sent to (its sent_to): it verifies that address and no
// other. A held-back update lives only in its code: the code's value is the pending new one,
// and verifying the code applies it. Every other change of the attribute supersedes the
// attribute's codes (saveAttributeChange), so a live code whose value differs from the user's
// current one is always a held-back update.
import type { CodeDeliveryDetailsType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from '../context.js';
import type { Store } from '../../store/store.js';
import type { UserRecord } from '../../store/records.js';
import type { Channel } from '../../domain/recovery.js';
import { issueVerificationCode } from './verificationCodes.js';
import type { VerificationTemplate } from '../../domain/verification.js';
import { deliveryDetails } from './recovery.js';
import type { Pool } from './pools.js';

export type VerifiableAttribute = 'email' | 'phone_number';

/** Cognito: attribute verification codes are valid for 24 hours. */
export const ATTRIBUTE_CODE_TTL_MS = 24 * 3_600_000;
/** Codes a user may have sent per rolling hour (GetUserAttributeVerificationCode). */
export const ATTRIBUTE_CODES_PER_HOUR = 5;

export const VERIFY_MESSAGES = {
  invalidAttribute: 'Invalid attribute name. Only phone_number and email can be verified.',
  noEmail: 'User does not have a valid registered email address',
  noPhone: 'User does not have a valid registered phone number',
  aliasExists: (kind: string): string => `An account with the given ${kind} already exists.`,
};

/** The per-user counter of verification codes sent (UpdateUserAttributes and GetUserAttributeVerificationCode). */
export function attributeCodeLimitKey(sub: string): string {
  return `attribute-code:${sub}`;
}

/** The purpose of a verification code for `attribute`, in the store and in its MAC. */
export function verifyPurpose(attribute: string): string {
  return `verify:${attribute}`;
}

export function isVerifiable(name: string): name is VerifiableAttribute {
  return name === 'email' || name === 'phone_number';
}

export function channelTo(attribute: VerifiableAttribute, destination: string): Channel {
  return { medium: attribute === 'email' ? 'EMAIL' : 'SMS', attribute, destination };
}

/** Whether the pool keeps the old value of `attribute` until a new one is verified. */
export function heldUntilVerified(pool: Pool, attribute: string): boolean {
  const held: string[] = pool.settings.UserAttributeUpdateSettings?.AttributesRequireVerificationBeforeUpdate ?? [];
  return held.includes(attribute);
}

/** Whether a changed value of `attribute` gets a verification code (AutoVerifiedAttributes). */
export function autoVerified(pool: Pool, attribute: string): boolean {
  const auto: string[] = pool.settings.AutoVerifiedAttributes ?? [];
  return auto.includes(attribute);
}

/**
 * The new value of a held-back update of `attribute` that is still waiting for its code, if
 * any (its code live and unexpired, and the pool still holding such updates back).
 */
export async function pendingValue(ctx: OperationContext, pool: Pool, user: UserRecord, attribute: VerifiableAttribute): Promise<string | undefined> {
  if (!heldUntilVerified(pool, attribute)) return undefined;
  const code = await ctx.store.codes.latestCode(user.sub, verifyPurpose(attribute));
  if (!code || code.consumedAt !== null || code.expiresAt <= ctx.clock.now() || !code.sentTo) return undefined;
  return code.sentTo !== user.attributes[attribute] ? code.sentTo : undefined;
}

/**
 * Issues a verification code for `channel` (superseding the attribute's earlier one) and
 * records its message, in `tx`. The code leaves this only inside the message body.
 */
export async function issueAttributeCode(
  ctx: OperationContext,
  tx: Store,
  pool: Pool,
  user: UserRecord,
  channel: Channel,
  /** The CustomMessage trigger's message (shared/customMessage.ts), composed before the transaction. */
  template?: VerificationTemplate,
): Promise<CodeDeliveryDetailsType> {
  await issueVerificationCode(
    ctx,
    tx,
    pool,
    user,
    channel,
    {
      purpose: verifyPurpose(channel.attribute),
      ttlMs: ATTRIBUTE_CODE_TTL_MS,
      messagePurpose: 'verify_code',
    },
    template,
  );
  return deliveryDetails(channel);
}
