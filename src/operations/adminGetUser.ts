import type { AdminGetUserRequest, AdminGetUserResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';
import { toAdminGetUser } from './shared/userView.js';

export async function adminGetUser(ctx: OperationContext, input: AdminGetUserRequest): Promise<AdminGetUserResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  return toAdminGetUser(user);
}
