// CustomEmailSender / CustomSMSSender: a pool that sets one hands every email (or SMS) that
// would carry a code or a temporary password to its function instead of sending it: the
// message is not queued for our own transport, and the function gets Cognito's event
//   { version "1", triggerSource CustomEmailSender_<Source> | CustomSMSSender_<Source>, ...,
//     request: { type: customEmailSenderRequestV1 | customSMSSenderRequestV1, code, clientMetadata,
//                userAttributes } }
// with `code` encrypted (triggers/sealing.ts: a JWE the function opens with the key
// `userpool keys sender-key` prints). The CustomMessage function is not asked for such a
// message: composing it is the sender's job.
//
// When: the code is issued inside the operation's transaction, so the function is invoked
// after the operation has succeeded (startSenderInvocations, from the protocol edge), never
// for a change that rolled back. As in Cognito, the invocation is asynchronous: the caller's
// answer does not wait for it, and a failing function is logged and counted, not answered.
import type { Services, OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import { triggerEvent } from '../../triggers/events.js';
import { encryptForSender } from '../../triggers/sealing.js';
import type { Pool } from './pools.js';

type Medium = 'EMAIL' | 'SMS';

/** The message's origin, in CustomMessage's words (CustomMessage_ForgotPassword...). */
export interface SenderTrigger {
  source: string;
  clientId: string | null;
  clientMetadata: Record<string, string> | undefined;
}

interface Pending {
  lambdaConfig: Record<string, unknown>;
  name: 'CustomEmailSender' | 'CustomSMSSender';
  event: ReturnType<typeof triggerEvent>;
}

/** The sender function a pool sets for `medium`: its ARN and the KMSKeyID the key derives from. */
export function customSenderOf(pool: Pool, medium: Medium): { arn: string; kmsKeyId: string } | undefined {
  const lambdaConfig = pool.settings.LambdaConfig as Record<string, unknown> | undefined;
  const config = lambdaConfig?.[medium === 'EMAIL' ? 'CustomEmailSender' : 'CustomSMSSender'] as { LambdaArn?: string } | undefined;
  if (!config?.LambdaArn) return undefined;
  return { arn: config.LambdaArn, kmsKeyId: typeof lambdaConfig?.KMSKeyID === 'string' ? lambdaConfig.KMSKeyID : '' };
}

/**
 * Templates (verification or invitation) whose message goes to a sender function, per medium:
 * the template object the message is rendered from carries its origin to the code's issuer.
 */
const senderTriggers = new WeakMap<object, Partial<Record<Medium, SenderTrigger>>>();

/** Marks `template` as going to the pool's sender for `medium`; returns it. */
export function markForSender<T extends object>(template: T, medium: Medium, trigger: SenderTrigger): T {
  senderTriggers.set(template, { ...senderTriggers.get(template), [medium]: trigger });
  return template;
}

export function senderTriggerOf(template: object | undefined, medium: Medium): SenderTrigger | undefined {
  return template ? senderTriggers.get(template)?.[medium] : undefined;
}

/** The invocations each request has waiting for its success (keyed by the request's context). */
const pendingByRequest = new WeakMap<object, Pending[]>();

/**
 * Encrypts `secret` (a code or temporary password) for the pool's sender function and holds the
 * event until the operation succeeds. The plain secret goes no further than this call.
 */
export async function queueForSender(ctx: OperationContext, pool: Pool, user: UserRecord, medium: Medium, secret: string, trigger: SenderTrigger): Promise<void> {
  const sender = customSenderOf(pool, medium);
  if (!sender) return;
  const name = medium === 'EMAIL' ? 'CustomEmailSender' : 'CustomSMSSender';
  const event = triggerEvent({
    triggerSource: trigger.source.replace(/^CustomMessage_/, `${name}_`),
    poolId: pool.id,
    user,
    clientId: trigger.clientId,
    userAgent: ctx.request.userAgent,
    request: {
      type: medium === 'EMAIL' ? 'customEmailSenderRequestV1' : 'customSMSSenderRequestV1',
      code: await encryptForSender(ctx.codeKeys, pool.id, sender.kmsKeyId, secret),
      clientMetadata: trigger.clientMetadata ?? {},
    },
  });
  let pending = pendingByRequest.get(ctx);
  if (!pending) pendingByRequest.set(ctx, (pending = []));
  pending.push({ lambdaConfig: { [name]: sender.arn }, name, event });
}

/**
 * Starts the sender invocations a successful operation left waiting; does not wait for them.
 * A failure is the operator's to see (the runner logs and counts every invocation).
 */
export function startSenderInvocations(ctx: Services): void {
  const pending = pendingByRequest.get(ctx);
  if (!pending) return;
  pendingByRequest.delete(ctx);
  for (const p of pending) {
    ctx.triggers.run(p.lambdaConfig, p.name, p.event).catch((err: unknown) => {
      ctx.logger.warn({ triggerSource: p.event.triggerSource, error: (err as Error).name }, 'custom sender function failed; the message was not sent');
    });
  }
}
