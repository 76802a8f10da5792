import type { RevokeTokenRequest, RevokeTokenResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import type { Client } from './shared/pools.js';
import { UnauthorizedException, UnsupportedOperationException, UnsupportedTokenTypeException } from './exceptions.js';
import { macEquals } from '../crypto/codes.js';
import { opaqueTokenHash } from '../crypto/jwt.js';

// Cognito differs: the wording of these three refusals is not on record; the exceptions are
// the ones the model lists for RevokeToken.
export const REVOKE_MESSAGES = {
  client: 'Invalid client credentials.',
  disabled: 'Token revocation is not enabled for this app client.',
  tokenType: 'Only refresh tokens can be revoked.',
};

/**
 * Revokes a refresh token and every id and access token minted from it (its token family).
 * As OAuth token revocation (RFC 7009) prescribes, a token that is unknown, already revoked
 * or not this client's is answered with success and changes nothing.
 */
export async function revokeToken(ctx: OperationContext, input: RevokeTokenRequest): Promise<RevokeTokenResponse> {
  const found = await ctx.store.clients.findClient(input.ClientId!);
  const client = found as Client | undefined;
  if (!client || (client.secret !== null && !macEquals(client.secret, input.ClientSecret ?? ''))) throw new UnauthorizedException(REVOKE_MESSAGES.client);
  if (client.settings.EnableTokenRevocation === false) throw new UnsupportedOperationException(REVOKE_MESSAGES.disabled);
  // Our refresh tokens are opaque; anything shaped like a JWT is an id or access token.
  if (input.Token!.includes('.')) throw new UnsupportedTokenTypeException(REVOKE_MESSAGES.tokenType);
  const family = await ctx.store.refreshTokens.findByHash(opaqueTokenHash(input.Token!));
  if (family && family.clientId === client.id) await ctx.store.refreshTokens.revokeFamily(family.id, ctx.clock.now());
  return {};
}
