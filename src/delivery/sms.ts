// SMS: through Amazon SNS Publish (or any SNS-compatible endpoint), or through an HTTP
// webhook for other gateways. Every failure is classified for the outbox (see transport.ts).
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SmsSettings } from '../config/delivery.js';
import type { DeliveryFailure, SendResult, SmsEnvelope, Transport } from './transport.js';

interface AwsError {
  name?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/** SNS errors that mean the credentials themselves are refused (the trust, not the policy). */
const TRUST_ERRORS = new Set(['InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'ExpiredToken', 'ExpiredTokenException', 'IncompleteSignature', 'InvalidSecurity', 'MissingAuthenticationToken', 'CredentialsProviderError']);
/** SNS errors that mean the identity may not publish. */
const POLICY_ERRORS = new Set(['AuthorizationError', 'AuthorizationErrorException', 'AccessDenied', 'AccessDeniedException', 'OptInRequired']);
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'ThrottledException', 'KMSThrottlingException', 'InternalError', 'InternalErrorException', 'ServiceUnavailable']);

export function classifySnsError(err: unknown): DeliveryFailure {
  const e = (err ?? {}) as AwsError;
  const name = typeof e.name === 'string' ? e.name.replace(/[^\w]/g, '').slice(0, 64) : 'Error';
  const status = e.$metadata?.httpStatusCode;
  const detail = `sns ${name}${status ? ` ${status}` : ''}`;
  if (TRUST_ERRORS.has(name)) return { kind: 'sms_trust', detail };
  if (POLICY_ERRORS.has(name)) return { kind: 'sms_policy', detail };
  if (THROTTLING.has(name) || status === undefined || status >= 500 || status === 429 || e.$fault === 'server') return { kind: 'transient', detail };
  // Anything else the service refused (InvalidParameter for a bad number, an opted-out
  // number, EndpointDisabled): sending it again will not help.
  return { kind: 'rejected', detail };
}

export function snsTransport(settings: SmsSettings, timeoutMs: number): Transport<SmsEnvelope> {
  const clients = new Map<string, SNSClient>();
  const clientFor = (region: string): SNSClient => {
    let client = clients.get(region);
    if (!client) {
      client = new SNSClient({
        region,
        ...(settings.snsEndpoint && { endpoint: settings.snsEndpoint }),
        ...(settings.snsCredentials && { credentials: settings.snsCredentials }),
        // The outbox retries with its own back-off; the SDK's quick retries would only hide it.
        maxAttempts: 1,
        requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
      });
      clients.set(region, client);
    }
    return client;
  };
  return {
    name: 'sns',
    async send(e: SmsEnvelope): Promise<SendResult> {
      try {
        await clientFor(e.region).send(
          new PublishCommand({
            PhoneNumber: e.to,
            Message: e.text,
            // Codes are transactional: SNS routes them for reliability, not cost.
            MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
          }),
        );
        return { kind: 'sent' };
      } catch (err) {
        return classifySnsError(err);
      }
    },
    async close(): Promise<void> {
      for (const c of clients.values()) c.destroy();
      clients.clear();
    },
  };
}

export function classifyWebhookStatus(status: number): SendResult {
  if (status >= 200 && status < 300) return { kind: 'sent' };
  const detail = `http ${status}`;
  if (status === 401) return { kind: 'sms_trust', detail };
  if (status === 403) return { kind: 'sms_policy', detail };
  if (status === 408 || status === 425 || status === 429 || status >= 500) return { kind: 'transient', detail };
  return { kind: 'rejected', detail };
}

/**
 * POSTs `{destination, text, messageId, poolId}` as JSON. The gateway should treat
 * `messageId` (also sent as Idempotency-Key) as a key: after a crash mid-send the outbox may
 * send a message again (at least once), never a different message under the same id.
 */
export function webhookTransport(settings: SmsSettings, timeoutMs: number): Transport<SmsEnvelope> {
  const url = settings.webhookUrl;
  if (!url) throw new Error('the SMS webhook needs --sms-webhook-url');
  return {
    name: 'webhook',
    async send(e: SmsEnvelope): Promise<SendResult> {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': e.id,
            ...(settings.webhookToken && { authorization: `Bearer ${settings.webhookToken}` }),
          },
          body: JSON.stringify({ destination: e.to, text: e.text, messageId: e.id, poolId: e.poolId }),
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'error',
        });
        // The body is not read into anything: drain it so the connection is reused.
        await res.arrayBuffer().catch(() => undefined);
        return classifyWebhookStatus(res.status);
      } catch (err) {
        const name = (err as Error).name === 'TimeoutError' ? 'timeout' : ((err as { cause?: { code?: string } }).cause?.code ?? 'network');
        return { kind: 'transient', detail: `http ${String(name).replace(/[^\w]/g, '')}` };
      }
    },
    async close(): Promise<void> {},
  };
}
