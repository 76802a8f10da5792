// Every message the server sends is recorded first. Real SMTP and SMS transports build on
// this log; in development mode the log is what the inspection endpoints show, and the
// console gets one line per message with the destination masked (never the body).
import { randomUUID } from 'node:crypto';
import type { Services } from '../operations/context.js';
import type { MessageRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { maskEmail, maskPhone } from '../domain/masking.js';

export interface OutgoingMessage {
  poolId: string;
  sub: string | null;
  channel: 'EMAIL' | 'SMS';
  destination: string;
  subject: string | null;
  body: string;
  /** What the message is for: reset_code, password_changed, invite, ... */
  purpose: string;
}

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
