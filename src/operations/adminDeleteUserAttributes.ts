import type { AdminDeleteUserAttributesRequest, AdminDeleteUserAttributesResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { applyAttributeDeletes, findAttribute, schemaMessage } from '../domain/attributes.js';
import { InvalidParameterException } from './exceptions.js';
import { loadPool } from './shared/pools.js';
import { loadUser } from './shared/users.js';
import { schemaOf } from './shared/userAttributes.js';
import { saveAttributeChange } from './shared/userWrites.js';

/** Removes attributes. Unknown, immutable (sub included) and required ones are refused. */
export async function adminDeleteUserAttributes(
  ctx: OperationContext,
  input: AdminDeleteUserAttributesRequest,
): Promise<AdminDeleteUserAttributesResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const user = await loadUser(ctx, pool, input.Username!);
  const schema = schemaOf(pool);
  const issues: string[] = [];
  const names: string[] = [];
  for (const name of input.UserAttributeNames ?? []) {
    const def = findAttribute(schema, name);
    if (!def) issues.push(`${name}: Attribute does not exist in the schema.`);
    else if (def.name === 'sub' || !def.mutable) issues.push(`${name}: Attribute cannot be updated.`);
    else names.push(def.name);
  }
  if (issues.length > 0) throw new InvalidParameterException(schemaMessage(issues));
  const { attributes, changedContacts } = applyAttributeDeletes(user.attributes, names);
  await saveAttributeChange(ctx, pool, user, { attributes, changedContacts, removed: names });
  return {};
}
