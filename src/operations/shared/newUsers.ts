// What AdminCreateUser and SignUp share when a user is made: the username rules of the pool
// (UsernameAttributes pools name the user by its sub), the attribute the username becomes,
// and the answer for a taken alias.
import type { Pool } from './pools.js';
import { isEmailAddress, isPhoneNumber } from '../../domain/attributes.js';
import { newSub } from '../../crypto/ids.js';
import { InvalidParameterException, UsernameExistsException } from '../exceptions.js';

export interface NewIdentity {
  sub: string;
  username: string;
  /** In UsernameAttributes pools, the attribute the given Username becomes. */
  attribute?: [string, string];
}

/**
 * Pools with UsernameAttributes take an email or phone number as the Username, store it as
 * that attribute and name the user by its sub. Other pools keep the Username as given, but
 * refuse one shaped like an alias the pool allows (it would shadow another user's alias).
 */
export function newUserIdentity(pool: Pool, given: string): NewIdentity {
  const sub = newSub();
  const usernameAttributes: string[] = pool.settings.UsernameAttributes ?? [];
  if (usernameAttributes.length > 0) {
    const email = usernameAttributes.includes('email');
    const phone = usernameAttributes.includes('phone_number');
    if (email && isEmailAddress(given)) return { sub, username: sub, attribute: ['email', given] };
    if (phone && isPhoneNumber(given)) return { sub, username: sub, attribute: ['phone_number', given] };
    if (email && phone) throw new InvalidParameterException('Username should be either an email or a phone number.');
    throw new InvalidParameterException(email ? 'Username should be an email.' : 'Username should be a phone number.');
  }
  const aliases: string[] = pool.settings.AliasAttributes ?? [];
  if (aliases.includes('email') && isEmailAddress(given)) {
    throw new InvalidParameterException('Username cannot be of email format, since user pool is configured for email alias.');
  }
  if (aliases.includes('phone_number') && isPhoneNumber(given)) {
    throw new InvalidParameterException('Username cannot be of phone number format, since user pool is configured for phone number alias.');
  }
  return { sub, username: given };
}

/**
 * Adds the attribute the username stands for (UsernameAttributes pools) to the checked
 * attributes; the request may repeat it but not contradict it.
 */
export function withIdentityAttribute(identity: NewIdentity, attributes: Record<string, string>): Record<string, string> {
  if (!identity.attribute) return attributes;
  const [kind, value] = identity.attribute;
  if (attributes[kind] !== undefined && attributes[kind] !== value) {
    throw new InvalidParameterException(`The ${kind} attribute must be the same as the username.`);
  }
  return { ...attributes, [kind]: value };
}

/**
 * Neither AdminCreateUser's nor SignUp's modeled errors include AliasExistsException; Cognito
 * is observed answering a taken email or phone number (a UsernameAttributes value) with
 * UsernameExistsException and this message, which is what SDK code catches.
 */
export function aliasTaken(kind: string): UsernameExistsException {
  return new UsernameExistsException(`An account with the given ${kind} already exists.`);
}
