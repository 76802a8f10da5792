import type { AdminEnableUserRequest, AdminEnableUserResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { UserNotFoundException } from './exceptions.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';

/** Enables the user. Enabling an enabled user changes nothing. */
export async function adminEnableUser(ctx: OperationContext, input: AdminEnableUserRequest): Promise<AdminEnableUserResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  if (user.enabled) return {};
  if (!(await ctx.store.users.setUserEnabled(user.sub, pool.id, true, ctx.clock.now()))) throw new UserNotFoundException('User does not exist.');
  return {};
}
