// Minting Cognito-shaped tokens. Every sign-in starts a token family: a refresh token
// (opaque, stored hashed) whose row id is the origin_jti of every id and access token minted
// from it, so revoking the row (RevokeToken, GlobalSignOut) revokes them all.
import { randomUUID } from 'node:crypto';
import type { AuthenticationResultType } from '@aws-sdk/client-cognito-identity-provider';
import type { JWTPayload } from 'jose';
import type { Services } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import type { RefreshTokenRecord } from '../../store/tokens.js';
import type { Store } from '../../store/store.js';
import { newOpaqueToken, opaqueTokenHash, signJwt } from '../../crypto/jwt.js';
import { timeOrderedUuid } from '../../crypto/ids.js';
import { tokenLifetimesSeconds } from './clientSettings.js';
import { regionOfPool, type Client, type Pool } from './pools.js';
import { applyCustomization, type TokenCustomization } from './preTokenGeneration.js';

/** The one scope of tokens from the API sign-in flows (what the user-self operations require). */
export const ADMIN_SCOPE = 'aws.cognito.signin.user.admin';

/** The `iss` of the pool's tokens, per the --token-issuer setting. */
export function issuerFor(services: Services, poolId: string): string {
  if (services.config.tokenIssuer === 'cognito') return `https://cognito-idp.${regionOfPool(poolId)}.amazonaws.com/${poolId}`;
  return `${services.publicUrl()}/${poolId}`;
}

/** Where this server publishes the pool's keys (whatever the issuer form). */
export function jwksUrl(services: Services, poolId: string): string {
  return `${services.publicUrl()}/${poolId}/.well-known/jwks.json`;
}

/** Claims Cognito puts in id tokens as JSON booleans or numbers rather than strings. */
const BOOLEAN_CLAIMS = new Set(['email_verified', 'phone_number_verified']);

/**
 * The user's attributes as id token claims: the ones the app client may read (all when its
 * ReadAttributes is unset), never developer-only ones. custom: attributes stay strings, as
 * in Cognito's tokens.
 */
export function attributeClaims(client: Client, user: UserRecord): Record<string, string | boolean | number> {
  const readable = client.settings.ReadAttributes?.length ? new Set(client.settings.ReadAttributes) : undefined;
  const claims: Record<string, string | boolean | number> = {};
  for (const [name, value] of Object.entries(user.attributes)) {
    if (name.startsWith('dev:') || (readable && !readable.has(name))) continue;
    if (BOOLEAN_CLAIMS.has(name)) claims[name] = value === 'true';
    else if (name === 'updated_at' && /^\d+$/.test(value)) claims[name] = Number(value);
    else claims[name] = value;
  }
  return claims;
}

interface Minted {
  idToken: string;
  accessToken: string;
  accessSeconds: number;
}

async function mintPair(
  services: Services,
  pool: Pool,
  client: Client,
  user: UserRecord,
  family: Pick<RefreshTokenRecord, 'id' | 'authTime'>,
  custom: TokenCustomization | undefined,
): Promise<Minted> {
  const lifetimes = tokenLifetimesSeconds(client);
  const iat = Math.floor(services.clock.now() / 1000);
  const iss = issuerFor(services, pool.id);
  const eventId = randomUUID();
  const signer = await services.signingKeys.signer(pool.id);
  const common = { sub: user.sub, iss, origin_jti: family.id, event_id: eventId, auth_time: family.authTime, iat };
  const id: JWTPayload = {
    ...attributeClaims(client, user),
    ...common,
    'cognito:username': user.username,
    aud: client.id,
    token_use: 'id',
    exp: iat + lifetimes.id,
    jti: randomUUID(),
  };
  const access: JWTPayload = {
    ...common,
    client_id: client.id,
    token_use: 'access',
    scope: ADMIN_SCOPE,
    exp: iat + lifetimes.access,
    jti: randomUUID(),
    username: user.username,
  };
  // The PreTokenGeneration function's answer (shared/preTokenGeneration.ts), when it gave one.
  if (custom) {
    applyCustomization(id, 'id', custom);
    applyCustomization(access, 'access', custom);
  }
  const [idToken, accessToken] = await Promise.all([signJwt(id, signer.kid, signer.key), signJwt(access, signer.kid, signer.key)]);
  return { idToken, accessToken, accessSeconds: lifetimes.access };
}

