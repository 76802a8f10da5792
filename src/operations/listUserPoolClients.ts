import type { ListUserPoolClientsRequest, ListUserPoolClientsResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { decodeNextToken, page } from './shared/pagination.js';
import { loadPool } from './shared/pools.js';

/** Cognito's page size when MaxResults is omitted (optional here, unlike ListUserPools). */
const DEFAULT_PAGE_SIZE = 60;

export async function listUserPoolClients(ctx: OperationContext, input: ListUserPoolClientsRequest): Promise<ListUserPoolClientsResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  // A token is bound to its pool: one issued while listing another pool is refused.
  const scope = `clients:${pool.id}`;
  const limit = input.MaxResults ?? DEFAULT_PAGE_SIZE;
  const after = input.NextToken !== undefined ? decodeNextToken(input.NextToken, scope) : undefined;
  const rows = await ctx.store.clients.listClients(pool.id, limit + 1, after);
  const { items, nextToken } = page(rows, limit, scope, (r) => r.id);
  return {
    UserPoolClients: items.map((r) => ({ ClientId: r.id, UserPoolId: r.poolId, ClientName: r.name })),
    ...(nextToken !== undefined && { NextToken: nextToken }),
  };
}
