// The UserMigration trigger in the forgot-password flow: ForgotPassword for a name the pool
// does not know asks the pool's function (UserMigration_ForgotPassword: the name as entered,
// the request's ClientMetadata, no password). When the function answers with the user's
// attributes, the user is created in RESET_REQUIRED and the journey goes on as for any user:
// the reset code goes to the verified email or phone number among those attributes.
//
// What happens to the function's answer:
// - userAttributes: required. Checked like AdminCreateUser's (schema, formats); `sub` and
//   `cognito:*` keys (often copied from another pool) are dropped: the user gets a new sub.
//   true/false and numbers are taken as their strings ("email_verified": true).
// - finalUserStatus: the user is RESET_REQUIRED whatever it says: there is no password in this
//   flow, and the reset sets one. messageAction and desiredDeliveryMediums are checked but
//   send nothing more: the reset code is the message this flow sends.
// - forceAliasCreation: true moves a verified email/phone alias from the user holding it.
// - enableSMSMFA: true turns SMS MFA on (such a user's code never goes by SMS).
//
// Under PreventUserExistenceErrors=ENABLED a function that fails, declines (no attributes) or
// answers something unusable leaves the caller with the answer an unknown user gets; under
// LEGACY the failure is Cognito's (UserLambdaValidationException and the others) and a
// declined migration is UserNotFoundException.
import type { OperationContext } from '../context.js';
import { StoreConflict, type UserRecord } from '../../store/records.js';
import { eventWithoutUser } from '../../triggers/events.js';
import { CognitoException, InvalidLambdaResponseException, InvalidParameterException } from '../exceptions.js';
import type { Client, Pool } from './pools.js';
import { findUserByLogin } from './users.js';
import { checkedAttributeWrites } from './userAttributes.js';
import { newUserIdentity, withIdentityAttribute } from './newUsers.js';
import { newCredentials } from './credentials.js';
import { aliasCanMove, aliasConflicts, saveUserAttributes, userKeys, withoutAlias } from './userWrites.js';

export interface MigrationAnswer {
  userAttributes: Record<string, string>;
  /** As answered (null when not given); the sign-in flow honours it, the reset flow cannot. */
  finalUserStatus: 'RESET_REQUIRED' | 'CONFIRMED' | null;
  forceAliasCreation: boolean;
  enableSMSMFA: boolean;
}

/** The response fields as Cognito hands them to the function: all null. */
export const MIGRATION_RESPONSE = { userAttributes: null, finalUserStatus: null, messageAction: null, desiredDeliveryMediums: null, forceAliasCreation: null, enableSMSMFA: null };

/**
 * Migrates the user ForgotPassword asked for; undefined when the pool has no UserMigration
 * function, the function declined, or (PreventUserExistenceErrors) it failed.
 */
export async function migrateUserForReset(
  ctx: OperationContext,
  r: { pool: Pool; client: Client; login: string; clientMetadata: Record<string, string> | undefined; prevent: boolean },
): Promise<UserRecord | undefined> {
  const lambdaConfig = r.pool.settings.LambdaConfig as Record<string, unknown> | undefined;
  if (!ctx.triggers.arnOf(lambdaConfig, 'UserMigration')) return undefined;
  try {
    const answered = await ctx.triggers.run(
      lambdaConfig,
      'UserMigration',
      eventWithoutUser({
        triggerSource: 'UserMigration_ForgotPassword',
        poolId: r.pool.id,
        userName: r.login,
        clientId: r.client.id,
        userAgent: ctx.request.userAgent,
        request: { clientMetadata: r.clientMetadata ?? {} },
        response: { ...MIGRATION_RESPONSE },
      }),
    );
    const answer = readMigrationAnswer(answered?.response);
    if (!answer) return undefined;
    return await createMigratedUser(ctx, r.pool, r.login, answer, { status: 'RESET_REQUIRED', password: undefined });
  } catch (err) {
    if (!(r.prevent && err instanceof CognitoException)) throw err;
    // The caller gets the unknown-user answer; the operator sees why.
    ctx.logger.warn({ requestId: ctx.request.requestId, poolId: r.pool.id, error: err.name }, 'user migration failed; answered as for an unknown user');
    return undefined;
  }
}

