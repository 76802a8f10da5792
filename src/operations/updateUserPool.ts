import type { UpdateUserPoolRequest, UpdateUserPoolResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { ConcurrentModificationException } from './exceptions.js';
import { changePool } from './shared/poolChanges.js';
import { refuseWhileImporting } from './shared/pools.js';
import { updatedPoolSettings } from './shared/poolDefaults.js';

/**
 * Replaces the pool's updatable settings. As in Cognito, a setting the request leaves out
 * returns to its default; callers send the whole configuration they want.
 */
export async function updateUserPool(ctx: OperationContext, input: UpdateUserPoolRequest): Promise<UpdateUserPoolResponse> {
  await refuseWhileImporting(ctx, input.UserPoolId!);
  await changePool(
    ctx,
    input.UserPoolId!,
    (pool) => ({ name: input.PoolName ?? pool.name, settings: updatedPoolSettings(pool.settings, input) }),
    () => new ConcurrentModificationException('The user pool was changed by another request at the same time. Try again.'),
  );
  return {};
}
