import type { RespondToAuthChallengeRequest, RespondToAuthChallengeResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadClient } from './shared/pools.js';
import { answerChallenge } from './shared/auth.js';

/** Answers a sign-in challenge: PASSWORD_VERIFIER (SRP) or NEW_PASSWORD_REQUIRED. */
export async function respondToAuthChallenge(ctx: OperationContext, input: RespondToAuthChallengeRequest): Promise<RespondToAuthChallengeResponse> {
  const { client, pool } = await loadClient(ctx, input.ClientId!);
  return answerChallenge(ctx, pool, client, input.ChallengeName!, input.ChallengeResponses, input.Session, input.ClientMetadata);
}
