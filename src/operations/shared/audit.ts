// Audit events for the recovery journey: one per request outcome, never holding a secret.
import type { UserContextDataType, AnalyticsMetadataType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from '../context.js';
import type { Store } from '../../store/store.js';
import { CognitoException } from '../exceptions.js';
import { timeOrderedUuid } from '../../crypto/ids.js';

export interface AuditSubject {
  poolId: string;
  clientId: string | null;
  eventType: 'ForgotPassword' | 'PasswordChange' | 'SignIn';
  sub: string | null;
  /** Keyed hash of the submitted identifier when no user was found. */
  subjectKey: string | null;
  userContextData?: UserContextDataType;
  analyticsMetadata?: AnalyticsMetadataType;
}

const REASONS: Record<string, string> = {
  CodeMismatchException: 'code_mismatch',
  ExpiredCodeException: 'expired',
  LimitExceededException: 'limit_exceeded',
  TooManyFailedAttemptsException: 'too_many_failed_attempts',
  TooManyRequestsException: 'rate_limited',
  InvalidPasswordException: 'policy_rejected',
  PasswordHistoryPolicyViolationException: 'history_rejected',
  UserNotFoundException: 'user_not_found',
  UserNotConfirmedException: 'user_not_confirmed',
  NotAuthorizedException: 'not_authorized',
  ForbiddenException: 'ip_blocked',
  InvalidParameterException: 'no_recovery_channel',
  UserLambdaValidationException: 'trigger_failed',
  UnexpectedLambdaException: 'trigger_failed',
  InvalidLambdaResponseException: 'trigger_failed',
};

export async function recordAudit(
  ctx: OperationContext,
  store: Store,
  subject: AuditSubject,
  outcome: 'Pass' | 'Fail',
  reason: string,
  extra: Record<string, unknown> = {},
): Promise<void> {
  const encoded = subject.userContextData?.EncodedData;
  await store.audit.recordEvent({
    id: timeOrderedUuid(ctx.clock.now()),
    poolId: subject.poolId,
    sub: subject.sub,
    subjectKey: subject.sub ? null : subject.subjectKey,
    eventType: subject.eventType,
    outcome,
    reason,
    clientId: subject.clientId,
    ip: ctx.request.sourceIp,
    userAgent: ctx.request.userAgent?.slice(0, 512) ?? null,
    // Device fingerprint data is opaque; a bounded prefix is enough to tell devices apart.
    device: encoded ? encoded.slice(0, 512) : null,
    details: {
      ...extra,
      ...(subject.userContextData?.IpAddress ? { contextIpAddress: subject.userContextData.IpAddress } : {}),
      ...(subject.analyticsMetadata?.AnalyticsEndpointId ? { analyticsEndpointId: subject.analyticsMetadata.AnalyticsEndpointId } : {}),
    },
    createdAt: ctx.clock.now(),
  });
}

/** Records a failure event for a Cognito exception, then rethrows it. */
export async function auditFailure(ctx: OperationContext, subject: AuditSubject, err: unknown): Promise<never> {
  if (err instanceof CognitoException) {
    await recordAudit(ctx, ctx.store, subject, 'Fail', REASONS[err.name] ?? err.name).catch((auditErr: unknown) => {
      ctx.logger.error({ err: auditErr, requestId: ctx.request.requestId }, 'audit write failed');
    });
  }
  throw err;
}
