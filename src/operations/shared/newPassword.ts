// NEW_PASSWORD_REQUIRED: a user signing in with a temporary password (FORCE_CHANGE_PASSWORD)
// must choose a password, and supply the required attributes it lacks, before getting tokens.
import type { AttributeType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from '../context.js';
import { StoreConflict, type UserRecord } from '../../store/records.js';
import { applyAttributeUpdate, missingRequired } from '../../domain/attributes.js';
import { AliasExistsException, InvalidParameterException, NotAuthorizedException } from '../exceptions.js';
import { AUTH_MESSAGES, required, type AuthResponse, type Params } from './authParams.js';
import { consumeAuthSession, peekAuthSession, SESSION_MESSAGES, startAuthSession } from './authSessions.js';
import { checkClientWrites } from './clientPermissions.js';
import { newCredentials } from './credentials.js';
import { enforcePasswordPolicy } from './passwords.js';
import { checkSecretHash } from './secretHash.js';
import { issueSignInTokens } from './tokens.js';
import { checkedAttributeWrites, schemaOf } from './userAttributes.js';
import { findUserByLogin } from './users.js';
import { aliasConflicts, saveUserAttributes, userKeys } from './userWrites.js';
import type { Client, Pool } from './pools.js';
import { beforeTokens, signInTriggersOf, type ClientMetadata } from './signInTriggers.js';

const ATTRIBUTE_PREFIX = 'userAttributes.';

/**
 * The challenge, shaped as Cognito sends it: USER_ID_FOR_SRP (the username), the required
 * attributes the user lacks as a JSON array of `userAttributes.<name>`, and the user's
 * attributes as a JSON object (what amazon-cognito-identity-js hands to newPasswordRequired).
 */
export async function newPasswordChallenge(ctx: OperationContext, pool: Pool, client: Client, user: UserRecord): Promise<AuthResponse> {
  const session = await startAuthSession(ctx, pool, client, user.sub, 'NEW_PASSWORD_REQUIRED');
  const visible = Object.fromEntries(Object.entries(user.attributes).filter(([name]) => !name.startsWith('dev:')));
  const missing = missingRequired(schemaOf(pool), user.attributes).map((name) => ATTRIBUTE_PREFIX + name);
  return {
    ChallengeName: 'NEW_PASSWORD_REQUIRED',
    Session: session,
    ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: JSON.stringify(missing), userAttributes: JSON.stringify(visible) },
  };
}

function aliasTaken(kind: string): AliasExistsException {
  return new AliasExistsException(`An account with the given ${kind} already exists.`);
}

/**
 * The answer: NEW_PASSWORD (pool policy, in the password-change wording) and
 * `userAttributes.<name>` values. Cheap checks run before the session is used up, so a
 * password the policy refuses can be corrected within the same session; then the session is
 * consumed (one winner among racing answers), the password set, the user CONFIRMED, tokens.
 */
export async function answerNewPassword(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  responses: Params | undefined,
  session: string | undefined,
  metadata?: ClientMetadata,
): Promise<AuthResponse> {
  const login = required(responses, 'USERNAME');
  const password = required(responses, 'NEW_PASSWORD');
  const record = await peekAuthSession(ctx, client, session, 'NEW_PASSWORD_REQUIRED');
  const user = record.sub ? await ctx.store.users.findUserBySub(pool.id, record.sub) : undefined;
  const named = await findUserByLogin(ctx, pool, login);
  if (!user || named?.sub !== user.sub || user.status !== 'FORCE_CHANGE_PASSWORD') throw new NotAuthorizedException(SESSION_MESSAGES.invalid);
  // Challenge answers are hashed over the canonical username; the name as sent is accepted too.
  checkSecretHash(client, responses?.SECRET_HASH, [user.username, login]);
  if (!user.enabled) throw new NotAuthorizedException(AUTH_MESSAGES.disabled);
  enforcePasswordPolicy(pool, password, 'passwordChange');

  const written: AttributeType[] = Object.entries(responses ?? {})
    .filter(([name]) => name.startsWith(ATTRIBUTE_PREFIX))
    .map(([name, value]) => ({ Name: name.slice(ATTRIBUTE_PREFIX.length), Value: value ?? '' }));
  checkClientWrites(client, pool, written);
  const { attributes } = applyAttributeUpdate(user.attributes, checkedAttributeWrites(pool, written, 'update'));
  const missing = missingRequired(schemaOf(pool), attributes);
  if (missing.length > 0) throw new InvalidParameterException(`Invalid attributes given, ${missing.join(' and ')} is missing`);
  const conflicts = written.length > 0 ? await aliasConflicts(ctx.store, pool, user.sub, userKeys(pool, { ...user, attributes }).aliases) : [];
  if (conflicts.length > 0) throw aliasTaken(conflicts[0]!.kind);

  await consumeAuthSession(ctx, record);
  const credentials = await newCredentials(ctx, pool, user, password);
  const now = ctx.clock.now();
  // tokensValidAfter moves to now rather than being written back as read: a concurrent
  // revocation (an admin disabling the user meanwhile) must not be undone by this write. A user
  // with a temporary password holds no tokens worth keeping.
  const updated: UserRecord = { ...user, ...credentials, attributes, status: 'CONFIRMED', passwordChangedAt: now, tokensValidAfter: now, updatedAt: now };
  try {
    await ctx.store.transaction(async (tx) => {
      if (!(await tx.users.updateCredentials(updated))) throw new NotAuthorizedException(SESSION_MESSAGES.invalid);
      if (written.length > 0) await saveUserAttributes(tx, pool, updated);
    });
  } catch (err) {
    // Lost a race with another write that took the alias first.
    if (err instanceof StoreConflict && err.what === 'alias') throw aliasTaken(err.detail ?? 'email');
    throw err;
  }
  // The new password is committed: a failing function fails only the tokens of this sign-in.
  const custom = signInTriggersOf(pool) ? await beforeTokens(ctx, pool, client, updated, 'TokenGeneration_NewPasswordChallenge', metadata) : undefined;
  return { ChallengeParameters: {}, AuthenticationResult: await issueSignInTokens(ctx, pool, client, updated, undefined, custom) };
}
