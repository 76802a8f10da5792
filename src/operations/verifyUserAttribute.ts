import type { VerifyUserAttributeRequest, VerifyUserAttributeResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { StoreConflict, type UserRecord } from '../store/records.js';
import { VERIFIED_FLAG } from '../domain/attributes.js';
import { AliasExistsException, CodeMismatchException, ExpiredCodeException, InvalidParameterException, LimitExceededException } from './exceptions.js';
import { authenticateSelf } from './shared/selfService.js';
import { checkCode } from './shared/codeCheck.js';
import { MESSAGES, RESET_PURPOSE } from './shared/recovery.js';
import { SIGNUP_PURPOSE } from './shared/signUpCodes.js';
import { aliasConflicts, saveUserAttributes, userKeys } from './shared/userWrites.js';
import { heldUntilVerified, isVerifiable, VERIFY_MESSAGES, verifyPurpose } from './shared/attributeVerification.js';
import type { Pool } from './shared/pools.js';

/**
 * Verifies the signed-in user's email address or phone number with the code sent to it. The
 * attempt is counted before the code is compared (five per code, then the code is dead).
 * A code verifies the value it was sent to and no other: for a held-back update that value
 * becomes the attribute's (and codes sent to the old one die, reset codes included). A
 * verified value can become an alias; one another user holds is AliasExistsException, and
 * the code stays usable (the other account may give the address up).
 */
export async function verifyUserAttribute(ctx: OperationContext, input: VerifyUserAttributeRequest): Promise<VerifyUserAttributeResponse> {
  const { pool, user } = await authenticateSelf(ctx, input.AccessToken!);
  const attribute = input.AttributeName!;
  if (!isVerifiable(attribute)) throw new InvalidParameterException(VERIFY_MESSAGES.invalidAttribute);

  const check = await checkCode(ctx, pool, user, verifyPurpose(attribute), input.Code!);
  if (check.kind === 'exhausted') throw new LimitExceededException(MESSAGES.limitExceeded);
  if (check.kind === 'mismatch') throw new CodeMismatchException(MESSAGES.codeMismatch);
  if (check.kind !== 'ok') throw new ExpiredCodeException(MESSAGES.expiredCode);

  const current = user.attributes[attribute];
  // Codes from before sent_to was kept verify the value on record.
  const value = check.sentTo ?? current;
  const held = value !== current;
  // A value that moved on since the code was sent, other than by a held-back update (whose
  // setting the pool may have dropped since): the code is stale.
  if (!value || (held && !heldUntilVerified(pool, attribute))) throw new ExpiredCodeException(MESSAGES.expiredCode);

  const verified = withVerified(user, attribute, value);
  const conflicts = await aliasConflicts(ctx.store, pool, user.sub, userKeys(pool, verified).aliases);
  if (conflicts.length > 0) throw new AliasExistsException(VERIFY_MESSAGES.aliasExists(conflicts[0]!.kind));
  try {
    await apply(ctx, pool, user, check.codeId, attribute, current, value);
  } catch (err) {
    // Lost a race with a concurrent write that took the alias first.
    if (err instanceof StoreConflict && err.what === 'alias') throw new AliasExistsException(VERIFY_MESSAGES.aliasExists(err.detail ?? attribute));
    throw err;
  }
  return {};
}

function withVerified(user: UserRecord, attribute: string, value: string): UserRecord {
  return { ...user, attributes: { ...user.attributes, [attribute]: value, [VERIFIED_FLAG[attribute]!]: 'true' } };
}

/**
 * ONE transaction: consume the code (guarded: one winner among racing requests), then write
 * the verified value onto the user as it is now, which must still hold the value the code was
 * checked against. Any failure undoes all of it, the code's consumption included.
 */
async function apply(ctx: OperationContext, pool: Pool, user: UserRecord, codeId: string, attribute: string, current: string | undefined, value: string): Promise<void> {
  const now = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.codes.consumeCode(codeId, now))) throw new ExpiredCodeException(MESSAGES.expiredCode);
    const fresh = await tx.users.findUserBySub(pool.id, user.sub);
    if (!fresh || fresh.attributes[attribute] !== current) throw new ExpiredCodeException(MESSAGES.expiredCode);
    await saveUserAttributes(tx, pool, { ...withVerified(fresh, attribute, value), updatedAt: now });
    if (value !== current) {
      // The contact changed: codes sent to the old value must stop working.
      await tx.codes.invalidateCodes(user.sub, now, RESET_PURPOSE);
      await tx.codes.invalidateCodes(user.sub, now, SIGNUP_PURPOSE);
    }
  });
}
