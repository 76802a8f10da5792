import type { AdminInitiateAuthRequest, AdminInitiateAuthResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { InvalidParameterException } from './exceptions.js';
import { loadPool, loadPoolClient } from './shared/pools.js';
import { runFlow } from './shared/auth.js';
import { AUTH_MESSAGES } from './shared/authParams.js';

/**
 * Signs a user in from a trusted backend (SigV4): ADMIN_USER_PASSWORD_AUTH and its legacy
 * name ADMIN_NO_SRP_AUTH, USER_SRP_AUTH and REFRESH_TOKEN_AUTH. USER_PASSWORD_AUTH belongs to
 * InitiateAuth. The client's ExplicitAuthFlows and secret apply as they do there.
 */
export async function adminInitiateAuth(ctx: OperationContext, input: AdminInitiateAuthRequest): Promise<AdminInitiateAuthResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const client = await loadPoolClient(ctx, pool.id, input.ClientId!);
  const flow = input.AuthFlow!;
  if (flow === 'USER_PASSWORD_AUTH') throw new InvalidParameterException(AUTH_MESSAGES.notSupported);
  return runFlow(ctx, pool, client, flow, input.AuthParameters, input.ClientMetadata);
}
