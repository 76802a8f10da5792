import type { UpdateUserPoolClientRequest, UpdateUserPoolClientResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { ResourceNotFoundException } from './exceptions.js';
import { describeClient } from './describeUserPoolClient.js';
import { clientSettings } from './shared/clientSettings.js';
import { loadPool, loadPoolClient, type Client } from './shared/pools.js';

/**
 * Replaces the client's settings. As in Cognito, a setting the request leaves out returns to
 * its default; the name (when omitted) and the secret are kept.
 */
export async function updateUserPoolClient(ctx: OperationContext, input: UpdateUserPoolClientRequest): Promise<UpdateUserPoolClientResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const current = await loadPoolClient(ctx, pool.id, input.ClientId!);
  const settings = clientSettings(input, { pool, hasSecret: current.secret !== null, action: 'updating' });
  const updated: Client = {
    ...current,
    name: input.ClientName ?? current.name,
    settings,
    updatedAt: Math.max(ctx.clock.now(), current.createdAt),
  };
  if (!(await ctx.store.clients.updateClient(updated))) {
    throw new ResourceNotFoundException(`User pool client ${current.id} does not exist.`);
  }
  return { UserPoolClient: describeClient(updated) };
}
