// Finding users the way Cognito resolves a Username parameter: the username itself, then
// any alias the pool allows, then the sub.
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import { aliasKindsFor, lookupKey, looksLikeSub, usernameKey, type IdentitySettings } from '../../domain/usernames.js';
import type { Pool } from './pools.js';
import { UserNotFoundException } from '../exceptions.js';

export function identitySettings(pool: Pool): IdentitySettings {
  return {
    usernameAttributes: pool.settings.UsernameAttributes ?? [],
    aliasAttributes: pool.settings.AliasAttributes ?? [],
    // Cognito: a pool created without UsernameConfiguration is case sensitive.
    caseSensitive: pool.settings.UsernameConfiguration?.CaseSensitive ?? true,
  };
}

export async function findUserByLogin(ctx: OperationContext, pool: Pool, login: string): Promise<UserRecord | undefined> {
  const settings = identitySettings(pool);
  const byName = await ctx.store.users.findUserByUsername(pool.id, usernameKey(login, settings.caseSensitive));
  if (byName) return byName;
  for (const kind of aliasKindsFor(settings)) {
    const byAlias = await ctx.store.users.findUserByAlias(pool.id, kind, lookupKey(kind, login, settings.caseSensitive));
    if (byAlias) return byAlias;
  }
  if (looksLikeSub(login)) return ctx.store.users.findUserBySub(pool.id, login.toLowerCase());
  return undefined;
}

/** For admin operations: the user or UserNotFoundException with Cognito's message. */
export async function loadUser(ctx: OperationContext, pool: Pool, login: string): Promise<UserRecord> {
  const user = await findUserByLogin(ctx, pool, login);
  if (!user) throw new UserNotFoundException('User does not exist.');
  return user;
}
