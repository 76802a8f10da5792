import type { AdminRespondToAuthChallengeRequest, AdminRespondToAuthChallengeResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool, loadPoolClient } from './shared/pools.js';
import { answerChallenge } from './shared/auth.js';

/** Answers a challenge of AdminInitiateAuth (or InitiateAuth) from a trusted backend. */
export async function adminRespondToAuthChallenge(
  ctx: OperationContext,
  input: AdminRespondToAuthChallengeRequest,
): Promise<AdminRespondToAuthChallengeResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const client = await loadPoolClient(ctx, pool.id, input.ClientId!);
  return answerChallenge(ctx, pool, client, input.ChallengeName!, input.ChallengeResponses, input.Session, input.ClientMetadata);
}
