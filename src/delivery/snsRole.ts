// Publishing SMS as the pool's role. A Cognito pool names in SmsConfiguration.SnsCallerArn the
// IAM role Cognito assumes to publish its SMS (with SmsConfiguration.ExternalId in the
// AssumeRole call, which the role's trust policy may require). With --sns-assume-role we do
// the same: STS AssumeRole for that role, signed with the server's SNS credentials (or the
// SDK's default chain), and Publish with the temporary credentials it returns. So each pool's
// SMS go out under its own role, account and spending limits, and a pool can only publish
// through a role that trusts this server.
//
// Credentials are kept per (region, role, external id) until five minutes before they expire;
// concurrent sends for one role share one AssumeRole call.
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { SmsSettings } from '../config/delivery.js';
import type { DeliveryFailure } from './transport.js';

export interface RoleIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

/** The role of one message: SnsCallerArn and ExternalId of its pool. */
export interface SmsRole {
  arn: string;
  externalId: string | undefined;
}

/** The first 15 minutes are the shortest session STS grants; refreshed well before the end. */
const SESSION_SECONDS = 900;
const REFRESH_BEFORE_MS = 5 * 60_000;
const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'ServiceUnavailable', 'InternalFailure', 'InternalError']);

interface AwsError {
  name?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * STS refusing the role is a trust fault (InvalidSmsRoleTrustRelationshipException): the role
 * does not trust our identity, the ExternalId does not match, the ARN is not a role, or our
 * own credentials are refused. Throttling, 5xx and the network are transient.
 */
export function classifyStsError(err: unknown): DeliveryFailure {
  const e = (err ?? {}) as AwsError;
  const name = typeof e.name === 'string' ? e.name.replace(/[^\w]/g, '').slice(0, 64) : 'Error';
  const status = e.$metadata?.httpStatusCode;
  const detail = `sts ${name}${status ? ` ${status}` : ''}`;
  if (THROTTLING.has(name) || status === undefined || status >= 500 || status === 429 || e.$fault === 'server') return { kind: 'transient', detail };
  return { kind: 'sms_trust', detail };
}

/** A role session name STS accepts ([\w+=,.@-], 2-64 characters) naming the pool. */
function sessionName(poolId: string): string {
  return `userpool-${poolId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export class RoleCredentials {
  private readonly clients = new Map<string, STSClient>();
  private readonly cache = new Map<string, { identity: RoleIdentity; refreshAt: number }>();
  private readonly pending = new Map<string, Promise<RoleIdentity | DeliveryFailure>>();

  constructor(
    private readonly settings: SmsSettings,
    private readonly timeoutMs: number,
  ) {}

  static key(region: string, role: SmsRole): string {
    return `${region}\n${role.arn}\n${role.externalId ?? ''}`;
  }

  /** The role's credentials, from the cache or a fresh AssumeRole; a classified failure otherwise. */
  async get(region: string, role: SmsRole, poolId: string): Promise<RoleIdentity | DeliveryFailure> {
    const key = RoleCredentials.key(region, role);
    const cached = this.cache.get(key);
    if (cached && cached.refreshAt > Date.now()) return cached.identity;
    let call = this.pending.get(key);
    if (!call) {
      call = this.assume(key, region, role, poolId).finally(() => this.pending.delete(key));
      this.pending.set(key, call);
    }
    return call;
  }

  /** Forgets a role's credentials (SNS refused them: the next attempt assumes the role again). */
  forget(region: string, role: SmsRole): void {
    this.cache.delete(RoleCredentials.key(region, role));
  }

  close(): void {
    for (const c of this.clients.values()) c.destroy();
    this.clients.clear();
    this.cache.clear();
  }

  private async assume(key: string, region: string, role: SmsRole, poolId: string): Promise<RoleIdentity | DeliveryFailure> {
    try {
      const out = await this.client(region).send(
        new AssumeRoleCommand({
          RoleArn: role.arn,
          RoleSessionName: sessionName(poolId),
          ...(role.externalId && { ExternalId: role.externalId }),
          DurationSeconds: SESSION_SECONDS,
        }),
      );
      const c = out.Credentials;
      if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) return { kind: 'transient', detail: 'sts incomplete credentials' };
      const identity = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
      const expires = c.Expiration ? c.Expiration.getTime() : Date.now() + SESSION_SECONDS * 1000;
      this.cache.set(key, { identity, refreshAt: expires - REFRESH_BEFORE_MS });
      return identity;
    } catch (err) {
      return classifyStsError(err);
    }
  }

  private client(region: string): STSClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new STSClient({
        region,
        ...(this.settings.stsEndpoint && { endpoint: this.settings.stsEndpoint }),
        ...(this.settings.snsCredentials && { credentials: this.settings.snsCredentials }),
        maxAttempts: 1,
        requestHandler: { connectionTimeout: this.timeoutMs, requestTimeout: this.timeoutMs },
      });
      this.clients.set(region, client);
    }
    return client;
  }
}
