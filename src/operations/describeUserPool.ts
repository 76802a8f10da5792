import type { DescribeUserPoolRequest, DescribeUserPoolResponse, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool, poolArn, regionOfPool, type Pool } from './shared/pools.js';

/** DescribeUserPool's view of a pool: its stored settings plus the computed fields. */
export async function describePool(ctx: OperationContext, pool: Pool): Promise<UserPoolType> {
  return {
    Id: pool.id,
    Name: pool.name,
    ...pool.settings,
    Arn: poolArn(regionOfPool(pool.id), pool.id),
    CreationDate: new Date(pool.createdAt),
    LastModifiedDate: new Date(pool.updatedAt),
    EstimatedNumberOfUsers: await ctx.store.users.countUsers(pool.id),
  };
}

export async function describeUserPool(ctx: OperationContext, input: DescribeUserPoolRequest): Promise<DescribeUserPoolResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  return { UserPool: await describePool(ctx, pool) };
}
