import type { ListUserPoolsRequest, ListUserPoolsResponse, UserPoolDescriptionType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { decodeNextToken, page } from './shared/pagination.js';
import type { PoolSettings } from './shared/pools.js';

const SCOPE = 'pools';

export async function listUserPools(ctx: OperationContext, input: ListUserPoolsRequest): Promise<ListUserPoolsResponse> {
  // MaxResults is required and 1-60 by the model; the validator has checked it.
  const limit = input.MaxResults!;
  const after = input.NextToken !== undefined ? decodeNextToken(input.NextToken, SCOPE) : undefined;
  // Pools come in id order (Cognito does not document its order); a page is keyed on the last id.
  const rows = await ctx.store.pools.listPools(limit + 1, after);
  const { items, nextToken } = page(rows, limit, SCOPE, (r) => r.id);
  const UserPools: UserPoolDescriptionType[] = items.map((r) => ({
    Id: r.id,
    Name: r.name,
    // Status is deprecated in the model and left out, as Cognito does today.
    LambdaConfig: (r.settings as PoolSettings).LambdaConfig ?? {},
    LastModifiedDate: new Date(r.updatedAt),
    CreationDate: new Date(r.createdAt),
  }));
  return { UserPools, ...(nextToken !== undefined && { NextToken: nextToken }) };
}
