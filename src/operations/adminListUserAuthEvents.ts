import type { AdminListUserAuthEventsRequest, AdminListUserAuthEventsResponse, AuthEventType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { InvalidParameterException } from './exceptions.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';
import type { AuditEventRecord } from '../store/records.js';

function encodeToken(e: AuditEventRecord): string {
  return Buffer.from(JSON.stringify([e.createdAt])).toString('base64url');
}

function decodeToken(token: string): number {
  try {
    const [at] = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as [unknown];
    if (typeof at === 'number' && Number.isFinite(at)) return at;
  } catch {
    // fall through
  }
  throw new InvalidParameterException('Invalid pagination token.');
}

/**
 * The user's sign-in and recovery events (SignIn, ForgotPassword, PasswordChange), newest first.
 * Cognito differs: it needs threat protection for this; userpool always records the events.
 */
export async function adminListUserAuthEvents(ctx: OperationContext, input: AdminListUserAuthEventsRequest): Promise<AdminListUserAuthEventsResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  const limit = input.MaxResults ?? 60;
  const before = input.NextToken ? decodeToken(input.NextToken) : undefined;
  const events = await ctx.store.audit.listUserEvents(pool.id, user.sub, limit + 1, before);
  const page = events.slice(0, limit);
  const AuthEvents: AuthEventType[] = page.map((e) => ({
    EventId: e.id,
    EventType: e.eventType as AuthEventType['EventType'],
    CreationDate: new Date(e.createdAt),
    EventResponse: e.outcome as AuthEventType['EventResponse'],
    EventContextData: {
      IpAddress: e.ip ?? undefined,
      DeviceName: e.device ? e.device.slice(0, 64) : undefined,
    },
  }));
  return { AuthEvents, NextToken: events.length > limit ? encodeToken(page[page.length - 1]!) : undefined };
}
