// Sign-in, shared by InitiateAuth, AdminInitiateAuth and the two RespondToAuthChallenge
// operations: which flows a client allows, the password and SRP first steps, the steps after
// a proven password (status checks, NEW_PASSWORD_REQUIRED, tokens), refresh, the sign-in
// failure throttle, and the SignIn audit events.
//
// The throttle counts password attempts per user, or per submitted identifier (keyed hash)
// when no user matches, so unknown and existing names lock at the same count. An attempt is
// counted before the password is checked and the count cleared by a success, so concurrent
// guesses cannot get more than the limit checked. The counters are the throttle's own: a user
// locked out of signing in can still reset the password (ForgotPassword and
// ConfirmForgotPassword keep separate counters), and the per-user counter is named after the
// current password, so a completed reset starts it afresh.
import { createHash } from 'node:crypto';
import type { AuthFlowType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import type { Window } from '../../store/limits.js';
import { opaqueTokenHash } from '../../crypto/jwt.js';
import {
  InvalidParameterException,
  NotAuthorizedException,
  PasswordResetRequiredException,
  UserNotConfirmedException,
  UserNotFoundException,
} from '../exceptions.js';
import { checkSecretHash } from './secretHash.js';
import { findUserByLogin } from './users.js';
import { identifierKey } from './recovery.js';
import { recordAudit, type AuditSubject } from './audit.js';
import { passwordPolicyOf } from './passwords.js';
import { familyRevoked, issueRefreshedTokens, issueSignInTokens } from './tokens.js';
import { beginSrpAuth, verifySrpResponse } from './srpAuth.js';
import { consumeAuthSession, peekAuthSession, SESSION_MESSAGES, startAuthSession } from './authSessions.js';
import { answerNewPassword, newPasswordChallenge } from './newPassword.js';
import type { Client, Pool } from './pools.js';
import { AUTH_MESSAGES, required, type AuthResponse, type Params } from './authParams.js';
import { beforeTokens, migrateUserForSignIn, preAuthentication, signInTriggersOf, type ClientMetadata } from './signInTriggers.js';
import { preTokenGeneration } from './preTokenGeneration.js';
import { answerCustomChallenge, customSignIn } from './customAuth.js';

/** Failed passwords allowed per user (or unknown identifier) in the window before the lock. */
export const SIGN_IN_FAILURES_ALLOWED = 5;
export const SIGN_IN_FAILURE_WINDOW: Window = { windowMs: 5 * 60_000, bucketMs: 10_000 };

/** The client setting that allows each flow: the ALLOW_ name, and the legacy name if any. */
const FLOW_SETTINGS: Record<string, { modern: string; legacy?: string; legacyAlways?: boolean }> = {
  USER_PASSWORD_AUTH: { modern: 'ALLOW_USER_PASSWORD_AUTH', legacy: 'USER_PASSWORD_AUTH' },
  ADMIN_USER_PASSWORD_AUTH: { modern: 'ALLOW_ADMIN_USER_PASSWORD_AUTH', legacy: 'ADMIN_NO_SRP_AUTH' },
  ADMIN_NO_SRP_AUTH: { modern: 'ALLOW_ADMIN_USER_PASSWORD_AUTH', legacy: 'ADMIN_NO_SRP_AUTH' },
  USER_SRP_AUTH: { modern: 'ALLOW_USER_SRP_AUTH', legacyAlways: true },
  REFRESH_TOKEN_AUTH: { modern: 'ALLOW_REFRESH_TOKEN_AUTH', legacyAlways: true },
  REFRESH_TOKEN: { modern: 'ALLOW_REFRESH_TOKEN_AUTH', legacyAlways: true },
  CUSTOM_AUTH: { modern: 'ALLOW_CUSTOM_AUTH', legacy: 'CUSTOM_AUTH_FLOW_ONLY' },
  USER_AUTH: { modern: 'ALLOW_USER_AUTH' },
};

/**
 * InvalidParameterException `<FLOW> flow not enabled for this client` unless the client's
 * ExplicitAuthFlows allow the flow. Clients on the legacy names (no ALLOW_ entry) always allow
 * SRP and refresh, unless CUSTOM_AUTH_FLOW_ONLY restricts them to custom authentication.
 */
export function checkFlowAllowed(client: Client, flow: AuthFlowType): void {
  const flows: string[] = client.settings.ExplicitAuthFlows ?? [];
  const setting = FLOW_SETTINGS[flow];
  let allowed = false;
  if (setting && flows.some((f) => f.startsWith('ALLOW_'))) allowed = flows.includes(setting.modern);
  else if (setting) {
    const customOnly = flows.includes('CUSTOM_AUTH_FLOW_ONLY');
    allowed = (setting.legacy !== undefined && flows.includes(setting.legacy)) || (setting.legacyAlways === true && (!customOnly || flow.startsWith('REFRESH')));
  }
  if (!allowed) throw new InvalidParameterException(`${flow} flow not enabled for this client`);
}

/** The flows of this server that exist but cannot complete here (passwordless). */
export function refuseUnbuiltFlow(flow: AuthFlowType): never {
  // Cognito differs: USER_AUTH (choice-based sign-in) is not built; Cognito would answer it.
  throw new InvalidParameterException(AUTH_MESSAGES.notSupported);
}

// ---- the failure throttle ----

/**
 * Per user, the counter is named after the current password (a digest of its salted hash),
 * so a new password, from a reset or an admin, starts a new count.
 */
function failureKey(ctx: OperationContext, pool: Pool, login: string, user: UserRecord | undefined): string {
  if (!user) return `signin-fail:id:${identifierKey(ctx, pool, login)}`;
  const epoch = createHash('sha256').update(user.passwordHash ?? '').digest('base64url').slice(0, 16);
  return `signin-fail:sub:${user.sub}:${epoch}`;
}

/** One password attempt: who is signing in, and the throttle counter it counts against. */
interface Attempt {
  pool: Pool;
  client: Client;
  user: UserRecord | undefined;
  login: string;
  key: string;
}

function attemptOf(ctx: OperationContext, pool: Pool, client: Client, login: string, user: UserRecord | undefined): Attempt {
  return { pool, client, user, login, key: failureKey(ctx, pool, login, user) };
}

/** Refuses a locked identity (no count: nothing is checked). */
async function checkNotLockedOut(ctx: OperationContext, a: Attempt): Promise<void> {
  if ((await ctx.store.limits.peek(a.key, SIGN_IN_FAILURE_WINDOW, ctx.clock.now())) >= SIGN_IN_FAILURES_ALLOWED) {
    await auditSignIn(ctx, a, 'Fail', 'too_many_failed_attempts');
    throw new NotAuthorizedException(AUTH_MESSAGES.attemptsExceeded);
  }
}

/**
 * Counts the attempt before any password is checked, as codes are counted before they are
 * compared: however many guesses arrive at once, across processes, no more than the limit
 * are ever checked. A success clears the count (afterPassword). Callers have refused a locked
 * identity first (checkNotLockedOut), so it is not counted again.
 */
async function countAttempt(ctx: OperationContext, a: Attempt): Promise<void> {
  if ((await ctx.store.limits.hit(a.key, SIGN_IN_FAILURE_WINDOW, ctx.clock.now())) > SIGN_IN_FAILURES_ALLOWED) {
    await auditSignIn(ctx, a, 'Fail', 'too_many_failed_attempts');
    throw new NotAuthorizedException(AUTH_MESSAGES.attemptsExceeded);
  }
}

async function wrongPassword(ctx: OperationContext, a: Attempt): Promise<never> {
  await auditSignIn(ctx, a, 'Fail', 'not_authorized');
  throw new NotAuthorizedException(AUTH_MESSAGES.incorrect);
}

function signInSubject(ctx: OperationContext, a: Attempt): AuditSubject {
  return {
    poolId: a.pool.id,
    clientId: a.client.id,
    eventType: 'SignIn',
    sub: a.user?.sub ?? null,
    subjectKey: a.user ? null : identifierKey(ctx, a.pool, a.login),
  };
}

/**
 * A SignIn audit event (what AdminListUserAuthEvents lists), never holding a secret. An
 * unknown login is recorded under a keyed hash of the name. A refusal's event is written on
 * its own, and a failure to write it is logged without changing the answer; a successful
 * sign-in's event commits with its token family (afterPassword).
 */
async function auditSignIn(ctx: OperationContext, a: Attempt, outcome: 'Pass' | 'Fail', reason: string): Promise<void> {
  await recordAudit(ctx, ctx.store, signInSubject(ctx, a), outcome, reason).catch((err: unknown) => {
    ctx.logger.error({ err, requestId: ctx.request.requestId }, 'audit write failed');
  });
}

/**
 * The login matches no user. LEGACY clients say so; ENABLED ones answer exactly as for a
 * wrong password, after the same work (a dummy hash verification) and the same counting.
 */
async function unknownUser(ctx: OperationContext, a: Attempt, password: string | undefined): Promise<never> {
  if (a.client.settings.PreventUserExistenceErrors !== 'ENABLED') throw new UserNotFoundException(AUTH_MESSAGES.userNotFound);
  await checkNotLockedOut(ctx, a);
  await countAttempt(ctx, a);
  if (password !== undefined) await ctx.passwords.verifyAgainstDummy(password);
  return wrongPassword(ctx, a);
}

// ---- the flows ----

/** USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH and ADMIN_NO_SRP_AUTH. */
export async function passwordSignIn(ctx: OperationContext, pool: Pool, client: Client, params: Params | undefined, metadata?: ClientMetadata): Promise<AuthResponse> {
  const login = required(params, 'USERNAME');
  const password = required(params, 'PASSWORD');
  let user = await findUserByLogin(ctx, pool, login);
  checkSecretHash(client, params?.SECRET_HASH, [login, user?.username]);
  // Pools with sign-in triggers only (a property check; see signInTriggers.ts).
  const triggers = signInTriggersOf(pool);
  if (!user && triggers) user = await migrateUserForSignIn(ctx, pool, client, login, password, metadata);
  const attempt = attemptOf(ctx, pool, client, login, user);
  if (!user) {
    if (triggers) await preAuthentication(ctx, pool, client, login, undefined, metadata);
    return unknownUser(ctx, attempt, password);
  }
  await checkNotLockedOut(ctx, attempt);
  if (triggers) await preAuthentication(ctx, pool, client, login, user, metadata);
  // An admin reset deactivated the password: nothing to verify it against.
  if (user.status === 'RESET_REQUIRED') throw new PasswordResetRequiredException(AUTH_MESSAGES.resetRequired);
  await countAttempt(ctx, attempt);
  const ok = user.passwordHash ? await ctx.passwords.verifyPassword(user.passwordHash, password) : await ctx.passwords.verifyAgainstDummy(password);
  if (!ok) return wrongPassword(ctx, attempt);
  return afterPassword(ctx, pool, client, user, metadata);
}

/** USER_SRP_AUTH's first step: the PASSWORD_VERIFIER challenge (crypto in srpAuth.ts). */
export async function srpSignIn(ctx: OperationContext, pool: Pool, client: Client, params: Params | undefined, metadata?: ClientMetadata): Promise<AuthResponse> {
  const login = required(params, 'USERNAME');
  const srpA = required(params, 'SRP_A');
  const user = await findUserByLogin(ctx, pool, login);
  checkSecretHash(client, params?.SECRET_HASH, [login, user?.username]);
  if (!user && client.settings.PreventUserExistenceErrors !== 'ENABLED') throw new UserNotFoundException(AUTH_MESSAGES.userNotFound);
  await checkNotLockedOut(ctx, attemptOf(ctx, pool, client, login, user));
  if (signInTriggersOf(pool)) await preAuthentication(ctx, pool, client, login, user, metadata);
  if (user?.status === 'RESET_REQUIRED') throw new PasswordResetRequiredException(AUTH_MESSAGES.resetRequired);
  // An unknown login (ENABLED) gets a decoy challenge that looks real and can never verify.
  const { challengeParameters } = await beginSrpAuth(ctx, pool, client, user, login, srpA);
  const session = await startAuthSession(ctx, pool, client, user?.sub ?? null, 'PASSWORD_VERIFIER', { login });
  return { ChallengeName: 'PASSWORD_VERIFIER', Session: session, ChallengeParameters: challengeParameters };
}

/**
 * The PASSWORD_VERIFIER answer. The Session is optional, as in Cognito (some SRP clients do
 * not send it back): SRP's own state is sealed in SECRET_BLOCK and single use. When a
 * Session is sent it must be this client's live one for the same user, and is used up.
 */
export async function answerPasswordVerifier(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  responses: Params | undefined,
  session: string | undefined,
  metadata?: ClientMetadata,
): Promise<AuthResponse> {
  const login = required(responses, 'USERNAME');
  // Before the session is used up: a malformed answer can be corrected and sent again.
  for (const name of ['PASSWORD_CLAIM_SECRET_BLOCK', 'PASSWORD_CLAIM_SIGNATURE', 'TIMESTAMP']) required(responses, name);
  let user = await findUserByLogin(ctx, pool, login);
  let identifier = login;
  if (session) {
    const record = await peekAuthSession(ctx, client, session, 'PASSWORD_VERIFIER');
    if ((record.sub ?? undefined) !== user?.sub) throw new NotAuthorizedException(SESSION_MESSAGES.invalid);
    await consumeAuthSession(ctx, record);
    identifier = record.data?.login ?? login;
    if (!user && record.sub) user = await ctx.store.users.findUserBySub(pool.id, record.sub);
  }
  checkSecretHash(client, responses?.SECRET_HASH, [user?.username ?? login, login]);
  const attempt = attemptOf(ctx, pool, client, identifier, user);
  if (!user) return unknownUser(ctx, attempt, undefined);
  await checkNotLockedOut(ctx, attempt);
  if (user.status === 'RESET_REQUIRED') throw new PasswordResetRequiredException(AUTH_MESSAGES.resetRequired);
  await countAttempt(ctx, attempt);
  const ok = await verifySrpResponse(ctx, pool, client, user, responses as Record<string, string>);
  if (!ok) return wrongPassword(ctx, attempt);
  return afterPassword(ctx, pool, client, user, metadata);
}

/**
 * After the password is proven: disabled, unconfirmed, a temporary password (expired, or
 * the NEW_PASSWORD_REQUIRED challenge), else tokens. Only someone holding the password learns
 * these states. A success clears the user's failure count.
 */
export async function afterPassword(ctx: OperationContext, pool: Pool, client: Client, user: UserRecord, metadata?: ClientMetadata): Promise<AuthResponse> {
  if (!user.enabled) throw new NotAuthorizedException(AUTH_MESSAGES.disabled);
  if (user.status === 'UNCONFIRMED') throw new UserNotConfirmedException(AUTH_MESSAGES.notConfirmed);
  const attempt = attemptOf(ctx, pool, client, user.username, user);
  if (user.status === 'FORCE_CHANGE_PASSWORD') {
    await ctx.store.limits.clear(attempt.key);
    const days = passwordPolicyOf(pool).temporaryPasswordValidityDays;
    if (ctx.clock.now() > (user.passwordChangedAt ?? user.createdAt) + days * 86_400_000) {
      throw new NotAuthorizedException(AUTH_MESSAGES.temporaryExpired);
    }
    await auditSignIn(ctx, attempt, 'Pass', 'new_password_required');
    return newPasswordChallenge(ctx, pool, client, user);
  }
  const custom = signInTriggersOf(pool) ? await beforeTokens(ctx, pool, client, user, 'TokenGeneration_Authentication', metadata) : undefined;
  // The hot path commits once: the cleared count, the new token family and the audit event.
  const tokens = await issueSignInTokens(
    ctx,
    pool,
    client,
    user,
    async (tx) => {
      await tx.limits.clear(attempt.key);
      await recordAudit(ctx, tx, signInSubject(ctx, attempt), 'Pass', 'success');
    },
    custom,
  );
  return { ChallengeParameters: {}, AuthenticationResult: tokens };
}

/** REFRESH_TOKEN_AUTH / REFRESH_TOKEN: new id and access tokens from a live refresh token. */
export async function refreshSignIn(ctx: OperationContext, pool: Pool, client: Client, params: Params | undefined, metadata?: ClientMetadata): Promise<AuthResponse> {
  const token = required(params, 'REFRESH_TOKEN');
  const family = await ctx.store.refreshTokens.findByHash(opaqueTokenHash(token));
  // A token of another client or pool is not one this client can use.
  if (!family || family.clientId !== client.id || family.poolId !== pool.id) throw new NotAuthorizedException(AUTH_MESSAGES.invalidRefresh);
  const user = await ctx.store.users.findUserBySub(pool.id, family.sub);
  if (!user) throw new NotAuthorizedException(AUTH_MESSAGES.invalidRefresh);
  // Clients hash the username they know, which for a refresh may be the sub.
  checkSecretHash(client, params?.SECRET_HASH, [params?.USERNAME, user.username, user.sub]);
  if (familyRevoked(family, user)) throw new NotAuthorizedException(AUTH_MESSAGES.refreshRevoked);
  if (family.expiresAt <= ctx.clock.now()) throw new NotAuthorizedException(AUTH_MESSAGES.refreshExpired);
  if (!user.enabled) throw new NotAuthorizedException(AUTH_MESSAGES.disabled);
  if (user.status === 'RESET_REQUIRED') throw new PasswordResetRequiredException(AUTH_MESSAGES.resetRequired);
  const custom = signInTriggersOf(pool) ? await preTokenGeneration(ctx, pool, client, user, 'TokenGeneration_RefreshTokens', metadata) : undefined;
  return { ChallengeParameters: {}, AuthenticationResult: await issueRefreshedTokens(ctx, pool, client, user, family, custom) };
}

/** The flows both InitiateAuth operations share, once the operation has vetted the flow name. */
export async function runFlow(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  flow: AuthFlowType,
  params: Params | undefined,
  metadata?: ClientMetadata,
): Promise<AuthResponse> {
  checkFlowAllowed(client, flow);
  switch (flow) {
    case 'USER_PASSWORD_AUTH':
    case 'ADMIN_USER_PASSWORD_AUTH':
    case 'ADMIN_NO_SRP_AUTH':
      return passwordSignIn(ctx, pool, client, params, metadata);
    case 'USER_SRP_AUTH':
      return srpSignIn(ctx, pool, client, params, metadata);
    case 'REFRESH_TOKEN_AUTH':
    case 'REFRESH_TOKEN':
      return refreshSignIn(ctx, pool, client, params, metadata);
    case 'CUSTOM_AUTH':
      return customSignIn(ctx, pool, client, params, metadata);
    default:
      return refuseUnbuiltFlow(flow);
  }
}

/** RespondToAuthChallenge and AdminRespondToAuthChallenge: the challenges this server issues. */
export async function answerChallenge(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  challenge: string,
  responses: Params | undefined,
  session: string | undefined,
  metadata?: ClientMetadata,
): Promise<AuthResponse> {
  if (challenge === 'PASSWORD_VERIFIER') return answerPasswordVerifier(ctx, pool, client, responses, session, metadata);
  if (challenge === 'NEW_PASSWORD_REQUIRED') return answerNewPassword(ctx, pool, client, responses, session, metadata);
  if (challenge === 'CUSTOM_CHALLENGE') return answerCustomChallenge(ctx, pool, client, responses, session, metadata);
  // A challenge this server never issues (MFA, custom, device) has no session to answer.
  if (!session) throw new InvalidParameterException(SESSION_MESSAGES.missing);
  throw new NotAuthorizedException(SESSION_MESSAGES.invalid);
}
