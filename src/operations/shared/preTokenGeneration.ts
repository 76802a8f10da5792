// The PreTokenGeneration trigger: before id and access tokens are signed, the pool's function
// may add, override and suppress claims.
//
// - V1_0 (LambdaConfig.PreTokenGeneration, or PreTokenGenerationConfig with LambdaVersion
//   V1_0): event version "1", response.claimsOverrideDetails {claimsToAddOrOverride,
//   claimsToSuppress, groupOverrideDetails}, applied to the id token (groups to both tokens).
// - V2_0 (PreTokenGenerationConfig LambdaVersion V2_0): event version "2" with request.scopes,
//   response.claimsAndScopeOverrideDetails {idTokenGeneration, accessTokenGeneration
//   {claimsToAddOrOverride, claimsToSuppress, scopesToAdd, scopesToSuppress},
//   groupOverrideDetails}; claim values may be any JSON.
//   (V3_0 is for client-credentials grants, which this server does not issue; a V3_0 pool gets
//   the V2_0 behaviour with event version "3".)
//
// Trigger sources: TokenGeneration_Authentication (a sign-in), _NewPasswordChallenge (after
// NEW_PASSWORD_REQUIRED), _RefreshTokens (REFRESH_TOKEN_AUTH). _HostedAuth and
// _AuthenticateDevice have no flow here.
//
// Claims the function may not touch are Cognito's list (acr, amr, aud, at_hash, auth_time,
// azp, cognito:username, exp, iat, identities, iss, jti, nbf, nonce, origin_jti, sub,
// token_use) plus what the access token's own fields are (client_id, scope, username, event_id,
// version): Cognito differs: it documents the list but not the answer to an attempt; we drop
// the attempt and keep the claim, and the operator's log says so. Group claims are set only
// through groupOverrideDetails. A claim both added and suppressed is suppressed, as documented.
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import { triggerEvent, type TriggerEvent } from '../../triggers/events.js';
import { InvalidLambdaResponseException } from '../exceptions.js';
import type { Client, Pool } from './pools.js';
import { ADMIN_SCOPE } from './tokens.js';

export type TokenGenerationSource = 'TokenGeneration_Authentication' | 'TokenGeneration_NewPasswordChallenge' | 'TokenGeneration_RefreshTokens';

/** What the function asked for, in the form tokens.ts applies. */
export interface TokenCustomization {
  idAdd: Record<string, unknown>;
  idSuppress: ReadonlySet<string>;
  accessAdd: Record<string, unknown>;
  accessSuppress: ReadonlySet<string>;
  /** The access token's scope claim, as the function left it. */
  scopes: readonly string[];
  /** cognito:groups / cognito:roles / cognito:preferred_role; undefined leaves groups as they are. */
  groups?: { groups: string[]; roles: string[]; preferredRole: string | null };
}

export const PROTECTED_CLAIMS: ReadonlySet<string> = new Set([
  'acr', 'amr', 'aud', 'at_hash', 'auth_time', 'azp', 'cognito:username', 'exp', 'iat', 'identities', 'iss', 'jti', 'nbf', 'nonce',
  'origin_jti', 'sub', 'token_use', 'client_id', 'scope', 'username', 'event_id', 'version',
  'cognito:groups', 'cognito:roles', 'cognito:preferred_role',
]);

/** Claims whose id-token values stay JSON primitives even under V2_0 (Cognito's rule). */
const PRIMITIVE_ONLY = new Set(['email_verified', 'phone_number_verified', 'updated_at', 'address']);

/** The function version the pool configures, or undefined when it sets no PreTokenGeneration. */
function configured(lambdaConfig: Record<string, unknown> | undefined): { arnKey: string; version: '1' | '2' | '3' } | undefined {
  const config = lambdaConfig?.PreTokenGenerationConfig as { LambdaVersion?: string; LambdaArn?: string } | undefined;
  if (config?.LambdaArn) {
    const version = config.LambdaVersion === 'V2_0' ? '2' : config.LambdaVersion === 'V3_0' ? '3' : '1';
    return { arnKey: 'PreTokenGenerationConfig', version };
  }
  if (typeof lambdaConfig?.PreTokenGeneration === 'string' && lambdaConfig.PreTokenGeneration) return { arnKey: 'PreTokenGeneration', version: '1' };
  return undefined;
}

/**
 * Asks the pool's function; undefined when the pool has none (tokens are then the default).
 * Called only when the pool configures a sign-in trigger (signInTriggers.ts).
 */
