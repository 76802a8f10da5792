// What an app client may write on a user's behalf (SignUp, later UpdateUserAttributes): the
// client's WriteAttributes when it has them, else every attribute except the ones Cognito
// manages itself. Above all, a client can never mark an email or phone number verified:
// only a code sent to it can, so a sign-up cannot claim someone else's address.
import type { AttributeType } from '@aws-sdk/client-cognito-identity-provider';
import { findAttribute } from '../../domain/attributes.js';
import { NotAuthorizedException } from '../exceptions.js';
import { NEVER_WRITABLE } from './clientSettings.js';
import { schemaOf } from './userAttributes.js';
import type { Client, Pool } from './pools.js';

export const UNAUTHORIZED_ATTRIBUTE = 'A client attempted to write unauthorized attribute';

/**
 * NotAuthorizedException when the request writes an attribute the client may not write.
 * Runs before the schema check, as Cognito does: with a WriteAttributes list, a name that is
 * not on it (even one the schema lacks) is refused here.
 */
export function checkClientWrites(client: Client, pool: Pool, attributes: readonly AttributeType[] | undefined): void {
  const allowed = client.settings.WriteAttributes;
  const schema = schemaOf(pool);
  for (const { Name } of attributes ?? []) {
    const name = Name!;
    const def = findAttribute(schema, name);
    const canonical = def?.name ?? name;
    // Developer-only attributes are written with admin credentials only.
    if (NEVER_WRITABLE.has(canonical) || def?.developerOnly) throw new NotAuthorizedException(UNAUTHORIZED_ATTRIBUTE);
    if (allowed && !allowed.includes(name) && !allowed.includes(canonical)) throw new NotAuthorizedException(UNAUTHORIZED_ATTRIBUTE);
  }
}
