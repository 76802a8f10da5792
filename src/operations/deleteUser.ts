import type { DeleteUserRequest } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { NotAuthorizedException } from './exceptions.js';
import { authenticateSelf } from './shared/selfService.js';
import { ACCESS_TOKEN_MESSAGES } from './shared/accessToken.js';

/**
 * The signed-in user deletes its own account. Its aliases, codes, password history and token
 * families go with it (cascade), so every token it held now reads as revoked.
 */
export async function deleteUser(ctx: OperationContext, input: DeleteUserRequest): Promise<Record<string, never>> {
  const { user } = await authenticateSelf(ctx, input.AccessToken!);
  // A concurrent delete: the loser answers as a token of a deleted user does.
  if (!(await ctx.store.users.deleteUser(user.sub))) throw new NotAuthorizedException(ACCESS_TOKEN_MESSAGES.revoked);
  return {};
}
