import type { AdminUpdateUserAttributesRequest, AdminUpdateUserAttributesResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { applyAttributeUpdate } from '../domain/attributes.js';
import { AliasExistsException } from './exceptions.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';
import { checkedAttributeWrites } from './shared/userAttributes.js';
import { saveAttributeChange } from './shared/userWrites.js';

/**
 * Writes attributes as an admin. Immutable attributes cannot change; a new email or phone
 * number is unverified unless the request also sets its `*_verified` flag; aliases follow.
 */
export async function adminUpdateUserAttributes(
  ctx: OperationContext,
  input: AdminUpdateUserAttributesRequest,
): Promise<AdminUpdateUserAttributesResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  const writes = checkedAttributeWrites(pool, input.UserAttributes, 'update');
  const { attributes, changedContacts } = applyAttributeUpdate(user.attributes, writes);
  const removed = Object.keys(writes).filter((name) => writes[name] === '');
  await saveAttributeChange(ctx, pool, user, { attributes, changedContacts, removed }, aliasExists);
  // Cognito differs: Cognito sends a verification code to a changed email or phone number
  // when the pool auto-verifies it (and may hold the change back until it is verified, per
  // UserAttributeUpdateSettings). That belongs to the attribute-verification work; until then
  // the new value is stored unverified.
  return {};
}

function aliasExists(kind: string): AliasExistsException {
  return new AliasExistsException(`An account with the given ${kind} already exists.`);
}
