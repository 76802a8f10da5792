// The CustomMessage trigger: before a code (or an invitation's temporary password) goes out,
// the pool's function gets Cognito's event and may answer its own emailSubject, emailMessage
// and smsMessage. Its text replaces the pool's template; {####} (the codeParameter) is then
// filled with the code exactly as in a template message, so the function never sees a code.
//
// Run it BEFORE the transaction that issues the code: a function may take up to 5 seconds,
// and a transaction held that long would stall every other write.
//
// What the function answers is checked as Cognito checks it. A message without the code
// placeholder, or too long, is refused with InvalidParameterException in AWS's validation
// wording (observed: `1 validation error detected: Value '<html>...' at 'emailBody' failed to
// satisfy constraint: Member must satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*\{####\}[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]*`,
// amplify-js #6917, amazon-cognito-identity-js #99). A field left null keeps the pool's text.
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import type { Channel } from '../../domain/recovery.js';
import type { VerificationTemplate } from '../../domain/verification.js';
import type { InviteTemplate } from '../../domain/inviteMessage.js';
import { triggerEvent } from '../../triggers/events.js';
import { InvalidLambdaResponseException, InvalidParameterException } from '../exceptions.js';
import { verificationTemplate } from './verificationCodes.js';
import type { Pool } from './pools.js';
import { customSenderOf, markForSender } from './customSender.js';

export type CustomMessageSource =
  | 'CustomMessage_SignUp'
  | 'CustomMessage_AdminCreateUser'
  | 'CustomMessage_ResendCode'
  | 'CustomMessage_ForgotPassword'
  | 'CustomMessage_UpdateUserAttribute'
  | 'CustomMessage_VerifyUserAttribute';

export interface MessageTrigger {
  source: CustomMessageSource;
  /** The app client of the request; null for admin operations (CLIENT_ID_NOT_APPLICABLE). */
  clientId: string | null;
  /** The request's ClientMetadata, passed through untouched and never stored. */
  clientMetadata: Record<string, string> | undefined;
}

export const CODE_PARAMETER = '{####}';
export const USERNAME_PARAMETER = '{username}';
/** Newer events carry it; there are no hosted link pages, so it is never filled. */
export const LINK_PARAMETER = '{##Click Here##}';

