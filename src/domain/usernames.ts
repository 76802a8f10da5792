// How usernames and aliases are keyed for lookup. Pure.
import type { UserAlias } from '../store/records.js';

export interface IdentitySettings {
  /** UsernameAttributes: email and/or phone_number used as the username itself. */
  usernameAttributes: string[];
  /** AliasAttributes: email, phone_number, preferred_username usable besides the username. */
  aliasAttributes: string[];
  caseSensitive: boolean;
}

export function usernameKey(username: string, caseSensitive: boolean): string {
  return caseSensitive ? username : username.toLowerCase();
}

function aliasKey(kind: string, value: string, caseSensitive: boolean): string {
  // Phone numbers are E.164 digits: case does not apply.
  return kind === 'phone_number' ? value : usernameKey(value, caseSensitive);
}

/**
 * The aliases a user answers to. An attribute that is the username (UsernameAttributes)
 * always counts; an email or phone alias (AliasAttributes) only once verified, as in
 * Cognito; preferred_username always.
 */
export function userAliases(attributes: Record<string, string>, settings: IdentitySettings): UserAlias[] {
  const aliases: UserAlias[] = [];
  for (const kind of ['email', 'phone_number', 'preferred_username']) {
    const value = attributes[kind];
    if (!value) continue;
    const asUsername = settings.usernameAttributes.includes(kind);
    const asAlias =
      settings.aliasAttributes.includes(kind) &&
      (kind === 'preferred_username' || attributes[`${kind}_verified`] === 'true');
    if (asUsername || asAlias) aliases.push({ kind, valueKey: aliasKey(kind, value, settings.caseSensitive) });
  }
  return aliases;
}

/** The alias kinds to try, in order, for a sign-in or lookup string. */
export function aliasKindsFor(settings: IdentitySettings): string[] {
  return ['email', 'phone_number', 'preferred_username'].filter(
    (k) => settings.usernameAttributes.includes(k) || settings.aliasAttributes.includes(k),
  );
}

export function lookupKey(kind: string, value: string, caseSensitive: boolean): string {
  return aliasKey(kind, value, caseSensitive);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function looksLikeSub(value: string): boolean {
  return UUID.test(value);
}
