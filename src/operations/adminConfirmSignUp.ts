import type { AdminConfirmSignUpRequest, AdminConfirmSignUpResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { NotAuthorizedException, UserNotFoundException } from './exceptions.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';
import { SIGNUP_MESSAGES, SIGNUP_PURPOSE } from './shared/signUpCodes.js';
import { postConfirmation } from './shared/postConfirmation.js';

/**
 * Confirms an UNCONFIRMED user without a code. As in Cognito, no attribute becomes verified
 * (no code proved the address). The user's outstanding confirmation code dies with it.
 * ClientMetadata goes to the PostConfirmation trigger untouched and is never stored.
 */
export async function adminConfirmSignUp(ctx: OperationContext, input: AdminConfirmSignUpRequest): Promise<AdminConfirmSignUpResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  if (user.status !== 'UNCONFIRMED') throw new NotAuthorizedException(SIGNUP_MESSAGES.cannotConfirm(user.status));
  const now = ctx.clock.now();
  await ctx.store.transaction(async (tx) => {
    // Guarded on UNCONFIRMED, so a confirmation racing this one cannot both succeed.
    if (!(await tx.users.confirmUser(user.sub, pool.id, now))) {
      const fresh = await tx.users.findUserBySub(pool.id, user.sub);
      if (!fresh) throw new UserNotFoundException('User does not exist.');
      throw new NotAuthorizedException(SIGNUP_MESSAGES.cannotConfirm(fresh.status));
    }
    await tx.codes.invalidateCodes(user.sub, now, SIGNUP_PURPOSE);
  });
  await postConfirmation(ctx, 'PostConfirmation_ConfirmSignUp', pool, { ...user, status: 'CONFIRMED', updatedAt: now }, null, input.ClientMetadata);
  return {};
}
