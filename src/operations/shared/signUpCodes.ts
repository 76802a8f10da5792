// Confirmation codes for self sign-up, shared by SignUp, ConfirmSignUp, ResendConfirmationCode
// and AdminConfirmSignUp: where the code goes, its lifetime and limits, and the answers.
// The codes themselves are made, stored and checked by the same machinery as reset codes.
import type { CodeDeliveryDetailsType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from '../context.js';
import type { Store } from '../../store/store.js';
import type { UserRecord } from '../../store/records.js';
import type { Channel } from '../../domain/recovery.js';
import { signUpChannel, type VerificationTemplate } from '../../domain/verification.js';
import { issueVerificationCode } from './verificationCodes.js';
import { simulatedDelivery } from './recovery.js';
import type { Pool } from './pools.js';

export const SIGNUP_PURPOSE = 'signup';
/** Cognito: sign-up confirmation codes are valid for 24 hours, not adjustable. */
export const SIGNUP_CODE_TTL_MS = 24 * 3_600_000;
/** Cognito's quota: ConfirmSignUp calls per user per rolling hour. */
export const CONFIRM_SIGN_UP_PER_HOUR = 15;
/** Cognito's quota: ResendConfirmationCode calls per user per rolling hour (counted per submitted identifier). */
export const RESEND_CODE_PER_HOUR = 5;

export const SIGNUP_MESSAGES = {
  notPermitted: 'SignUp is not permitted for this user pool',
  userExists: 'User already exists',
  alreadyConfirmed: 'User is already confirmed.',
  // Cognito differs: its wording for a resend with nowhere to send is not on record.
  noDestination: 'Auto verification not turned on or the user has no attribute to verify.',
  // Cognito differs: it takes SignUp without a password in pools set up for passwordless
  // sign-in, which we do not support; this is its request-validation wording for a missing member.
  passwordMissing: "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null",
  cannotConfirm: (status: string): string => `User cannot be confirmed. Current status is ${status}`,
  aliasExists: (kind: string): string => `An account with the ${kind} already exists.`,
};

/** The channel a confirmation code for this user goes to, per the pool's AutoVerifiedAttributes. */
export function signUpChannelOf(pool: Pool, user: Pick<UserRecord, 'attributes'>): Channel | undefined {
  return signUpChannel(pool.settings.AutoVerifiedAttributes ?? [], user.attributes);
}

/** Issues a confirmation code (superseding the earlier one) and records its message, in `tx`. */
export async function issueSignUpCode(
  ctx: OperationContext,
  tx: Store,
  pool: Pool,
  user: UserRecord,
  channel: Channel,
  /** The CustomMessage trigger's message (shared/customMessage.ts), composed before the transaction. */
  template?: VerificationTemplate,
  /** The app client asking: a CONFIRM_WITH_LINK email's link names it. */
  clientId?: string,
): Promise<void> {
  const spec = { purpose: SIGNUP_PURPOSE, ttlMs: SIGNUP_CODE_TTL_MS, messagePurpose: 'signup_code', linkClientId: clientId };
  await issueVerificationCode(ctx, tx, pool, user, channel, spec, template);
}

/**
 * The answer that hides whether a user exists: shaped like a real one, on the medium a real
 * user of this pool would most likely get (SMS when phone numbers are auto-verified).
 */
export function simulatedSignUpDelivery(ctx: OperationContext, pool: Pool, login: string): CodeDeliveryDetailsType {
  const sms = (pool.settings.AutoVerifiedAttributes ?? []).includes('phone_number');
  return simulatedDelivery(ctx, pool, login, sms ? 'SMS' : 'EMAIL');
}
