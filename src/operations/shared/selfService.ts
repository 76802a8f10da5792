// The first step of every operation a signed-in user makes on its own account
// (UpdateUserAttributes, GetUserAttributeVerificationCode, VerifyUserAttribute, ChangePassword,
// DeleteUser): the access token is checked (accessToken.ts), then the user's state, then the
// app client the token was issued to, whose permissions (WriteAttributes) the request is under.
import type { OperationContext } from '../context.js';
import { NotAuthorizedException, PasswordResetRequiredException, UserNotConfirmedException } from '../exceptions.js';
import { ACCESS_TOKEN_MESSAGES, authenticateAccessToken, type AccessTokenHolder } from './accessToken.js';
import { AUTH_MESSAGES } from './authParams.js';
import type { Client } from './pools.js';

export interface SelfRequest extends AccessTokenHolder {
  client: Client;
}

/**
 * The token holder, refused in the states in which Cognito refuses these operations: a user an
 * admin sent to RESET_REQUIRED (AdminResetUserPassword leaves its sessions alive, but the
 * password must be reset before the account is used) and an unconfirmed one.
 */
export async function authenticateSelf(ctx: OperationContext, accessToken: string): Promise<SelfRequest> {
  const holder = await authenticateAccessToken(ctx, accessToken);
  if (holder.user.status === 'RESET_REQUIRED') throw new PasswordResetRequiredException(AUTH_MESSAGES.resetRequired);
  if (holder.user.status === 'UNCONFIRMED') throw new UserNotConfirmedException(AUTH_MESSAGES.notConfirmed);
  // A deleted client takes its token families along (a cascade), so this is only a race.
  const client = await ctx.store.clients.findPoolClient(holder.pool.id, holder.clientId);
  if (!client) throw new NotAuthorizedException(ACCESS_TOKEN_MESSAGES.revoked);
  return { ...holder, client: client as Client };
}
