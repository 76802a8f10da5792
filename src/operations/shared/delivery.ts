// After an operation commits the messages it queued: wait (briefly) for their first delivery
// attempt, and turn a refusal into the exception Cognito answers.
//
// Why wait at all: Cognito answers CodeDeliveryFailureException when its mail or SMS service
// refuses the message, and the caller then knows to try another address; a fire-and-forget
// outbox could never say so. Why only briefly (--delivery-wait-ms): a slow or unreachable
// server must not hold the request; the worker keeps retrying, and the answer is the success
// it would have been.
//
// Why never under PreventUserExistenceErrors: an unknown user's answer is simulated at once,
// with no delivery behind it. Waiting for a real user's delivery would make real users
// measurably slower (security bar B9: a timing oracle on existence), and a refusal answered
// to them only would be an oracle by content (B7). So those requests do no delivery work at
// all: they return after the commit, and the worker's next look (within a second) sends the
// message. Operations call this only when existence is not being hidden.
//
// The model lists different refusals for different operations (AdminCreateUser has no
// InvalidEmailRoleAccessPolicyException, AdminResetUserPassword no
// CodeDeliveryFailureException). The exception is chosen at run time against the operation's
// list in the model (operationErrors), falling back to CodeDeliveryFailureException, else to
// no exception at all (the failure is then only in the outbox, the log and the audit trail):
// no operation ever answers an error its model does not list.
import type { OperationContext } from '../context.js';
import type { CognitoException } from '../exceptions.js';
import {
  CodeDeliveryFailureException,
  InvalidEmailRoleAccessPolicyException,
  InvalidSmsRoleAccessPolicyException,
  InvalidSmsRoleTrustRelationshipException,
} from '../exceptions.js';
// The model's facts live with the protocol edge; only the error lists are read here.
import { operationErrors } from '../../protocol/validate.js';
import { messagesQueuedBy } from '../../delivery/messageLog.js';
import type { FailureKind } from '../../delivery/transport.js';

const EXCEPTIONS = {
  CodeDeliveryFailureException,
  InvalidEmailRoleAccessPolicyException,
  InvalidSmsRoleAccessPolicyException,
  InvalidSmsRoleTrustRelationshipException,
};
type DeliveryExceptionName = keyof typeof EXCEPTIONS;

/** The exception Cognito answers for each kind of refusal (transient failures answer nothing). */
const PREFERRED: Record<Exclude<FailureKind, 'transient'>, DeliveryExceptionName> = {
  rejected: 'CodeDeliveryFailureException',
  email_identity: 'InvalidEmailRoleAccessPolicyException',
  sms_policy: 'InvalidSmsRoleAccessPolicyException',
  sms_trust: 'InvalidSmsRoleTrustRelationshipException',
};

// Cognito's words where they are on record ("Invalid email provided/Unable to send the
// email" is what SignUp answered for a refused email); the others are ours.
const MESSAGES: Record<DeliveryExceptionName, (channel: 'EMAIL' | 'SMS') => string> = {
  CodeDeliveryFailureException: (channel) =>
    channel === 'EMAIL' ? 'Invalid email provided/Unable to send the email' : 'Invalid phone number provided/Unable to send the SMS',
  InvalidEmailRoleAccessPolicyException: () => 'The user pool is not allowed to send email from its configured sender.',
  InvalidSmsRoleAccessPolicyException: () => 'The user pool is not allowed to publish SMS messages.',
  InvalidSmsRoleTrustRelationshipException: () => 'The SMS gateway did not accept the credentials of the user pool.',
};

/** The exception `operation` may answer for a refusal of this kind, if its model lists one. */
export function deliveryException(operation: string, kind: Exclude<FailureKind, 'transient'>, channel: 'EMAIL' | 'SMS'): CognitoException | undefined {
  const allowed = operationErrors(operation);
  for (const name of [PREFERRED[kind], 'CodeDeliveryFailureException'] as const) {
    if (allowed.has(name)) return new EXCEPTIONS[name](MESSAGES[name](channel));
  }
  return undefined;
}

/**
 * Waits up to the configured time for the first attempt of every message this request
 * queued, and throws the operation's exception for the first refusal. A refused message is
 * given up, so it cannot reach the user after the caller was told it failed. Call after the
 * transaction commits, and only when the answer may depend on the user existing.
 */
export async function reportDelivery(ctx: OperationContext, operation: string): Promise<void> {
  const queued = messagesQueuedBy(ctx).filter((m) => ctx.delivery.hasTransport(m.channel));
  if (queued.length === 0) return;
  // The messages are committed: whatever happens to this attempt, the worker retries them,
  // so a failure here (the store unavailable) is logged, never answered.
  const attempts = ctx.delivery.attemptNow(queued.map((m) => m.id)).catch((err: unknown) => {
    ctx.logger.error({ err, requestId: ctx.request.requestId }, 'delivery attempt failed');
    return undefined;
  });
  const waitMs = ctx.config.delivery.waitMs;
  // Not waited for: the attempt runs on, and the worker records its result.
  if (waitMs === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
  });
  const outcomes = await Promise.race([attempts, timeout]).finally(() => clearTimeout(timer));
  if (!outcomes) return;
  for (const { id, result } of outcomes) {
    if (result.kind === 'sent' || result.kind === 'transient') continue;
    const channel = queued.find((m) => m.id === id)!.channel;
    const err = deliveryException(operation, result.kind, channel);
    if (!err) continue;
    // A rejected message is already final; a configuration refusal would be retried.
    if (result.kind !== 'rejected') await ctx.delivery.cancel(id, `reported: ${result.kind}: ${result.detail}`);
    throw err;
  }
}
