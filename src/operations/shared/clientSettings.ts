// An app client's settings as CreateUserPoolClient and UpdateUserPoolClient leave them:
// checked with Cognito's rules and messages, Cognito's default stored for whatever the request
// leaves out. UpdateUserPoolClient goes through the same function, so a setting it omits goes
// back to its default, as Cognito documents; only the name and the secret carry over.
//
// Cognito differs: AllowedOAuthScopes and SupportedIdentityProviders are stored as given. Cognito
// checks them against the pool's resource servers and identity providers, which this server
// does not manage yet.
import type { CreateUserPoolClientRequest, ExplicitAuthFlowsType, TimeUnitsType } from '@aws-sdk/client-cognito-identity-provider';
import { resolveTokenValidities, toSeconds, type TimeUnit, type TokenValidities } from '../../domain/tokenValidity.js';
import { InvalidOAuthFlowException, InvalidParameterException } from '../exceptions.js';
import type { Client, ClientSettings, Pool } from './pools.js';
import { schemaAttributeNames } from './schemaAttributes.js';
import { pickPresent, withoutNulls } from './wireInput.js';

/** The members CreateUserPoolClient and UpdateUserPoolClient share, all stored in settings. */
const SETTING_KEYS = [
  'RefreshTokenValidity',
  'AccessTokenValidity',
  'IdTokenValidity',
  'TokenValidityUnits',
  'ReadAttributes',
  'WriteAttributes',
  'ExplicitAuthFlows',
  'SupportedIdentityProviders',
  'CallbackURLs',
  'LogoutURLs',
  'DefaultRedirectURI',
  'AllowedOAuthFlows',
  'AllowedOAuthScopes',
  'AllowedOAuthFlowsUserPoolClient',
  'AnalyticsConfiguration',
  'PreventUserExistenceErrors',
  'EnableTokenRevocation',
  'EnablePropagateAdditionalUserContextData',
  'AuthSessionValidity',
] as const satisfies readonly (keyof CreateUserPoolClientRequest & keyof ClientSettings)[];

export type ClientSettingsRequest = Pick<CreateUserPoolClientRequest, (typeof SETTING_KEYS)[number]>;

/** What a client created without ExplicitAuthFlows allows, in the order Cognito reports it. */
export const DEFAULT_EXPLICIT_AUTH_FLOWS: readonly ExplicitAuthFlowsType[] = ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_CUSTOM_AUTH'];

/** Minutes an authentication session (the Session of a challenge) lasts by default. */
export const DEFAULT_AUTH_SESSION_MINUTES = 3;

/** Attributes Cognito manages itself: no app client may be given write access to them. */
export const NEVER_WRITABLE: ReadonlySet<string> = new Set(['sub', 'email_verified', 'phone_number_verified']);

export interface ClientContext {
  pool: Pool;
  /** The client has (or is getting) a secret. */
  hasSecret: boolean;
  /** Words Cognito's attribute-permission messages use: "while creating a client" / "while updating a client". */
  action: 'creating' | 'updating';
}

function invalid(message: string): InvalidParameterException {
  return new InvalidParameterException(message);
}

function explicitAuthFlows(given: ExplicitAuthFlowsType[] | undefined): ExplicitAuthFlowsType[] {
  const flows = [...new Set(given ?? DEFAULT_EXPLICIT_AUTH_FLOWS)];
  const modern = flows.filter((f) => f.startsWith('ALLOW_'));
  if (modern.length > 0 && modern.length < flows.length) {
    throw invalid("Auth flow name with prefix 'ALLOW' cannot be used with legacy auth flow names.");
  }
  // With the ALLOW_ names, refreshing is a flow of its own and Cognito insists on it.
  if (modern.length > 0 && !flows.includes('ALLOW_REFRESH_TOKEN_AUTH')) throw invalid('REFRESH_TOKEN_AUTH should always be allowed.');
  return flows;
}

function tokenValidities(s: ClientSettingsRequest): TokenValidities {
  const units = s.TokenValidityUnits;
  const result = resolveTokenValidities({
    access: { value: s.AccessTokenValidity, unit: units?.AccessToken as TimeUnit | undefined },
    id: { value: s.IdTokenValidity, unit: units?.IdToken as TimeUnit | undefined },
    refresh: { value: s.RefreshTokenValidity, unit: units?.RefreshToken as TimeUnit | undefined },
  });
  if (!result.ok) {
    throw invalid(
      result.problem === 'range'
        ? 'Invalid range for token validity.'
        : 'Access and Id Token expiration times must be less than or equal to refresh token expiration times.',
    );
  }
  return result.validities;
}

function checkAttributePermissions(s: ClientSettingsRequest, ctx: ClientContext): void {
  const names = schemaAttributeNames(ctx.pool.settings.SchemaAttributes);
  if (s.ReadAttributes?.some((a) => !names.has(a))) throw invalid(`Invalid read attributes specified while ${ctx.action} a client`);
  if (s.WriteAttributes?.some((a) => !names.has(a) || NEVER_WRITABLE.has(a))) {
    throw invalid(`Invalid write attributes specified while ${ctx.action} a client`);
  }
}

