// The triggers of a sign-in: PreAuthentication before the password is checked (it may refuse
// the sign-in), UserMigration_Authentication for a name the pool does not know (the legacy
// directory checks the password and the user is created with it), and PostAuthentication once
// the user is authenticated, before tokens are made (a failing function fails the sign-in).
//
// The sign-in path is benchmarked: every entry point here is called only when
// `signInTriggersOf(pool)` says the pool configures a sign-in trigger, a property check on the
// pool already loaded, so a pool without triggers pays nothing more.
//
// ClientMetadata: Cognito passes InitiateAuth's ClientMetadata to PreAuthentication and
// UserMigration as request.validationData (their documented field), and the challenge
// answer's ClientMetadata to the later triggers as request.clientMetadata. It is never stored.
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import { eventWithoutUser, triggerEvent } from '../../triggers/events.js';
import { CognitoException } from '../exceptions.js';
import type { Client, Pool } from './pools.js';
import { createMigratedUser, MIGRATION_RESPONSE, readMigrationAnswer } from './userMigration.js';
import { preTokenGeneration, type TokenCustomization, type TokenGenerationSource } from './preTokenGeneration.js';

export type ClientMetadata = Record<string, string> | undefined;

/** The LambdaConfig entries that put work on the sign-in path. */
const SIGN_IN_TRIGGERS = ['PreAuthentication', 'PostAuthentication', 'PreTokenGeneration', 'PreTokenGenerationConfig', 'UserMigration'] as const;

/** The pool's LambdaConfig when it configures any sign-in trigger, else undefined (the hot path). */
export function signInTriggersOf(pool: Pool): Record<string, unknown> | undefined {
  const lambdaConfig = pool.settings.LambdaConfig as Record<string, unknown> | undefined;
  if (!lambdaConfig) return undefined;
  for (const name of SIGN_IN_TRIGGERS) if (lambdaConfig[name]) return lambdaConfig;
  return undefined;
}

/**
 * PreAuthentication_Authentication. `user` undefined: a login that matches nobody, which
 * Cognito reports to the function (userNotFound: true) only for clients that hide user
 * existence; for the others the function is not asked. Its error ends the sign-in as
 * `PreAuthentication failed with error <message>.`.
 */
export async function preAuthentication(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  login: string,
  user: UserRecord | undefined,
  clientMetadata: ClientMetadata,
): Promise<void> {
  const lambdaConfig = signInTriggersOf(pool);
  if (!ctx.triggers.arnOf(lambdaConfig, 'PreAuthentication')) return;
  const prevent = client.settings.PreventUserExistenceErrors === 'ENABLED';
  if (!user && !prevent) return;
  const request: Record<string, unknown> = { validationData: clientMetadata ?? {} };
  if (prevent) request.userNotFound = !user;
  const common = { triggerSource: 'PreAuthentication_Authentication', poolId: pool.id, clientId: client.id, userAgent: ctx.request.userAgent, request };
  const event = user
    ? triggerEvent({ ...common, user })
    : eventWithoutUser({ ...common, userName: login, request: { userAttributes: {}, ...request } });
  await ctx.triggers.run(lambdaConfig, 'PreAuthentication', event);
}

/**
 * PostAuthentication_Authentication, after the password (or the last challenge) is proven and
 * before tokens are made. newDeviceUsed is false: there is no device tracking here.
 */
export async function postAuthentication(ctx: OperationContext, pool: Pool, client: Client, user: UserRecord, clientMetadata: ClientMetadata): Promise<void> {
  const lambdaConfig = signInTriggersOf(pool);
  if (!ctx.triggers.arnOf(lambdaConfig, 'PostAuthentication')) return;
  await ctx.triggers.run(
    lambdaConfig,
    'PostAuthentication',
    triggerEvent({
      triggerSource: 'PostAuthentication_Authentication',
      poolId: pool.id,
      user,
      clientId: client.id,
      userAgent: ctx.request.userAgent,
      request: { newDeviceUsed: false, clientMetadata: clientMetadata ?? {} },
    }),
  );
}

/**
 * UserMigration_Authentication: USER_PASSWORD_AUTH / ADMIN_USER_PASSWORD_AUTH for a login the
 * pool does not know. The function gets the password (the event is never logged: the runner
 * logs the trigger, duration and outcome only) and answers the user's attributes; the user is
 * created with that password, CONFIRMED unless the function says RESET_REQUIRED, and the
 * sign-in goes on. messageAction is checked but nothing is sent (Cognito differs: it would
 * send a welcome message unless SUPPRESS).
 *
 * Returns undefined when the pool has no UserMigration function or the function declined.
 * Under PreventUserExistenceErrors a failing function is also undefined (the caller answers as
 * for a wrong password); otherwise its failure is Cognito's.
 */
export async function migrateUserForSignIn(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  login: string,
  password: string,
  clientMetadata: ClientMetadata,
): Promise<UserRecord | undefined> {
  const lambdaConfig = signInTriggersOf(pool);
  if (!ctx.triggers.arnOf(lambdaConfig, 'UserMigration')) return undefined;
  try {
    const answered = await ctx.triggers.run(
      lambdaConfig,
      'UserMigration',
      eventWithoutUser({
        triggerSource: 'UserMigration_Authentication',
        poolId: pool.id,
        userName: login,
        clientId: client.id,
        userAgent: ctx.request.userAgent,
        request: { password, validationData: clientMetadata ?? {}, clientMetadata: clientMetadata ?? {} },
        response: { ...MIGRATION_RESPONSE },
      }),
    );
    const answer = readMigrationAnswer(answered?.response);
    if (!answer) return undefined;
    return await createMigratedUser(ctx, pool, login, answer, { status: answer.finalUserStatus ?? 'CONFIRMED', password });
  } catch (err) {
    if (!(client.settings.PreventUserExistenceErrors === 'ENABLED' && err instanceof CognitoException)) throw err;
    ctx.logger.warn({ requestId: ctx.request.requestId, poolId: pool.id, error: err.name }, 'user migration failed; answered as for an unknown user');
    return undefined;
  }
}

/**
 * The user is authenticated and tokens are next: PostAuthentication, then PreTokenGeneration
 * (whose answer shapes the tokens). Both may fail the sign-in before any token exists.
 */
export async function beforeTokens(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  user: UserRecord,
  source: Exclude<TokenGenerationSource, 'TokenGeneration_RefreshTokens'>,
  clientMetadata: ClientMetadata,
): Promise<TokenCustomization | undefined> {
  await postAuthentication(ctx, pool, client, user, clientMetadata);
  return preTokenGeneration(ctx, pool, client, user, source, clientMetadata);
}
