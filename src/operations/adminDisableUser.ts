import type { AdminDisableUserRequest, AdminDisableUserResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { UserNotFoundException } from './exceptions.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';

/**
 * Disables the user and, as Cognito does, revokes its tokens (tokens issued before now are
 * refused). Disabling a disabled user changes nothing.
 */
export async function adminDisableUser(ctx: OperationContext, input: AdminDisableUserRequest): Promise<AdminDisableUserResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  if (!user.enabled) return {};
  if (!(await ctx.store.users.setUserEnabled(user.sub, pool.id, false, ctx.clock.now()))) throw new UserNotFoundException('User does not exist.');
  return {};
}
