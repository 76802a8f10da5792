import type { GlobalSignOutRequest, GlobalSignOutResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { authenticateAccessToken } from './shared/accessToken.js';

/**
 * Signs the user out everywhere: every refresh token of the user is revoked, and with it
 * every id and access token minted from them (this one included).
 */
export async function globalSignOut(ctx: OperationContext, input: GlobalSignOutRequest): Promise<GlobalSignOutResponse> {
  const { user } = await authenticateAccessToken(ctx, input.AccessToken!);
  await ctx.store.refreshTokens.revokeUserFamilies(user.sub, ctx.clock.now());
  return {};
}
