import type { ConfirmSignUpRequest, ConfirmSignUpResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { StoreConflict, type UserRecord } from '../store/records.js';
import { VERIFIED_FLAG } from '../domain/attributes.js';
import {
  AliasExistsException,
  CodeMismatchException,
  ExpiredCodeException,
  LimitExceededException,
  NotAuthorizedException,
  UserNotFoundException,
} from './exceptions.js';
import { loadClient, type Pool } from './shared/pools.js';
import { findUserByLogin } from './shared/users.js';
import { checkSecretHash } from './shared/secretHash.js';
import { checkIpBlock, HOUR, identifierKey, MESSAGES } from './shared/recovery.js';
import { checkCode } from './shared/codeCheck.js';
import { aliasCanMove, aliasConflicts, saveUserAttributes, userKeys, withoutAlias, type AliasConflict } from './shared/userWrites.js';
import { CONFIRM_SIGN_UP_PER_HOUR, SIGNUP_MESSAGES, SIGNUP_PURPOSE } from './shared/signUpCodes.js';
import { postConfirmation } from './shared/postConfirmation.js';

/**
 * Confirms a self-signed-up user with the code sent at sign-up: the user becomes CONFIRMED
 * and the attribute the code went to becomes verified (which may make it an alias). Order:
 * client, secret hash, IP block, the per-user hourly limit, the user and its status, then
 * count the attempt and compare the code, then the alias it would bind, then one transaction.
 * ClientMetadata goes to the PostConfirmation trigger untouched and is never stored.
 */
export async function confirmSignUp(ctx: OperationContext, input: ConfirmSignUpRequest): Promise<ConfirmSignUpResponse> {
  const login = input.Username!;
  const { client, pool } = await loadClient(ctx, input.ClientId!);
  const user = await findUserByLogin(ctx, pool, login);
  checkSecretHash(client, input.SecretHash, [login, user?.username]);
  checkIpBlock(ctx, pool);
  const prevent = client.settings.PreventUserExistenceErrors === 'ENABLED';

  // Every call counts, per user when there is one, else per submitted identifier, so an
  // unknown name trips the limit at the same count as a real one.
  const limitKey = user ? `confirm-signup:sub:${user.sub}` : `confirm-signup:id:${identifierKey(ctx, pool, login)}`;
  if ((await ctx.store.limits.hit(limitKey, HOUR, ctx.clock.now())) > CONFIRM_SIGN_UP_PER_HOUR) {
    throw new LimitExceededException(MESSAGES.limitExceeded);
  }
  if (!user || !user.enabled) {
    if (prevent) throw new CodeMismatchException(MESSAGES.codeMismatch);
    throw user ? new NotAuthorizedException(MESSAGES.userDisabled) : new UserNotFoundException(MESSAGES.userNotFound);
  }
  if (user.status !== 'UNCONFIRMED') throw new NotAuthorizedException(SIGNUP_MESSAGES.cannotConfirm(user.status));

  const check = await checkCode(ctx, pool, user, SIGNUP_PURPOSE, input.ConfirmationCode!);
  if (check.kind === 'exhausted') throw new LimitExceededException(MESSAGES.limitExceeded);
  if (check.kind === 'mismatch') throw new CodeMismatchException(MESSAGES.codeMismatch);
  if (check.kind === 'none') {
    // Cognito differs (as for reset codes): it answers ExpiredCodeException, telling that the user exists.
    if (prevent && ctx.config.reset.hideNoCodeUnderPrevention) throw new CodeMismatchException(MESSAGES.codeMismatch);
    throw new ExpiredCodeException(MESSAGES.expiredCode);
  }
  if (check.kind !== 'ok') throw new ExpiredCodeException(MESSAGES.expiredCode);

  // Only after a valid code: the alias check would otherwise tell anyone whether an address
  // is taken. AliasExistsException leaves the code alive, so the user can retry with
  // ForceAliasCreation.
  const verified = withVerified(user, check.attribute);
  const conflicts = await aliasConflicts(ctx.store, pool, user.sub, userKeys(pool, verified).aliases);
  for (const c of conflicts) {
    if (!(input.ForceAliasCreation && aliasCanMove(pool, c.kind, verified.attributes))) {
      throw new AliasExistsException(SIGNUP_MESSAGES.aliasExists(c.kind));
    }
  }
  try {
    await confirm(ctx, pool, user, check.codeId, check.attribute, conflicts);
  } catch (err) {
    // Lost a race with a concurrent write that took the alias first.
    if (err instanceof StoreConflict && err.what === 'alias') throw new AliasExistsException(SIGNUP_MESSAGES.aliasExists(err.detail ?? 'email'));
    throw err;
  }
  await postConfirmation(ctx, 'PostConfirmation_ConfirmSignUp', pool, { ...verified, status: 'CONFIRMED' }, client.id, input.ClientMetadata);
  return {};
}

/** The user with the attribute the code went to marked verified, if the user still has it. */
function withVerified(user: UserRecord, attribute: string | null): UserRecord {
  const flag = attribute ? VERIFIED_FLAG[attribute] : undefined;
  if (!attribute || !flag || !user.attributes[attribute]) return user;
  return { ...user, attributes: { ...user.attributes, [flag]: 'true' } };
}

/**
 * ONE transaction: consume the code (guarded: exactly one of several racing requests wins),
 * move aliases away from their old holders (ForceAliasCreation), mark the attribute verified
 * on the user as it is now, and set CONFIRMED (guarded on UNCONFIRMED). Any failure undoes
 * all of it, the code's consumption included.
 */
async function confirm(
  ctx: OperationContext,
  pool: Pool,
  user: UserRecord,
  codeId: string,
  attribute: string | null,
  conflicts: AliasConflict[],
): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.codes.consumeCode(codeId, now))) throw new ExpiredCodeException(MESSAGES.expiredCode);
    for (const c of conflicts) {
      const holder = await tx.users.findUserBySub(pool.id, c.holder.sub);
      if (holder) await saveUserAttributes(tx, pool, withoutAlias(holder, c.kind, now));
    }
    const fresh = await tx.users.findUserBySub(pool.id, user.sub);
    if (!fresh) throw new ExpiredCodeException(MESSAGES.expiredCode);
    const verified = withVerified(fresh, attribute);
    if (verified !== fresh) await saveUserAttributes(tx, pool, { ...verified, updatedAt: now });
    if (!(await tx.users.confirmUser(user.sub, pool.id, now))) throw new NotAuthorizedException(SIGNUP_MESSAGES.cannotConfirm(fresh.status));
  });
}