/** The usable part of the function's response; undefined when it gave no attributes. */
export function readMigrationAnswer(response: unknown): MigrationAnswer | undefined {
  if (response === undefined || response === null) return undefined;
  if (typeof response !== 'object' || Array.isArray(response)) throw unrecognizable();
  const r = response as Record<string, unknown>;
  if (r.userAttributes === undefined || r.userAttributes === null) return undefined;
  if (typeof r.userAttributes !== 'object' || Array.isArray(r.userAttributes)) throw unrecognizable();
  const userAttributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(r.userAttributes as Record<string, unknown>)) {
    if (name === 'sub' || name.startsWith('cognito:')) continue;
    if (typeof value === 'string') userAttributes[name] = value;
    else if (typeof value === 'boolean' || typeof value === 'number') userAttributes[name] = String(value);
    else throw unrecognizable();
  }
  if (Object.keys(userAttributes).length === 0) return undefined;
  const oneOf = (value: unknown, allowed: readonly string[]): void => {
    if (value !== undefined && value !== null && !(typeof value === 'string' && allowed.includes(value))) throw unrecognizable();
  };
  oneOf(r.finalUserStatus, ['RESET_REQUIRED', 'CONFIRMED']);
  oneOf(r.messageAction, ['SUPPRESS', 'RESEND']);
  if (r.desiredDeliveryMediums !== undefined && r.desiredDeliveryMediums !== null) {
    if (!Array.isArray(r.desiredDeliveryMediums)) throw unrecognizable();
    for (const m of r.desiredDeliveryMediums) oneOf(m, ['EMAIL', 'SMS']);
  }
  const flag = (value: unknown): boolean => {
    if (value === undefined || value === null) return false;
    if (typeof value === 'boolean') return value;
    if (value === 'true' || value === 'false') return value === 'true';
    throw unrecognizable();
  };
  return {
    userAttributes,
    finalUserStatus: (r.finalUserStatus as MigrationAnswer['finalUserStatus'] | undefined) ?? null,
    forceAliasCreation: flag(r.forceAliasCreation),
    enableSMSMFA: flag(r.enableSMSMFA),
  };
}

function unrecognizable(): InvalidLambdaResponseException {
  return new InvalidLambdaResponseException('Unrecognizable lambda output');
}

/**
 * Creates the user the function described, in `status`, with `password` as the user's
 * password when the sign-in flow supplied one; a concurrent migration of the same name wins
 * quietly.
 */
export async function createMigratedUser(
  ctx: OperationContext,
  pool: Pool,
  login: string,
  answer: MigrationAnswer,
  opts: { status: 'RESET_REQUIRED' | 'CONFIRMED'; password: string | undefined },
): Promise<UserRecord> {
  // The name as entered becomes the username, under the pool's rules (in UsernameAttributes
  // pools an email becomes the email attribute and the user is named by its sub).
  const identity = newUserIdentity(pool, login);
  const list = Object.entries(answer.userAttributes).map(([Name, Value]) => ({ Name, Value }));
  const attributes = withIdentityAttribute(identity, checkedAttributeWrites(pool, list, 'create'));
  const now = ctx.clock.now();
  const user: UserRecord = {
    sub: identity.sub,
    poolId: pool.id,
    username: identity.username,
    status: opts.status,
    enabled: true,
    passwordHash: null,
    srpVerifier: null,
    passwordChangedAt: opts.password === undefined ? null : now,
    attributes,
    mfa: { enabled: answer.enableSMSMFA ? ['SMS_MFA'] : [] },
    tokensValidAfter: now,
    createdAt: now,
    updatedAt: now,
  };
  const keys = userKeys(pool, user);
  const conflicts = await aliasConflicts(ctx.store, pool, user.sub, keys.aliases);
  for (const c of conflicts) {
    if (!(answer.forceAliasCreation && aliasCanMove(pool, c.kind, attributes))) throw aliasInUse(c.kind);
  }
  // The password the user signed in with becomes theirs, whatever the pool's policy says (as
  // in Cognito: the function vouched for it, and may answer RESET_REQUIRED to force a change).
  if (opts.password !== undefined) Object.assign(user, await newCredentials(ctx, pool, user, opts.password));
  try {
    await ctx.store.transaction(async (tx) => {
      for (const c of conflicts) {
        const holder = await tx.users.findUserBySub(pool.id, c.holder.sub);
        if (holder) await saveUserAttributes(tx, pool, withoutAlias(holder, c.kind, now));
      }
      await tx.users.createUser(user, keys.usernameKey, keys.aliases);
    });
  } catch (err) {
    if (err instanceof StoreConflict && err.what === 'username') {
      const winner = await findUserByLogin(ctx, pool, login);
      if (winner) return winner;
    }
    if (err instanceof StoreConflict && err.what === 'alias') throw aliasInUse(err.detail ?? 'email');
    throw err;
  }
  return user;
}

/**
 * ForgotPassword's modeled errors include neither AliasExistsException nor
 * UsernameExistsException; the refusal the caller can be given is InvalidParameterException.
 */
function aliasInUse(kind: string): InvalidParameterException {
  return new InvalidParameterException(`An account with the given ${kind} already exists.`);
}
