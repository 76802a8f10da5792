// The check every token-authorised operation (GetUser, GlobalSignOut, ChangePassword, ...)
// makes of its AccessToken: our signature with a live key of the token's pool, our issuer,
// not expired, an access token with the user-self scope, its token family not revoked, and
// the user still there and enabled.
//
// Revocation is decided at millisecond precision on the family (tokens.ts familyRevoked): a
// token is refused when its sign-in predates the user's tokensValidAfter (a reset, an admin
// password change, a disable), or when its family was revoked (RevokeToken, GlobalSignOut).
// The `iat` claim has whole seconds only: comparing it would refuse tokens from a sign-in
// made in the same second as a reset but after it.
import type { JWTPayload } from 'jose';
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import { peekJwt, verifyJwt } from '../../crypto/jwt.js';
import { NotAuthorizedException } from '../exceptions.js';
import { ADMIN_SCOPE, familyRevoked, issuerFor } from './tokens.js';
import type { Pool } from './pools.js';

export const ACCESS_TOKEN_MESSAGES = {
  invalid: 'Invalid Access Token',
  expired: 'Access Token has expired',
  revoked: 'Access Token has been revoked',
  scope: 'Access Token does not have required scopes',
  disabled: 'User is disabled.',
};

export interface AccessTokenHolder {
  pool: Pool;
  user: UserRecord;
  clientId: string;
  /** The token family (the sign-in) the token came from: its origin_jti. */
  originJti: string;
  claims: JWTPayload;
}

/** Throws NotAuthorizedException with Cognito's messages for any token that does not pass. */
export async function authenticateAccessToken(ctx: OperationContext, token: string): Promise<AccessTokenHolder> {
  const invalid = (): NotAuthorizedException => new NotAuthorizedException(ACCESS_TOKEN_MESSAGES.invalid);
  const peeked = peekJwt(token);
  const poolId = typeof peeked?.payload.iss === 'string' ? peeked.payload.iss.slice(peeked.payload.iss.lastIndexOf('/') + 1) : '';
  if (!peeked || !poolId) throw invalid();
  const found = await ctx.store.pools.findPool(poolId);
  if (!found) throw invalid();
  const pool = found as Pool;
  const key = await ctx.signingKeys.verificationKey(pool.id, peeked.kid);
  if (!key) throw invalid();
  const checked = await verifyJwt(token, key, issuerFor(ctx, pool.id), ctx.clock.now());
  if (!checked.ok) throw checked.problem === 'expired' ? new NotAuthorizedException(ACCESS_TOKEN_MESSAGES.expired) : invalid();
  const claims = checked.payload;
  if (claims.token_use !== 'access' || typeof claims.sub !== 'string' || typeof claims.client_id !== 'string' || typeof claims.origin_jti !== 'string') {
    throw invalid();
  }
  if (typeof claims.scope !== 'string' || !claims.scope.split(' ').includes(ADMIN_SCOPE)) throw new NotAuthorizedException(ACCESS_TOKEN_MESSAGES.scope);

  // A deleted user's families are deleted with it: its tokens read as revoked.
  const family = await ctx.store.refreshTokens.findFamily(claims.origin_jti);
  const user = await ctx.store.users.findUserBySub(pool.id, claims.sub);
  if (!family || !user || family.sub !== user.sub || family.clientId !== claims.client_id || familyRevoked(family, user)) {
    throw new NotAuthorizedException(ACCESS_TOKEN_MESSAGES.revoked);
  }
  if (!user.enabled) throw new NotAuthorizedException(ACCESS_TOKEN_MESSAGES.disabled);
  return { pool, user, clientId: claims.client_id, originJti: claims.origin_jti, claims };
}
