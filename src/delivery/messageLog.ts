// Every message the server sends is recorded first. Real SMTP and SMS transports build on
// this log; in development mode the log is what the inspection endpoints show, and the
// console gets one line per message with the destination masked (never the body).
import { randomBytes } from 'node:crypto';
import type { Services } from '../operations/context.js';
import type { MessageRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { maskEmail, maskPhone } from '../domain/masking.js';

/** A message to record: everything but what recording assigns (id, status, time). */
export type OutgoingMessage = Omit<MessageRecord, 'id' | 'status' | 'createdAt'>;

let sequence = 0;

/**
 * Ids that sort in the order messages were recorded (time, then a per-process sequence), so
 * "the newest message" is well defined even for two messages in the same millisecond.
 */
function messageId(createdAt: number): string {
  sequence = (sequence + 1) % 36 ** 6;
  return `${createdAt.toString(36).padStart(9, '0')}-${sequence.toString(36).padStart(6, '0')}-${randomBytes(6).toString('hex')}`;
}

/** Records the message (inside the caller's transaction when `store` is one). */
export async function queueMessage(services: Services, store: Store, message: OutgoingMessage): Promise<MessageRecord> {
  const createdAt = services.clock.now();
  const record: MessageRecord = { ...message, id: messageId(createdAt), status: 'recorded', createdAt };
  await store.messages.recordMessage(record);
  if (services.config.dev) {
    const masked = message.channel === 'EMAIL' ? maskEmail(message.destination) : maskPhone(message.destination);
    services.logger.info({ messageId: record.id, channel: message.channel, destination: masked, purpose: message.purpose }, 'message recorded');
  }
  return record;
}
