// Writing users back: the lookup keys a user is stored under (username key, aliases), the
// alias checks AdminCreateUser and AdminUpdateUserAttributes share, and the common tail of
// every attribute change.
import type { OperationContext } from '../context.js';
import type { Store } from '../../store/store.js';
import { StoreConflict, type UserAlias, type UserRecord } from '../../store/records.js';
import { userAliases, usernameKey } from '../../domain/usernames.js';
import { findAttribute, requiredIssue, schemaMessage, VERIFIED_FLAG } from '../../domain/attributes.js';
import { InvalidParameterException, UserNotFoundException } from '../exceptions.js';
import { identitySettings } from './users.js';
import { RESET_PURPOSE } from './recovery.js';
import { SIGNUP_PURPOSE } from './signUpCodes.js';
import { verifyPurpose } from './attributeVerification.js';
import { schemaOf } from './userAttributes.js';
import type { Pool } from './pools.js';

export interface UserKeys {
  usernameKey: string;
  aliases: UserAlias[];
}

export function userKeys(pool: Pool, user: Pick<UserRecord, 'username' | 'attributes'>): UserKeys {
  const settings = identitySettings(pool);
  return { usernameKey: usernameKey(user.username, settings.caseSensitive), aliases: userAliases(user.attributes, settings) };
}

/**
 * Saves a user's attributes and rebuilds its aliases (credentials and status are not
 * written, so a concurrent password change survives). A user deleted meanwhile is
 * UserNotFoundException.
 */
export async function saveUserAttributes(store: Store, pool: Pool, user: UserRecord): Promise<void> {
  const keys = userKeys(pool, user);
  const saved = await store.users.updateUserAttributes(user, keys.usernameKey, keys.aliases);
  if (!saved) throw new UserNotFoundException('User does not exist.');
}

export interface AliasConflict {
  kind: string;
  holder: UserRecord;
}

/** Aliases in `aliases` that another user of the pool already holds. */
export async function aliasConflicts(store: Store, pool: Pool, sub: string, aliases: readonly UserAlias[]): Promise<AliasConflict[]> {
  const conflicts: AliasConflict[] = [];
  for (const alias of aliases) {
    const holderSub = await store.users.aliasHolder(pool.id, alias.kind, alias.valueKey);
    if (!holderSub || holderSub === sub) continue;
    const holder = await store.users.findUserBySub(pool.id, holderSub);
    if (holder) conflicts.push({ kind: alias.kind, holder });
  }
  return conflicts;
}

/**
 * Whether ForceAliasCreation may move this alias: only a verified email or phone number that
 * is an alias (AliasAttributes) rather than the sign-in name itself (UsernameAttributes),
 * because taking a UsernameAttributes value away would leave the old holder unable to sign in.
 */
export function aliasCanMove(pool: Pool, kind: string, attributes: Readonly<Record<string, string>>): boolean {
  const flag = VERIFIED_FLAG[kind];
  if (!flag || attributes[flag] !== 'true') return false;
  return !(pool.settings.UsernameAttributes ?? []).includes(kind as 'email' | 'phone_number');
}

/**
 * The previous holder after an alias moved away: its copy of the attribute is no longer
 * verified, which (as in Cognito) is what stops it from being an alias.
 */
export function withoutAlias(holder: UserRecord, kind: string, now: number): UserRecord {
  const flag = VERIFIED_FLAG[kind]!;
  return { ...holder, attributes: { ...holder.attributes, [flag]: 'false' }, updatedAt: now };
}

/**
 * The common tail of AdminUpdateUserAttributes and AdminDeleteUserAttributes: required
 * attributes stay, the user keeps a sign-in attribute, aliases stay unique, and codes sent to
 * a contact that changed die with it. `aliasTaken` builds the operation's error for an alias
 * another user holds; removing attributes can only drop aliases, so deletes pass none.
 */
export async function saveAttributeChange(
  ctx: OperationContext,
  pool: Pool,
  user: UserRecord,
  change: { attributes: Record<string, string>; changedContacts: string[]; removed: string[] },
  aliasTaken?: (kind: string) => Error,
  /** More writes for the same transaction (UpdateUserAttributes issues its verification codes here). */
  alsoInTx?: (tx: Store) => Promise<void>,
): Promise<void> {
  const { attributes, changedContacts, removed } = change;
  const schema = schemaOf(pool);
  const issues = removed.filter((name) => findAttribute(schema, name)?.required).map(requiredIssue);
  if (issues.length > 0) throw new InvalidParameterException(schemaMessage(issues));
  const signIn: string[] = pool.settings.UsernameAttributes ?? [];
  if (signIn.length > 0 && !signIn.some((kind) => attributes[kind])) {
    // Cognito differs: the message is ours. In a UsernameAttributes pool the email or phone
    // number is how the user signs in; removing the last one would strand the account.
    throw new InvalidParameterException(`Attributes did not conform to the schema: ${signIn.join(' or ')}: The user must keep a sign-in attribute`);
  }
  const now = ctx.clock.now();
  const updated: UserRecord = { ...user, attributes, updatedAt: now };
  if (aliasTaken) {
    const conflicts = await aliasConflicts(ctx.store, pool, user.sub, userKeys(pool, updated).aliases);
    if (conflicts.length > 0) throw aliasTaken(conflicts[0]!.kind);
  }
  try {
    await ctx.store.transaction(async (tx) => {
      await saveUserAttributes(tx, pool, updated);
      // A reset code already sent went to the old email or phone number: it must not keep
      // working once the user's contact is no longer that address.
      if (changedContacts.length > 0) await tx.codes.invalidateCodes(user.sub, now, RESET_PURPOSE);
      // Likewise a sign-up code: confirming with it marks the contact verified, which must
      // never happen to an address the code was not sent to. ResendConfirmationCode sends a new one.
      if (changedContacts.length > 0) await tx.codes.invalidateCodes(user.sub, now, SIGNUP_PURPOSE);
      // And an attribute verification code verifies the value it was sent to, never a new one.
      for (const contact of changedContacts) await tx.codes.invalidateCodes(user.sub, now, verifyPurpose(contact));
      if (alsoInTx) await alsoInTx(tx);
    });
  } catch (err) {
    // Lost a race with a concurrent write that took the alias first.
    if (aliasTaken && err instanceof StoreConflict && err.what === 'alias') throw aliasTaken(err.detail ?? 'email');
    throw err;
  }
}
