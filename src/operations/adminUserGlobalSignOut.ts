import type { AdminUserGlobalSignOutRequest, AdminUserGlobalSignOutResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';

/** GlobalSignOut on an admin's authority: revokes every refresh token (and its tokens) of the user. */
export async function adminUserGlobalSignOut(ctx: OperationContext, input: AdminUserGlobalSignOutRequest): Promise<AdminUserGlobalSignOutResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  await ctx.store.refreshTokens.revokeUserFamilies(user.sub, ctx.clock.now());
  return {};
}
