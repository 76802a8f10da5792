import type { AdminDeleteUserRequest } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { UserNotFoundException } from './exceptions.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';

/** Deletes the user; its aliases, search rows, password history and codes go with it (cascade). */
export async function adminDeleteUser(ctx: OperationContext, input: AdminDeleteUserRequest): Promise<Record<string, never>> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  // A concurrent delete of the same user: the loser answers as if it came second.
  if (!(await ctx.store.users.deleteUser(user.sub))) throw new UserNotFoundException('User does not exist.');
  return {};
}