export async function preTokenGeneration(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  user: UserRecord,
  source: TokenGenerationSource,
  clientMetadata: Record<string, string> | undefined,
): Promise<TokenCustomization | undefined> {
  const lambdaConfig = pool.settings.LambdaConfig as Record<string, unknown> | undefined;
  const which = configured(lambdaConfig);
  if (!which) return undefined;
  const v1 = which.version === '1';
  const groupConfiguration = { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null };
  const event = triggerEvent({
    triggerSource: source,
    poolId: pool.id,
    user,
    clientId: client.id,
    userAgent: ctx.request.userAgent,
    request: v1 ? { groupConfiguration, clientMetadata: clientMetadata ?? {} } : { groupConfiguration, scopes: [ADMIN_SCOPE], clientMetadata: clientMetadata ?? {} },
    response: v1 ? { claimsOverrideDetails: null } : { claimsAndScopeOverrideDetails: null },
  });
  if (!v1) event.version = which.version as TriggerEvent['version'];
  // The ARN of PreTokenGenerationConfig is looked up under its own key; errors name the trigger
  // as Cognito does ("PreTokenGeneration failed with error ...").
  const arnConfig = which.arnKey === 'PreTokenGeneration' ? lambdaConfig : { PreTokenGeneration: (lambdaConfig!.PreTokenGenerationConfig as { LambdaArn: string }).LambdaArn };
  const answered = await ctx.triggers.run(arnConfig, 'PreTokenGeneration', event);
  const response = answered?.response as Record<string, unknown> | null | undefined;
  const details = v1 ? response?.claimsOverrideDetails : response?.claimsAndScopeOverrideDetails;
  const custom: TokenCustomization = { idAdd: {}, idSuppress: new Set(), accessAdd: {}, accessSuppress: new Set(), scopes: [ADMIN_SCOPE] };
  if (details === undefined || details === null) return custom;
  const d = object(details);
  const dropped: string[] = [];
  if (v1) {
    readClaims(d, custom.idAdd, custom.idSuppress as Set<string>, false, dropped);
  } else {
    if (d.idTokenGeneration != null) readClaims(object(d.idTokenGeneration), custom.idAdd, custom.idSuppress as Set<string>, true, dropped);
    if (d.accessTokenGeneration != null) {
      const access = object(d.accessTokenGeneration);
      readClaims(access, custom.accessAdd, custom.accessSuppress as Set<string>, true, dropped);
      const add = strings(access.scopesToAdd);
      const suppress = new Set(strings(access.scopesToSuppress));
      custom.scopes = [...new Set([...custom.scopes, ...add])].filter((s) => !suppress.has(s));
    }
  }
  // "If you provide an empty or null object, the groups are suppressed" (Cognito's words):
  // only a groupOverrideDetails key that is present changes groups.
  if ('groupOverrideDetails' in d) {
    const g = d.groupOverrideDetails === null ? {} : object(d.groupOverrideDetails);
    const preferred = g.preferredRole;
    if (preferred !== undefined && preferred !== null && typeof preferred !== 'string') throw unrecognizable();
    custom.groups = { groups: strings(g.groupsToOverride), roles: strings(g.iamRolesToOverride), preferredRole: preferred ?? null };
  }
  if (dropped.length > 0) {
    ctx.logger.warn({ requestId: ctx.request.requestId, poolId: pool.id, claims: dropped }, 'PreTokenGeneration asked to change claims Cognito does not let it change; kept');
  }
  return custom;
}

function readClaims(from: Record<string, unknown>, add: Record<string, unknown>, suppress: Set<string>, anyJson: boolean, dropped: string[]): void {
  if (from.claimsToAddOrOverride != null) {
    for (const [name, value] of Object.entries(object(from.claimsToAddOrOverride))) {
      if (PROTECTED_CLAIMS.has(name)) {
        dropped.push(name);
        continue;
      }
      const primitive = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
      if (!primitive && !(anyJson && !PRIMITIVE_ONLY.has(name) && value !== null && value !== undefined)) throw unrecognizable();
      add[name] = value;
    }
  }
  for (const name of strings(from.claimsToSuppress)) {
    if (PROTECTED_CLAIMS.has(name)) dropped.push(name);
    else suppress.add(name);
  }
}

function object(value: unknown): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw unrecognizable();
  return value as Record<string, unknown>;
}

function strings(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw unrecognizable();
  return value as string[];
}

function unrecognizable(): InvalidLambdaResponseException {
  return new InvalidLambdaResponseException('Unrecognizable lambda output');
}

/** Applies the function's answer to a token's claims (the claims object is changed in place). */
export function applyCustomization(claims: Record<string, unknown>, token: 'id' | 'access', custom: TokenCustomization): void {
  const add = token === 'id' ? custom.idAdd : custom.accessAdd;
  const suppress = token === 'id' ? custom.idSuppress : custom.accessSuppress;
  Object.assign(claims, add);
  for (const name of suppress) delete claims[name];
  if (token === 'access') claims.scope = custom.scopes.join(' ');
  if (custom.groups) {
    delete claims['cognito:groups'];
    delete claims['cognito:roles'];
    delete claims['cognito:preferred_role'];
    if (custom.groups.groups.length > 0) claims['cognito:groups'] = custom.groups.groups;
    if (token === 'id') {
      if (custom.groups.roles.length > 0) claims['cognito:roles'] = custom.groups.roles;
      if (custom.groups.preferredRole) claims['cognito:preferred_role'] = custom.groups.preferredRole;
    }
  }
}
