import type { CreateUserPoolClientRequest, CreateUserPoolClientResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { newClientId, newClientSecret } from '../crypto/ids.js';
import { describeClient } from './describeUserPoolClient.js';
import { clientSettings } from './shared/clientSettings.js';
import { loadPool, type Client } from './shared/pools.js';

export async function createUserPoolClient(ctx: OperationContext, input: CreateUserPoolClientRequest): Promise<CreateUserPoolClientResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const hasSecret = input.GenerateSecret === true;
  const settings = clientSettings(input, { pool, hasSecret, action: 'creating' });
  const now = ctx.clock.now();
  const client: Client = {
    id: newClientId(),
    poolId: pool.id,
    name: input.ClientName!,
    secret: hasSecret ? newClientSecret() : null,
    settings,
    createdAt: now,
    updatedAt: now,
  };
  await ctx.store.clients.createClient(client);
  return { UserPoolClient: describeClient(client) };
}
