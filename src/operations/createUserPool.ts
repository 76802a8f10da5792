import type { CreateUserPoolRequest, CreateUserPoolResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { newPoolId } from '../crypto/ids.js';
import { describePool } from './describeUserPool.js';
import type { Pool, PoolSettings } from './shared/pools.js';

export async function createUserPool(ctx: OperationContext, input: CreateUserPoolRequest): Promise<CreateUserPoolResponse> {
  const now = ctx.clock.now();
  const { PoolName, ...settings } = input;
  const pool: Pool = {
    id: newPoolId(ctx.config.region),
    name: PoolName!,
    settings: settings as PoolSettings,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.pools.createPool(pool);
  return { UserPool: await describePool(ctx, pool) };
}