/**
 * Whether a family's tokens are revoked for `user` (as it is now): revoked outright, or the
 * user's tokensValidAfter moved since the sign-in. The sign-in's own reading of it is
 * compared too, not only the family's creation time: a sign-in that checked the old password
 * while a reset committed creates its family after the reset, yet must not survive it.
 */
export function familyRevoked(family: RefreshTokenRecord, user: Pick<UserRecord, 'tokensValidAfter'>): boolean {
  return family.revokedAt !== null || family.createdAt < user.tokensValidAfter || family.userValidAfter < user.tokensValidAfter;
}

/**
 * The tokens of a completed sign-in: a new family, with its refresh token. `user` is the
 * record as read before the password was checked (its tokensValidAfter is remembered).
 */
export async function issueSignInTokens(
  services: Services,
  pool: Pool,
  client: Client,
  user: UserRecord,
  /** More writes to commit with the new token family, in one transaction (one commit on the hot path). */
  alsoInTx?: (tx: Store) => Promise<void>,
  /** The PreTokenGeneration function's changes to the claims. */
  custom?: TokenCustomization,
): Promise<AuthenticationResultType> {
  const now = services.clock.now();
  const refreshToken = newOpaqueToken();
  const family: RefreshTokenRecord = {
    id: timeOrderedUuid(now),
    tokenHash: opaqueTokenHash(refreshToken),
    poolId: pool.id,
    clientId: client.id,
    sub: user.sub,
    authTime: Math.floor(now / 1000),
    createdAt: now,
    userValidAfter: user.tokensValidAfter,
    expiresAt: now + tokenLifetimesSeconds(client).refresh * 1000,
    revokedAt: null,
  };
  // Signed first: a failure to sign leaves no refresh token behind.
  const minted = await mintPair(services, pool, client, user, family, custom);
  if (alsoInTx) {
    await services.store.transaction(async (tx) => {
      await tx.refreshTokens.addToken(family);
      await alsoInTx(tx);
    });
  } else {
    await services.store.refreshTokens.addToken(family);
  }
  await sweepExpired(services);
  return { AccessToken: minted.accessToken, ExpiresIn: minted.accessSeconds, TokenType: 'Bearer', RefreshToken: refreshToken, IdToken: minted.idToken };
}

/** New id and access tokens from a live family (REFRESH_TOKEN_AUTH); no new refresh token, as in Cognito. */
export async function issueRefreshedTokens(
  services: Services,
  pool: Pool,
  client: Client,
  user: UserRecord,
  family: RefreshTokenRecord,
  custom?: TokenCustomization,
): Promise<AuthenticationResultType> {
  const minted = await mintPair(services, pool, client, user, family, custom);
  return { AccessToken: minted.accessToken, ExpiresIn: minted.accessSeconds, TokenType: 'Bearer', IdToken: minted.idToken };
}

const lastSweep = new WeakMap<object, number>();

/**
 * Drops expired refresh tokens and challenge sessions, at most once a minute per process.
 * An expired family can go: its access and id tokens never outlive its refresh token (the
 * client settings forbid longer lifetimes). A failed sweep costs nothing but the delay.
 */
async function sweepExpired(services: Services): Promise<void> {
  const now = services.clock.now();
  const last = lastSweep.get(services.store);
  if (last !== undefined && now >= last && now - last < 60_000) return;
  lastSweep.set(services.store, now);
  try {
    await services.store.refreshTokens.prune(now);
    await services.store.authSessions.prune(now);
  } catch (err) {
    services.logger.warn({ err }, 'sweeping expired tokens failed');
  }
}
