import type { DeleteUserPoolRequest } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { InvalidParameterException, ResourceNotFoundException } from './exceptions.js';
import { loadPool, refuseWhileImporting } from './shared/pools.js';

/** Deletes the pool with its app clients and users (the store cascades). */
export async function deleteUserPool(ctx: OperationContext, input: DeleteUserPoolRequest): Promise<object> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  await refuseWhileImporting(ctx, pool.id);
  if (pool.settings.DeletionProtection === 'ACTIVE') {
    throw new InvalidParameterException(
      'The user pool cannot be deleted because deletion protection is activated. Deletion protection must be inactivated first.',
    );
  }
  // Deleted by a concurrent request in between: answer as if it had not been found.
  if (!(await ctx.store.pools.deletePool(pool.id))) throw new ResourceNotFoundException(`User pool ${pool.id} does not exist.`);
  return {};
}
