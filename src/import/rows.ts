// Cognito's CSV import rules, one row at a time: the header GetCSVHeader hands out, how a
// file's header is matched against it, and what a row must hold to become a user. Pure apart
// from reading the pool; a row that breaks a rule gets a reason, never an exception, so one
// bad row never stops the job.
import type { Pool } from '../operations/shared/pools.js';
import type { UserRecord } from '../store/records.js';
import type { NewUserRow } from '../store/users.js';
import { standardSchema } from '../operations/shared/schemaAttributes.js';
import { schemaOf } from '../operations/shared/userAttributes.js';
import { newUserIdentity, withIdentityAttribute } from '../operations/shared/newUsers.js';
import { userKeys } from '../operations/shared/userWrites.js';
import { CognitoException } from '../operations/exceptions.js';
import { checkAttributeWrites, requiredIssue, schemaMessage } from '../domain/attributes.js';

export const USERNAME_COLUMN = 'cognito:username';
export const MFA_COLUMN = 'cognito:mfa_enabled';

/**
 * The CSV header of a pool, as GetCSVHeader answers it: the pool's schema attributes in the
 * order DescribeUserPool lists them (standard ones, then custom ones), without `sub` and
 * `identities`, which no import sets, followed by cognito:mfa_enabled and cognito:username.
 */
export function csvHeader(pool: Pool): string[] {
  const schema = pool.settings.SchemaAttributes ?? standardSchema();
  const names = schema.map((a) => a.Name!).filter((n) => n && n !== 'sub' && n !== 'identities');
  return [...names, MFA_COLUMN, USERNAME_COLUMN];
}

/** A file's header matched against the pool's: the column of each name, or why it cannot be used. */
export type HeaderMatch = { ok: true; columns: string[]; usernameAt: number; mfaAt: number } | { ok: false; message: string };

/**
 * Columns are matched by name, in any order. A name the pool's header does not have fails the
 * whole job, as in Cognito (the file was made for another pool); so does a name given twice.
 * Cognito differs: Cognito asks for every column of the header to be present; here only
 * cognito:username must be, and a missing column reads as empty.
 */
export function matchHeader(pool: Pool, fields: readonly string[]): HeaderMatch {
  const known = new Set(csvHeader(pool));
  const columns = fields.map((f) => f.trim());
  const unknown = columns.filter((c) => !known.has(c));
  if (unknown.length > 0) {
    return { ok: false, message: `The CSV header has columns that are not attributes of the user pool: ${unknown.slice(0, 10).join(', ')}` };
  }
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c)) return { ok: false, message: `The CSV header names the column ${c} more than once` };
    seen.add(c);
  }
  const usernameAt = columns.indexOf(USERNAME_COLUMN);
  if (usernameAt < 0) return { ok: false, message: `The CSV header has no ${USERNAME_COLUMN} column` };
  return { ok: true, columns, usernameAt, mfaAt: columns.indexOf(MFA_COLUMN) };
}

export type RowResult = { ok: true; row: NewUserRow; username: string } | { ok: false; username: string | null; reason: string };

const BOOLEAN = /^(true|false)$/i;

/**
 * One data row to the user it creates: RESET_REQUIRED with no password, its attributes
 * checked against the pool's schema and formats, verified flags as given.
 */
export function userFromRow(pool: Pool, header: Extract<HeaderMatch, { ok: true }>, fields: readonly string[], now: number): RowResult {
  const given = fields[header.usernameAt]?.trim() ?? '';
  const username = given === '' ? null : given;
  const fail = (reason: string): RowResult => ({ ok: false, username, reason });
  if (fields.length !== header.columns.length) {
    return fail(`The row has ${fields.length} values; the header has ${header.columns.length} columns`);
  }
  if (!username) return fail(`${USERNAME_COLUMN} is required`);

  const mfaValue = header.mfaAt >= 0 ? fields[header.mfaAt]!.trim() : '';
  // Cognito differs: an empty cognito:mfa_enabled reads as false instead of failing the row.
  if (mfaValue !== '' && !BOOLEAN.test(mfaValue)) return fail(`${MFA_COLUMN} must be true or false`);
  const mfaEnabled = mfaValue.toLowerCase() === 'true';

  const list: Array<{ name: string; value: string }> = [];
  header.columns.forEach((name, i) => {
    if (i !== header.usernameAt && i !== header.mfaAt) list.push({ name, value: fields[i]! });
  });
  const checked = checkAttributeWrites(schemaOf(pool), list, 'create');
  if (!checked.ok) {
    if (checked.kind === 'schema') return fail(schemaMessage(checked.issues));
    return fail(checked.kind === 'email' ? 'Invalid email address format.' : 'Invalid phone number format.');
  }

  let identity;
  let attributes: Record<string, string>;
  try {
    identity = newUserIdentity(pool, username);
    attributes = withIdentityAttribute(identity, checked.values);
  } catch (err) {
    if (err instanceof CognitoException) return fail(err.message);
    throw err;
  }

  const problem = contactProblem(pool, attributes) ?? requiredProblem(pool, attributes);
  if (problem) return fail(problem);
  if (mfaEnabled && !attributes.phone_number) return fail(`${MFA_COLUMN} is true but the user has no phone_number for SMS MFA`);

  const user: UserRecord = {
    sub: identity.sub,
    poolId: pool.id,
    username: identity.username,
    status: 'RESET_REQUIRED',
    enabled: true,
    passwordHash: null,
    srpVerifier: null,
    passwordChangedAt: null,
    attributes,
    mfa: { enabled: mfaEnabled ? ['SMS_MFA'] : [] },
    tokensValidAfter: now,
    createdAt: now,
    updatedAt: now,
  };
  const keys = userKeys(pool, user);
  return { ok: true, username, row: { user, usernameKey: keys.usernameKey, aliases: keys.aliases } };
}

/**
 * Cognito's rules for the contacts a reset code goes to: a verified flag needs its value, and
 * in a pool that verifies email or phone numbers automatically each user needs one of those
 * verified, or it could never receive a reset code.
 */
function contactProblem(pool: Pool, attributes: Record<string, string>): string | undefined {
  for (const kind of ['email', 'phone_number']) {
    if (attributes[`${kind}_verified`] === 'true' && !attributes[kind]) return `${kind}_verified is true but ${kind} is empty`;
  }
  const auto: string[] = pool.settings.AutoVerifiedAttributes ?? [];
  if (auto.length > 0 && !auto.some((kind) => attributes[kind] && attributes[`${kind}_verified`] === 'true')) {
    return `The user needs a verified ${auto.join(' or ')}: set ${auto.map((k) => `${k}_verified`).join(' or ')} to true`;
  }
  return undefined;
}

function requiredProblem(pool: Pool, attributes: Record<string, string>): string | undefined {
  const missing: string[] = [];
  for (const def of schemaOf(pool).values()) {
    if (def.required && def.name !== 'sub' && !attributes[def.name]) missing.push(requiredIssue(def.name));
  }
  return missing.length > 0 ? schemaMessage(missing) : undefined;
}
