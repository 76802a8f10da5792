// The PreSignUp trigger: before a self-signed-up user is written, the pool's function sees the
// sign-up (PreSignUp_SignUp; PreSignUp_AdminCreateUser for AdminCreateUser, where
// autoConfirmUser changes nothing: the user still chooses a password at first sign-in;
// the attributes as submitted, without sub or status, which do not
// exist yet; ValidationData and ClientMetadata untouched) and may refuse it (its error becomes
// `PreSignUp failed with error <message>.`), confirm the user at once (autoConfirmUser: no
// confirmation code is sent) and mark the email or phone number verified (autoVerifyEmail,
// autoVerifyPhone; only for an attribute the user gave).
import type { AttributeType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from '../context.js';
import { eventWithoutUser } from '../../triggers/events.js';
import { InvalidLambdaResponseException } from '../exceptions.js';
import type { Pool } from './pools.js';

export interface PreSignUpAnswer {
  autoConfirmUser: boolean;
  autoVerifyEmail: boolean;
  autoVerifyPhone: boolean;
}

const NOTHING: PreSignUpAnswer = { autoConfirmUser: false, autoVerifyEmail: false, autoVerifyPhone: false };

export async function preSignUp(
  ctx: OperationContext,
  pool: Pool,
  r: {
    userName: string;
    attributes: Readonly<Record<string, string>>;
    /** null for AdminCreateUser (CLIENT_ID_NOT_APPLICABLE). */
    clientId: string | null;
    /** Default PreSignUp_SignUp. */
    triggerSource?: 'PreSignUp_SignUp' | 'PreSignUp_AdminCreateUser';
    validationData: AttributeType[] | undefined;
    clientMetadata: Record<string, string> | undefined;
  },
): Promise<PreSignUpAnswer> {
  const lambdaConfig = pool.settings.LambdaConfig as Record<string, unknown> | undefined;
  if (!ctx.triggers.arnOf(lambdaConfig, 'PreSignUp')) return NOTHING;
  const validationData = r.validationData ? Object.fromEntries(r.validationData.map((a) => [a.Name!, a.Value ?? ''])) : null;
  const answered = await ctx.triggers.run(
    lambdaConfig,
    'PreSignUp',
    eventWithoutUser({
      triggerSource: r.triggerSource ?? 'PreSignUp_SignUp',
      poolId: pool.id,
      userName: r.userName,
      clientId: r.clientId,
      userAgent: ctx.request.userAgent,
      request: { userAttributes: { ...r.attributes }, validationData, clientMetadata: r.clientMetadata ?? {} },
      response: { ...NOTHING },
    }),
  );
  const response: unknown = answered?.response;
  if (response === undefined || response === null) return NOTHING;
  if (typeof response !== 'object' || Array.isArray(response)) throw new InvalidLambdaResponseException('Unrecognizable lambda output');
  const flag = (value: unknown): boolean => {
    if (value === undefined || value === null) return false;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw new InvalidLambdaResponseException('Unrecognizable lambda output');
  };
  const answer = response as Record<string, unknown>;
  return { autoConfirmUser: flag(answer.autoConfirmUser), autoVerifyEmail: flag(answer.autoVerifyEmail), autoVerifyPhone: flag(answer.autoVerifyPhone) };
}

/**
 * The attributes with the ones the function auto-verified marked so (when the user has them);
 * the same object when it verified nothing.
 */
export function withAutoVerified(attributes: Record<string, string>, answer: PreSignUpAnswer): Record<string, string> {
  if (!(answer.autoVerifyEmail && attributes.email) && !(answer.autoVerifyPhone && attributes.phone_number)) return attributes;
  const out = { ...attributes };
  if (answer.autoVerifyEmail && attributes.email) out.email_verified = 'true';
  if (answer.autoVerifyPhone && attributes.phone_number) out.phone_number_verified = 'true';
  return out;
}
