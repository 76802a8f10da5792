// From an outbox row to what a transport sends: the sender from the pool's
// EmailConfiguration, the plain-text alternative of an HTML body, the SNS region from the
// pool's SmsConfiguration. Read at send time, so a retry follows a corrected configuration.
import type { EmailConfigurationType, SmsConfigurationType } from '@aws-sdk/client-cognito-identity-provider';
import type { OutboxMessage } from '../store/messages.js';
import type { Store } from '../store/store.js';
import { emailSender } from '../domain/emailSender.js';
import { htmlToText, looksLikeHtml } from '../domain/messageBody.js';
import type { DeliveryFailure, EmailEnvelope, SmsEnvelope } from './transport.js';

/** The pool settings delivery reads (stored as the API gave them). */
interface DeliveryPoolSettings {
  EmailConfiguration?: EmailConfigurationType;
  SmsConfiguration?: SmsConfigurationType;
}

export interface EnvelopeOptions {
  /** The From address when the pool names none (--email-from). */
  defaultFrom: string;
  /** The server's region, for SNS when the pool names no SnsRegion. */
  region: string;
  /** The SMS transport's name: `sns` needs the pool's SmsConfiguration, as Cognito does. */
  smsTransport: string | undefined;
}

export type Envelope = { channel: 'EMAIL'; email: EmailEnvelope } | { channel: 'SMS'; sms: SmsEnvelope };

export async function buildEnvelope(store: Store, m: OutboxMessage, options: EnvelopeOptions): Promise<Envelope | DeliveryFailure> {
  const pool = await store.pools.findPool(m.poolId);
  // The pool was deleted after the message was queued: nobody is left to send for.
  if (!pool) return { kind: 'rejected', detail: 'pool deleted' };
  const settings = pool.settings as DeliveryPoolSettings;

  if (m.channel === 'EMAIL') {
    const cfg = settings.EmailConfiguration;
    const sender = emailSender({ from: cfg?.From, sourceArn: cfg?.SourceArn, replyTo: cfg?.ReplyToEmailAddress }, options.defaultFrom);
    if (sender.kind === 'refused') return { kind: 'email_identity', detail: `pool ${sender.reason}` };
    const html = looksLikeHtml(m.body) ? m.body : undefined;
    return {
      channel: 'EMAIL',
      email: {
        id: m.id,
        to: m.destination,
        from: sender.from,
        replyTo: sender.replyTo,
        subject: m.subject ?? '',
        text: html ? htmlToText(html) : m.body,
        html,
      },
    };
  }

  const sms = settings.SmsConfiguration;
  // Cognito sends SMS only for a pool that names the IAM role it publishes with; a pool
  // without one gets InvalidSmsRoleAccessPolicyException. Our SNS credentials are the
  // server's, but the pool must still say it sends SMS. A webhook gateway is outside AWS's
  // model, so it asks nothing of the pool.
  if (options.smsTransport === 'sns' && !sms?.SnsCallerArn) return { kind: 'sms_policy', detail: 'pool has no SmsConfiguration' };
  return {
    channel: 'SMS',
    sms: {
      id: m.id,
      poolId: m.poolId,
      to: m.destination,
      text: m.body,
      region: sms?.SnsRegion || options.region,
      role: sms?.SnsCallerArn ? { arn: sms.SnsCallerArn, externalId: sms.ExternalId || undefined } : undefined,
    },
  };
}
