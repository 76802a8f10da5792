import type { DescribeUserPoolClientRequest, DescribeUserPoolClientResponse, UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool, loadPoolClient, type Client } from './shared/pools.js';

/** DescribeUserPoolClient's view of a client, its secret included (an admin-only operation). */
export function describeClient(client: Client): UserPoolClientType {
  return {
    UserPoolId: client.poolId,
    ClientName: client.name,
    ClientId: client.id,
    ...(client.secret !== null && { ClientSecret: client.secret }),
    LastModifiedDate: new Date(client.updatedAt),
    CreationDate: new Date(client.createdAt),
    ...client.settings,
  };
}

export async function describeUserPoolClient(ctx: OperationContext, input: DescribeUserPoolClientRequest): Promise<DescribeUserPoolClientResponse> {
  // The pool is checked first: an unknown pool is reported as such, not as an unknown client.
  await loadPool(ctx, input.UserPoolId!);
  const client = await loadPoolClient(ctx, input.UserPoolId!, input.ClientId!);
  return { UserPoolClient: describeClient(client) };
}