const TEXT = String.raw`[\p{L}\p{M}\p{S}\p{N}\p{P}\s*]`;
const EMAIL_TEXT = new RegExp(`^${TEXT}*$`, 'u');
const SUBJECT_TEXT = /^[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+$/u;
const EMAIL_PATTERN = `${TEXT}*\\{####\\}${TEXT}*`;
const SUBJECT_PATTERN = String.raw`[\p{L}\p{M}\p{S}\p{N}\p{P}\s]+`;
const SMS_PATTERN = String.raw`.*\{####\}.*`;

/**
 * The verification message for a code going to `channel`: the pool's template with the
 * function's answer over it, or undefined (the pool's own) when the pool sets no
 * CustomMessage function.
 */
export async function customVerificationTemplate(
  ctx: OperationContext,
  pool: Pool,
  user: UserRecord,
  channel: Channel,
  trigger: MessageTrigger,
): Promise<VerificationTemplate | undefined> {
  // A custom sender function composes and sends this message itself (shared/customSender.ts).
  if (customSenderOf(pool, channel.medium)) return markForSender({ ...verificationTemplate(pool) }, channel.medium, trigger);
  const answer = await askFunction(ctx, pool, user, trigger, null);
  if (!answer) return undefined;
  return { ...verificationTemplate(pool), ...checkedAnswer(answer, channel.medium) };
}

/**
 * The invitation for AdminCreateUser (CustomMessage_AdminCreateUser, with usernameParameter):
 * `base` with the function's answer over it, checked for every medium the invite goes to.
 */
export async function customInviteTemplate(
  ctx: OperationContext,
  pool: Pool,
  user: UserRecord,
  mediums: ReadonlyArray<Channel['medium']>,
  clientMetadata: Record<string, string> | undefined,
  base: InviteTemplate,
): Promise<InviteTemplate> {
  if (mediums.length === 0) return base;
  const trigger: MessageTrigger = { source: 'CustomMessage_AdminCreateUser', clientId: null, clientMetadata };
  // Mediums with a custom sender function are composed by it (shared/customSender.ts).
  const viaSender = mediums.filter((m) => customSenderOf(pool, m));
  const composed = viaSender.length === mediums.length ? undefined : await askFunction(ctx, pool, user, trigger, USERNAME_PARAMETER);
  let template = { ...base };
  if (composed) for (const medium of mediums) if (!viaSender.includes(medium)) template = { ...template, ...checkedAnswer(composed, medium) };
  for (const medium of viaSender) markForSender(template, medium, trigger);
  return template;
}

type Answer = { emailSubject?: unknown; emailMessage?: unknown; smsMessage?: unknown };

async function askFunction(ctx: OperationContext, pool: Pool, user: UserRecord, trigger: MessageTrigger, usernameParameter: string | null): Promise<Answer | undefined> {
  const event = triggerEvent({
    triggerSource: trigger.source,
    poolId: pool.id,
    user,
    clientId: trigger.clientId,
    userAgent: ctx.request.userAgent,
    request: { codeParameter: CODE_PARAMETER, linkParameter: LINK_PARAMETER, usernameParameter, clientMetadata: trigger.clientMetadata ?? {} },
    response: { smsMessage: null, emailMessage: null, emailSubject: null },
  });
  const answered = await ctx.triggers.run(pool.settings.LambdaConfig as Record<string, unknown> | undefined, 'CustomMessage', event);
  if (!answered) return undefined;
  const response: unknown = answered.response;
  if (response === undefined || response === null) return {};
  if (typeof response !== 'object' || Array.isArray(response)) throw new InvalidLambdaResponseException('Unrecognizable lambda output');
  return response as Answer;
}

/** The fields of the answer that `medium` uses, checked; null or absent ones are left out. */
function checkedAnswer(answer: Answer, medium: Channel['medium']): VerificationTemplate {
  const issues: string[] = [];
  const out: VerificationTemplate = {};
  const text = (value: unknown): string | undefined => {
    if (value === null || value === undefined) return undefined;
    if (typeof value !== 'string') throw new InvalidLambdaResponseException('Unrecognizable lambda output');
    return value;
  };
  if (medium === 'EMAIL') {
    const message = text(answer.emailMessage);
    if (message !== undefined) {
      lengthIssues(issues, 'emailBody', message, 6, 20000);
      if (!message.includes(CODE_PARAMETER) || !EMAIL_TEXT.test(message)) issues.push(patternIssue('emailBody', EMAIL_PATTERN));
      out.emailMessage = message;
    }
    const subject = text(answer.emailSubject);
    if (subject !== undefined) {
      lengthIssues(issues, 'emailSubject', subject, 1, 140);
      if (!SUBJECT_TEXT.test(subject)) issues.push(patternIssue('emailSubject', SUBJECT_PATTERN));
      out.emailSubject = subject;
    }
  } else {
    const message = text(answer.smsMessage);
    if (message !== undefined) {
      lengthIssues(issues, 'smsMessage', message, 6, 140);
      if (!message.includes(CODE_PARAMETER)) issues.push(patternIssue('smsMessage', SMS_PATTERN));
      out.smsMessage = message;
    }
  }
  if (issues.length > 0) {
    // Cognito differs: it quotes the function's message ('Value '<message>' at ...'); the
    // text may hold a user's personal data, so it is not echoed to the caller.
    throw new InvalidParameterException(`${issues.length} validation error${issues.length === 1 ? '' : 's'} detected: ${issues.join('; ')}`);
  }
  return out;
}

function lengthIssues(issues: string[], member: string, value: string, min: number, max: number): void {
  // Cognito counts characters (code points), as the model's length constraints do.
  const length = [...value].length;
  if (length < min) issues.push(`Value at '${member}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`);
  if (length > max) issues.push(`Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
}

function patternIssue(member: string, pattern: string): string {
  return `Value at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${pattern}`;
}
