// Every message the server sends is recorded first. Real SMTP and SMS transports build on
// this log; in development mode the log is what the inspection endpoints show, and the
// console gets one line per message with the destination masked (never the body).
import { randomUUID } from 'node:crypto';
import type { Services } from '../operations/context.js';
import type { MessageRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { maskEmail, maskPhone } from '../domain/masking.js';

/** A message to record: everything but what recording assigns (id, status, time). */
export type OutgoingMessage = Omit<MessageRecord, 'id' | 'status' | 'createdAt'>;

/** Records the message (inside the caller's transaction when `store` is one). */
export async function queueMessage(services: Services, store: Store, message: OutgoingMessage): Promise<MessageRecord> {
  const record: MessageRecord = { ...message, id: randomUUID(), status: 'recorded', createdAt: services.clock.now() };
  await store.messages.recordMessage(record);
  if (services.config.dev) {
    const masked = message.channel === 'EMAIL' ? maskEmail(message.destination) : maskPhone(message.destination);
    services.logger.info({ messageId: record.id, channel: message.channel, destination: masked, purpose: message.purpose }, 'message recorded');
  }
  return record;
}
