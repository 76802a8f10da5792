import type { DeleteUserPoolClientRequest } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { ResourceNotFoundException } from './exceptions.js';
import { loadPool } from './shared/pools.js';

export async function deleteUserPoolClient(ctx: OperationContext, input: DeleteUserPoolClientRequest): Promise<object> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  if (!(await ctx.store.clients.deleteClient(pool.id, input.ClientId!))) {
    throw new ResourceNotFoundException(`User pool client ${input.ClientId!} does not exist.`);
  }
  return {};
}
