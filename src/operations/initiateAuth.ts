import type { InitiateAuthRequest, InitiateAuthResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { InvalidParameterException } from './exceptions.js';
import { loadClient } from './shared/pools.js';
import { runFlow } from './shared/auth.js';
import { AUTH_MESSAGES } from './shared/authParams.js';

/**
 * Signs a user in through an app client (no AWS credentials): USER_PASSWORD_AUTH,
 * USER_SRP_AUTH (answered with a PASSWORD_VERIFIER challenge) and REFRESH_TOKEN_AUTH. The
 * admin flows belong to AdminInitiateAuth.
 */
export async function initiateAuth(ctx: OperationContext, input: InitiateAuthRequest): Promise<InitiateAuthResponse> {
  const { client, pool } = await loadClient(ctx, input.ClientId!);
  const flow = input.AuthFlow!;
  if (flow === 'ADMIN_NO_SRP_AUTH' || flow === 'ADMIN_USER_PASSWORD_AUTH') throw new InvalidParameterException(AUTH_MESSAGES.notSupported);
  return runFlow(ctx, pool, client, flow, input.AuthParameters, input.ClientMetadata);
}
