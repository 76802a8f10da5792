import type { GetUserRequest, GetUserResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { authenticateAccessToken } from './shared/accessToken.js';
import { toAdminGetUser } from './shared/userView.js';

/**
 * The signed-in user's own record, authorised by its access token. Attributes are the ones
 * the token's app client may read (all when its ReadAttributes is unset), never
 * developer-only ones.
 */
export async function getUser(ctx: OperationContext, input: GetUserRequest): Promise<GetUserResponse> {
  const { pool, user, clientId } = await authenticateAccessToken(ctx, input.AccessToken!);
  const client = await ctx.store.clients.findPoolClient(pool.id, clientId);
  const readable = (client?.settings as { ReadAttributes?: string[] } | undefined)?.ReadAttributes;
  const view = toAdminGetUser(user);
  const out: GetUserResponse = {
    Username: view.Username,
    UserAttributes: (view.UserAttributes ?? []).filter(
      (a) => a.Name === 'sub' || (!a.Name!.startsWith('dev:') && (!readable?.length || readable.includes(a.Name!))),
    ),
  };
  if (view.MFAOptions) out.MFAOptions = view.MFAOptions;
  if (view.PreferredMfaSetting) out.PreferredMfaSetting = view.PreferredMfaSetting;
  if (view.UserMFASettingList) out.UserMFASettingList = view.UserMFASettingList;
  return out;
}
