// Every message the server sends is recorded first, in the transaction that made it: the
// row is the outbox entry the delivery worker (worker.ts) sends afterwards, so a message is
// never sent for a change that rolled back, and never lost for one that committed.
//
// A message that carries a secret (a code, a temporary password) keeps it only until it is
// delivered or expires: the row also holds a redacted copy (secrets replaced by {####}) that
// overwrites the text once the message is final. The development log is the exception: with
// --dev nothing is redacted, so /_aws/ses and /_aws/sns show the codes, and the console gets
// one line per message with the destination masked (never the body).
import { randomBytes } from 'node:crypto';
import type { Services } from '../operations/context.js';
import type { MessageRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { maskEmail, maskPhone } from '../domain/masking.js';
import { redactSecrets } from '../domain/messageBody.js';

/** A message to record: everything but what recording assigns (id, status, time). */
export type OutgoingMessage = Omit<MessageRecord, 'id' | 'status' | 'createdAt'> & {
  /** The secrets in subject or body (a code, a temporary password), kept only until the message is final. */
  secrets?: readonly string[];
  /** When the message stops being worth sending (its code's expiry). Default: a day after it is recorded. */
  expiresAt?: number;
};

/** How long a message without an expiry of its own (a notice) is worth sending. */
const DEFAULT_LIFETIME_MS = 24 * 3_600_000;

let sequence = 0;

/**
 * Ids that sort in the order messages were recorded (time, then a per-process sequence), so
 * "the newest message" is well defined even for two messages in the same millisecond.
 */
function messageId(createdAt: number): string {
  sequence = (sequence + 1) % 36 ** 6;
  return `${createdAt.toString(36).padStart(9, '0')}-${sequence.toString(36).padStart(6, '0')}-${randomBytes(6).toString('hex')}`;
}

/**
 * The messages each request queued, keyed by the request's context object (a WeakMap, so
 * nothing outlives the request): the operation reads them back after its transaction to wait
 * for their first delivery attempt (operations/shared/delivery.ts).
 */
const queuedByRequest = new WeakMap<object, MessageRecord[]>();

/** The messages queued so far with this context (an OperationContext). */
export function messagesQueuedBy(ctx: object): readonly MessageRecord[] {
  return queuedByRequest.get(ctx) ?? [];
}

/** Records the message (inside the caller's transaction when `store` is one). */
export async function queueMessage(services: Services, store: Store, message: OutgoingMessage): Promise<MessageRecord> {
  const createdAt = services.clock.now();
  const { secrets = [], expiresAt = createdAt + DEFAULT_LIFETIME_MS, ...fields } = message;
  const delivery = services.delivery;
  // In development a channel with no transport is delivered by being logged: nothing will
  // send it, so it is final at once. Otherwise it waits for a transport, in this process or
  // another, until it expires.
  const logOnly = services.config.dev && !delivery.hasTransport(message.channel);
  const record: MessageRecord = { ...fields, id: messageId(createdAt), status: logOnly ? 'recorded' : 'pending', createdAt };
  const redact = !services.config.dev && secrets.some((s) => s.length > 0);
  await store.messages.recordMessage(record, {
    nextAttemptAt: logOnly ? null : createdAt,
    expiresAt,
    redactedSubject: redact && record.subject !== null ? redactSecrets(record.subject, secrets) : null,
    redactedBody: redact ? redactSecrets(record.body, secrets) : null,
  });
  // Not sent from here: the transaction has not committed yet. The operation either waits
  // for the first attempt after its commit, or the worker's next look picks it up.
  let queued = queuedByRequest.get(services);
  if (!queued) queuedByRequest.set(services, (queued = []));
  queued.push(record);
  if (services.config.dev) {
    const masked = message.channel === 'EMAIL' ? maskEmail(message.destination) : maskPhone(message.destination);
    services.logger.info({ messageId: record.id, channel: message.channel, destination: masked, purpose: message.purpose }, 'message recorded');
  }
  return record;
}
