// SMS: through Amazon SNS Publish (or any SNS-compatible endpoint), or through an HTTP
// webhook for other gateways. Every failure is classified for the outbox (see transport.ts).
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import type { SmsSettings } from '../config/delivery.js';
import type { DeliveryFailure, SendResult, SmsEnvelope, Transport } from './transport.js';
import { RoleCredentials, type RoleIdentity } from './snsRole.js';

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
  // One client per region and identity (the server's credentials, or one role session).
  const clients = new Map<string, { accessKeyId: string | undefined; client: SNSClient }>();
  const roles = settings.snsAssumeRole ? new RoleCredentials(settings, timeoutMs) : undefined;
  const clientFor = (key: string, region: string, identity: RoleIdentity | undefined): SNSClient => {
    const known = clients.get(key);
    if (known && known.accessKeyId === identity?.accessKeyId) return known.client;
    // A role's credentials were renewed: a client with the new ones replaces the old.
    known?.client.destroy();
    const client = new SNSClient({
      region,
      ...(settings.snsEndpoint && { endpoint: settings.snsEndpoint }),
      ...((identity ?? settings.snsCredentials) && { credentials: identity ?? settings.snsCredentials }),
      // The outbox retries with its own back-off; the SDK's quick retries would only hide it.
      maxAttempts: 1,
      requestHandler: { connectionTimeout: timeoutMs, requestTimeout: timeoutMs },
    });
    clients.set(key, { accessKeyId: identity?.accessKeyId, client });
    return client;
  };
  return {
    name: 'sns',
    async send(e: SmsEnvelope): Promise<SendResult> {
      let identity: RoleIdentity | undefined;
      if (roles) {
        // The envelope refuses SNS without a role (sms_policy) before a transport is asked.
        if (!e.role) return { kind: 'sms_policy', detail: 'pool has no SmsConfiguration' };
        const assumed = await roles.get(e.region, e.role, e.poolId);
        if ('kind' in assumed) return assumed;
        identity = assumed;
      }
      try {
        await clientFor(roles && e.role ? RoleCredentials.key(e.region, e.role) : e.region, e.region, identity).send(
          new PublishCommand({
            PhoneNumber: e.to,
            Message: e.text,
            // Codes are transactional: SNS routes them for reliability, not cost.
            MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } },
          }),
        );
        return { kind: 'sent' };
      } catch (err) {
        const failure = classifySnsError(err);
        // Expired or revoked role credentials: assume the role afresh on the next attempt.
        if (roles && e.role && failure.kind === 'sms_trust') roles.forget(e.region, e.role);
        return failure;
      }
    },
    async close(): Promise<void> {
      for (const c of clients.values()) c.client.destroy();
      clients.clear();
      roles?.close();
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
