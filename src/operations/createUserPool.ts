import type { CreateUserPoolRequest, CreateUserPoolResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { newPoolId } from '../crypto/ids.js';
import { describePool } from './describeUserPool.js';
import { newPoolSettings } from './shared/poolDefaults.js';
import type { Pool } from './shared/pools.js';

export async function createUserPool(ctx: OperationContext, input: CreateUserPoolRequest): Promise<CreateUserPoolResponse> {
  // Checked (and defaulted) before anything is stored: a refused pool leaves no trace.
  const settings = newPoolSettings(input);
  const now = ctx.clock.now();
  const pool: Pool = {
    id: newPoolId(ctx.config.region),
    name: input.PoolName!,
    settings,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.pools.createPool(pool);
  return { UserPool: await describePool(ctx, pool) };
}
