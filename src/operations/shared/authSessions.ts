// The Session of a sign-in challenge: an opaque random string handed to the client, stored
// only as its hash, bound to the pool, app client, user and challenge, valid for the client's
// AuthSessionValidity minutes, and answered at most once.
import type { OperationContext } from '../context.js';
import type { AuthSessionRecord } from '../../store/tokens.js';
import { newOpaqueToken, opaqueTokenHash } from '../../crypto/jwt.js';
import { InvalidParameterException, NotAuthorizedException } from '../exceptions.js';
import { DEFAULT_AUTH_SESSION_MINUTES } from './clientSettings.js';
import type { Client, Pool } from './pools.js';

export const SESSION_MESSAGES = {
  expired: 'Invalid session for the user, session is expired.',
  invalid: 'Invalid session for the user.',
  missing: 'Missing required parameter Session',
};

/** Opens a challenge session; returns the Session string for the response. */
export async function startAuthSession(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  sub: string | null,
  challenge: string,
  data: Record<string, string> | null = null,
): Promise<string> {
  const session = newOpaqueToken();
  const now = ctx.clock.now();
  const minutes = client.settings.AuthSessionValidity ?? DEFAULT_AUTH_SESSION_MINUTES;
  await ctx.store.authSessions.addSession({
    id: opaqueTokenHash(session),
    poolId: pool.id,
    clientId: client.id,
    sub,
    challenge,
    data,
    createdAt: now,
    expiresAt: now + minutes * 60_000,
    consumedAt: null,
  });
  return session;
}

/**
 * The live session for this client and challenge, without using it up (so a request that
 * fails a cheap check, such as the password policy, can be corrected and sent again).
 */
export async function peekAuthSession(ctx: OperationContext, client: Client, session: string | undefined, challenge: string): Promise<AuthSessionRecord> {
  if (!session) throw new InvalidParameterException(SESSION_MESSAGES.missing);
  const found = await ctx.store.authSessions.findSession(opaqueTokenHash(session));
  if (!found || found.clientId !== client.id || found.challenge !== challenge) throw new NotAuthorizedException(SESSION_MESSAGES.invalid);
  if (found.consumedAt !== null || found.expiresAt <= ctx.clock.now()) throw new NotAuthorizedException(SESSION_MESSAGES.expired);
  return found;
}

/** Uses the session up; of several racing answers exactly one gets past this. */
export async function consumeAuthSession(ctx: OperationContext, record: AuthSessionRecord): Promise<void> {
  const taken = await ctx.store.authSessions.takeSession(record.id, ctx.clock.now());
  if (taken.kind === 'unknown') throw new NotAuthorizedException(SESSION_MESSAGES.invalid);
  if (taken.kind !== 'taken') throw new NotAuthorizedException(SESSION_MESSAGES.expired);
}
