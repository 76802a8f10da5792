import type { AdminSetUserPasswordRequest, AdminSetUserPasswordResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { newCredentials } from './shared/credentials.js';
import type { UserRecord } from '../store/records.js';
import { UserNotFoundException } from './exceptions.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';
import { enforcePasswordHistory, enforcePasswordPolicy } from './shared/passwords.js';
import { rememberReplacedPassword } from './shared/passwordHistory.js';
import { RESET_PURPOSE } from './shared/recovery.js';

/**
 * Sets a user's password as an admin. Permanent: the user is CONFIRMED (also the way out of
 * RESET_REQUIRED, UNCONFIRMED and EXTERNAL_PROVIDER). Not permanent: a temporary password,
 * FORCE_CHANGE_PASSWORD, and a NEW_PASSWORD_REQUIRED challenge at the next sign-in.
 */
export async function adminSetUserPassword(ctx: OperationContext, input: AdminSetUserPasswordRequest): Promise<AdminSetUserPasswordResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  const password = input.Password!;
  enforcePasswordPolicy(pool, password, 'passwordChange');
  // History last: it costs one KDF run per remembered password.
  await enforcePasswordHistory(ctx, pool, user, password);
  const credentials = await newCredentials(ctx, pool, user, password);
  const now = ctx.clock.now();
  const updated: UserRecord = {
    ...user,
    ...credentials,
    passwordChangedAt: now,
    status: input.Permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD',
    // Cognito differs (by default, as after a reset): sessions opened with the old password
    // end. The reset settings' revokeTokensOnReset=false restores Cognito's behaviour.
    tokensValidAfter: ctx.config.reset.revokeTokensOnReset ? now : user.tokensValidAfter,
    updatedAt: now,
  };
  await ctx.store.transaction(async (tx) => {
    if (!(await tx.users.updateCredentials(updated))) throw new UserNotFoundException('User does not exist.');
    await rememberReplacedPassword(tx, pool, user, now);
    // A reset code issued before must not set a password over the one the admin just chose.
    await tx.codes.invalidateCodes(user.sub, now, RESET_PURPOSE);
  });
  return {};
}
