// Pieces shared by ForgotPassword, ConfirmForgotPassword and AdminResetUserPassword: the
// front checks, identifier keys for limits, reset codes and their messages, and the
// simulated answer that keeps user existence hidden.
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { CodeDeliveryDetailsType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from '../context.js';
import type { Store } from '../../store/store.js';
import type { UserRecord } from '../../store/records.js';
import type { Window } from '../../store/limits.js';
import { macOf } from '../../crypto/codes.js';
import { looksLikeEmail, looksLikePhone, maskEmail, maskPhone } from '../../domain/masking.js';
import { chooseRecoveryChannel, type Channel, type ChannelChoice, type RecoveryMechanism } from '../../domain/recovery.js';
import { usernameKey } from '../../domain/usernames.js';
import { ForbiddenException, TooManyRequestsException } from '../exceptions.js';
import { queueMessage } from '../../delivery/messageLog.js';
import { issueVerificationCode } from './verificationCodes.js';
import type { VerificationTemplate } from '../../domain/verification.js';
import { findUserByLogin, identitySettings } from './users.js';
import { loadClient, type Client, type Pool } from './pools.js';
import { checkSecretHash } from './secretHash.js';
import type { AuditSubject } from './audit.js';

export const RESET_PURPOSE = 'reset';
export const HOUR: Window = { windowMs: 3_600_000, bucketMs: 60_000 };
export const DAY: Window = { windowMs: 86_400_000, bucketMs: 900_000 };
const SECOND: Window = { windowMs: 1000, bucketMs: 1000 };

export const MESSAGES = {
  codeMismatch: 'Invalid verification code provided, please try again.',
  expiredCode: 'Invalid code provided, please request a code again.',
  limitExceeded: 'Attempt limit exceeded, please try after some time.',
  tooManyFailed: 'Too many failed attempts. Please try again later.',
  userNotFound: 'Username/client id combination not found.',
  userDisabled: 'User is disabled.',
  userNotConfirmed: 'User is not confirmed.',
  noChannel: 'Cannot reset password for the user as there is no registered/verified email or phone_number',
  adminOnly: 'Contact administrator to reset password.',
  forceChange: 'User password cannot be reset in the current state.',
  tooManyRequests: 'Too many requests',
  forbidden: 'Request not allowed due to WAF block.',
};

/**
 * A keyed hash of the identifier as submitted (normalised like usernames), so limits keyed
 * on it trip identically for existing and unknown users, and no raw username is stored.
 */
export function identifierKey(ctx: OperationContext, pool: Pool, login: string): string {
  const key = usernameKey(login, identitySettings(pool).caseSensitive);
  return macOf(ctx.codeKeys.current.key, ['identifier', pool.id, key]);
}

/** What ForgotPassword and ConfirmForgotPassword share in their input. */
export interface RecoveryInput {
  ClientId?: string;
  Username?: string;
  SecretHash?: string;
  UserContextData?: AuditSubject['userContextData'];
  AnalyticsMetadata?: AuditSubject['analyticsMetadata'];
}

export interface RecoveryRequest {
  login: string;
  client: Client;
  pool: Pool;
  user: UserRecord | undefined;
  subject: AuditSubject;
}

/**
 * Resolves the client (ResourceNotFoundException when unknown) and the user, and names the
 * audit subject, before the checks whose failures are audited run.
 */
export async function openRecovery(ctx: OperationContext, input: RecoveryInput, eventType: AuditSubject['eventType']): Promise<RecoveryRequest> {
  const login = input.Username!;
  const { client, pool } = await loadClient(ctx, input.ClientId!);
  const user = await findUserByLogin(ctx, pool, login);
  const subject: AuditSubject = {
    poolId: pool.id,
    clientId: client.id,
    eventType,
    sub: user?.sub ?? null,
    subjectKey: identifierKey(ctx, pool, login),
    userContextData: input.UserContextData,
    analyticsMetadata: input.AnalyticsMetadata,
  };
  return { login, client, pool, user, subject };
}

/**
 * The checks both operations run first, in Cognito's order: secret hash, IP block, pool rate.
 * `alsoCount` is a further counter to add in the same transaction (one commit, not two);
 * its total is returned for the caller to judge at its own step.
 */
export async function recoveryFrontChecks(
  ctx: OperationContext,
  input: RecoveryInput,
  r: Omit<RecoveryRequest, 'subject'>,
  alsoCount?: { key: string; window: Window },
): Promise<number> {
  checkSecretHash(r.client, input.SecretHash, [r.login, r.user?.username]);
  checkIpBlock(ctx, r.pool);
  const [rate, other] = await ctx.store.limits.hitAll([{ key: `recovery-rate:${r.pool.id}`, window: SECOND }, ...(alsoCount ? [alsoCount] : [])], ctx.clock.now());
  if (rate! > ctx.config.reset.recoveryRequestsPerSecond) throw new TooManyRequestsException(MESSAGES.tooManyRequests);
  return other ?? 0;
}

const blockLists = new WeakMap<ReadonlyMap<string, string[]>, Map<string, BlockList>>();

function blockListFor(ctx: OperationContext, poolId: string): BlockList | undefined {
  const config = ctx.config.ipBlocklist;
  const ranges = [...(config.get('*') ?? []), ...(config.get(poolId) ?? [])];
  if (ranges.length === 0) return undefined;
  let cache = blockLists.get(config);
  if (!cache) blockLists.set(config, (cache = new Map()));
  let list = cache.get(poolId);
  if (!list) {
    list = new BlockList();
    for (const range of ranges) {
      const [net, bits] = range.split('/') as [string, string];
      list.addSubnet(net, Number(bits), isIPv6(net) ? 'ipv6' : 'ipv4');
    }
    cache.set(poolId, list);
  }
  return list;
}

/** ForbiddenException when the caller's address is in the pool's block list. */
export function checkIpBlock(ctx: OperationContext, pool: Pool): void {
  const list = blockListFor(ctx, pool.id);
  if (!list) return;
  let ip = ctx.request.sourceIp;
  if (ip.startsWith('::ffff:') && isIPv4(ip.slice(7))) ip = ip.slice(7);
  const family = isIPv6(ip) ? 'ipv6' : 'ipv4';
  if (list.check(ip, family)) throw new ForbiddenException(MESSAGES.forbidden);
}

export function recoveryMechanisms(pool: Pool): RecoveryMechanism[] | undefined {
  return pool.settings.AccountRecoverySetting?.RecoveryMechanisms?.map((m) => ({
    name: m.Name as RecoveryMechanism['name'],
    priority: m.Priority ?? 1,
  }));
}

export function recoveryChannel(pool: Pool, user: UserRecord): ChannelChoice {
  const smsMfa = user.mfa.enabled.includes('SMS_MFA');
  return chooseRecoveryChannel(user.attributes, recoveryMechanisms(pool), smsMfa);
}

export function deliveryDetails(channel: Channel): CodeDeliveryDetailsType {
  return {
    Destination: channel.medium === 'EMAIL' ? maskEmail(channel.destination) : maskPhone(channel.destination),
    DeliveryMedium: channel.medium,
    AttributeName: channel.attribute,
  };
}

/**
 * The answer for an unknown, disabled or channel-less user under PreventUserExistenceErrors:
 * shaped exactly like a real one and stable for a given username. A username that is itself
 * an email or phone number is masked as a real destination would be (byte-identical to a
 * real user's answer); otherwise the medium follows the pool's recovery order (or `medium`,
 * when the caller knows which one a real user would get) and the masked letters come from a
 * keyed hash of the username.
 */
export function simulatedDelivery(ctx: OperationContext, pool: Pool, login: string, medium?: Channel['medium']): CodeDeliveryDetailsType {
  if (looksLikeEmail(login)) return { Destination: maskEmail(login), DeliveryMedium: 'EMAIL', AttributeName: 'email' };
  if (looksLikePhone(login)) return { Destination: maskPhone(login), DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
  const h = Buffer.from(identifierKey(ctx, pool, login), 'base64url');
  const first = [...(recoveryMechanisms(pool) ?? [])].sort((a, b) => a.priority - b.priority)[0]?.name;
  const sms = medium ? medium === 'SMS' : first ? first === 'verified_phone_number' : (pool.settings.AutoVerifiedAttributes ?? []).join() === 'phone_number';
  if (sms) {
    const digits = String(h.readUInt32BE(0) % 10000).padStart(4, '0');
    return { Destination: `+*******${digits}`, DeliveryMedium: 'SMS', AttributeName: 'phone_number' };
  }
  const letter = (b: number): string => 'abcdefghijklmnopqrstuvwxyz'[b % 26]!;
  return { Destination: `${letter(h[4]!)}***@${letter(h[5]!)}***`, DeliveryMedium: 'EMAIL', AttributeName: 'email' };
}

/**
 * Issues a fresh reset code (superseding any earlier one) and records its message, inside
 * the caller's transaction. The code leaves this only inside the message body.
 */
export async function issueResetCode(
  ctx: OperationContext,
  tx: Store,
  pool: Pool,
  user: UserRecord,
  channel: Channel,
  /** The CustomMessage trigger's message (shared/customMessage.ts), composed before the transaction. */
  template?: VerificationTemplate,
): Promise<void> {
  await issueVerificationCode(
    ctx,
    tx,
    pool,
    user,
    channel,
    {
      purpose: RESET_PURPOSE,
      ttlMs: ctx.config.reset.codeTtlSeconds * 1000,
      messagePurpose: 'reset_code',
    },
    template,
  );
}

/** The notice after a successful reset: through the same channel, with no secret in it. */
export async function queuePasswordChangedNotice(ctx: OperationContext, tx: Store, pool: Pool, user: UserRecord, channel: Channel): Promise<void> {
  await queueMessage(ctx, tx, {
    poolId: pool.id,
    sub: user.sub,
    channel: channel.medium,
    destination: channel.destination,
    subject: channel.medium === 'EMAIL' ? 'Your password was changed' : null,
    body: `The password for ${user.username} was changed. If you did not do this, contact your administrator.`,
    purpose: 'password_changed',
  });
}