/** Plain http is accepted only for the loopback host, as Cognito does for local development. */
function checkRedirectUrl(url: string): void {
  if (!url.toLowerCase().startsWith('http:')) return;
  let host = '';
  try {
    host = new URL(url).hostname;
  } catch {
    host = '';
  }
  if (host !== 'localhost' && host !== '127.0.0.1' && host !== '[::1]') throw invalid(`${url} cannot use the HTTP protocol.`);
}

function checkOAuth(s: ClientSettingsRequest, ctx: ClientContext): void {
  for (const url of [...(s.CallbackURLs ?? []), ...(s.LogoutURLs ?? [])]) checkRedirectUrl(url);
  if (s.DefaultRedirectURI !== undefined) {
    checkRedirectUrl(s.DefaultRedirectURI);
    if (!(s.CallbackURLs ?? []).includes(s.DefaultRedirectURI)) {
      throw invalid(`The default redirect URI ${s.DefaultRedirectURI} is not in the callback URIs list.`);
    }
  }
  // The OAuth flows only matter, and are only checked, once the client may use OAuth at all.
  if (s.AllowedOAuthFlowsUserPoolClient !== true) return;
  const flows = s.AllowedOAuthFlows ?? [];
  if (flows.length === 0 || (s.AllowedOAuthScopes ?? []).length === 0) {
    throw invalid('AllowedOAuthFlows and AllowedOAuthScopes are required if user pool client is allowed to use OAuth flows.');
  }
  const userFacing = flows.includes('code') || flows.includes('implicit');
  if (flows.includes('client_credentials')) {
    if (userFacing) throw new InvalidOAuthFlowException('client_credentials flow can not be selected along with code flow or implicit flow.');
    if (!ctx.hasSecret) throw new InvalidOAuthFlowException('client_credentials flow can not be selected if client does not have a client secret.');
  }
  if (userFacing && (s.CallbackURLs ?? []).length === 0) {
    throw new InvalidOAuthFlowException('CallbackUrls can not be empty when code flow or implicit flow is selected');
  }
}

function checkAnalytics(s: ClientSettingsRequest): void {
  const a = s.AnalyticsConfiguration;
  if (a === undefined || a.ApplicationArn !== undefined || (a.ApplicationId !== undefined && a.RoleArn !== undefined && a.ExternalId !== undefined)) return;
  throw invalid('Invalid analytics configuration given, either <application arn> or <application id, role arn, external id> are valid');
}

/** The stored settings of a client from a CreateUserPoolClient or UpdateUserPoolClient request. */
export function clientSettings(request: ClientSettingsRequest, ctx: ClientContext): ClientSettings {
  const s = pickPresent(withoutNulls(request), SETTING_KEYS);
  const flows = explicitAuthFlows(s.ExplicitAuthFlows);
  const validities = tokenValidities(s);
  checkAttributePermissions(s, ctx);
  checkOAuth(s, ctx);
  checkAnalytics(s);
  if (s.EnablePropagateAdditionalUserContextData === true && !ctx.hasSecret) {
    // Cognito differs: its wording for this refusal is not on record; the rule is documented.
    throw invalid('EnablePropagateAdditionalUserContextData can only be activated for an app client that has a client secret.');
  }
  return {
    ...s,
    RefreshTokenValidity: validities.refresh.value,
    AccessTokenValidity: validities.access.value,
    IdTokenValidity: validities.id.value,
    TokenValidityUnits: {
      AccessToken: validities.access.unit as TimeUnitsType,
      IdToken: validities.id.unit as TimeUnitsType,
      RefreshToken: validities.refresh.unit as TimeUnitsType,
    },
    ExplicitAuthFlows: flows,
    AllowedOAuthFlowsUserPoolClient: s.AllowedOAuthFlowsUserPoolClient ?? false,
    PreventUserExistenceErrors: s.PreventUserExistenceErrors ?? 'LEGACY',
    EnableTokenRevocation: s.EnableTokenRevocation ?? true,
    EnablePropagateAdditionalUserContextData: s.EnablePropagateAdditionalUserContextData ?? false,
    AuthSessionValidity: s.AuthSessionValidity ?? DEFAULT_AUTH_SESSION_MINUTES,
  };
}

/** A client's token lifetimes in seconds, for the operations that issue tokens. */
export function tokenLifetimesSeconds(client: Client): { access: number; id: number; refresh: number } {
  const s = client.settings;
  const u = s.TokenValidityUnits;
  // Settings written by clientSettings always carry all six fields; the fallbacks are Cognito's defaults.
  return {
    access: toSeconds({ value: s.AccessTokenValidity ?? 60, unit: (u?.AccessToken ?? 'minutes') as TimeUnit }),
    id: toSeconds({ value: s.IdTokenValidity ?? 60, unit: (u?.IdToken ?? 'minutes') as TimeUnit }),
    refresh: toSeconds({ value: s.RefreshTokenValidity ?? 30, unit: (u?.RefreshToken ?? 'days') as TimeUnit }),
  };
}
