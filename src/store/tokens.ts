// Token state: signing keys, refresh tokens (the token families origin_jti names) and
// challenge sessions. Revocation and single use are guarded UPDATEs, so they hold across
// processes sharing the database.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { toNullableNumber, toNumber } from './util.js';
import { prepare } from './prepared.js';

export interface SigningKeyRecord {
  kid: string;
  poolId: string;
  alg: string;
  /** The public key as a JWK JSON string. */
  publicJwk: string;
  /** The private key, encrypted (crypto/jwt.ts); opaque to the store. */
  privateKey: string;
  wrapKeyId: string;
  createdAt: number;
  retiredAt: number | null;
}

export interface RefreshTokenRecord {
  /** The origin_jti of every token minted from this sign-in. */
  id: string;
  tokenHash: string;
  poolId: string;
  clientId: string;
  sub: string;
  /** Epoch seconds. */
  authTime: number;
  createdAt: number;
  /** The user's tokensValidAfter as the sign-in read it, before checking the password. */
  userValidAfter: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface AuthSessionRecord {
  /** Hash of the Session string. */
  id: string;
  poolId: string;
  clientId: string;
  sub: string | null;
  challenge: string;
  data: Record<string, string> | null;
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}

export class SigningKeyRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async addKey(key: SigningKeyRecord): Promise<void> {
    await this.db
      .insertInto('signing_keys')
      .values({
        kid: key.kid,
        pool_id: key.poolId,
        alg: key.alg,
        public_jwk: key.publicJwk,
        private_key: key.privateKey,
        wrap_key_id: key.wrapKeyId,
        created_at: key.createdAt,
        retired_at: key.retiredAt,
      })
      .execute();
  }

  /** The pool's unretired keys, newest first (the first one signs). */
  async activeKeys(poolId: string): Promise<SigningKeyRecord[]> {
    const rows = await this.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('pool_id', '=', poolId)
      .where('retired_at', 'is', null)
      .orderBy('created_at', 'desc')
      .orderBy('kid', 'desc')
      .execute();
    return rows.map(toKey);
  }

  /** Retires a key: it no longer signs, is no longer published and no longer verifies. */
  async retireKey(poolId: string, kid: string, at: number): Promise<boolean> {
    const res = await this.db
      .updateTable('signing_keys')
      .set({ retired_at: at })
      .where('pool_id', '=', poolId)
      .where('kid', '=', kid)
      .where('retired_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }
}

function toKey(row: Database['signing_keys']): SigningKeyRecord {
  return {
    kid: row.kid,
    poolId: row.pool_id,
    alg: row.alg,
    publicJwk: row.public_jwk,
    privateKey: row.private_key,
    wrapKeyId: row.wrap_key_id,
    createdAt: toNumber(row.created_at),
    retiredAt: toNullableNumber(row.retired_at),
  };
}

const TOKEN_COLUMNS = ['id', 'token_hash', 'pool_id', 'client_id', 'sub', 'auth_time', 'created_at', 'user_valid_after', 'expires_at', 'revoked_at'] as const;
// Every sign-in writes one (prepared.ts).
const insertToken = prepare(TOKEN_COLUMNS, (db, row: Pick<Database['refresh_tokens'], (typeof TOKEN_COLUMNS)[number]>) => db.insertInto('refresh_tokens').values(row));

export class RefreshTokenRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async addToken(token: RefreshTokenRecord): Promise<void> {
    await insertToken.execute(this.db, {
      id: token.id,
      token_hash: token.tokenHash,
      pool_id: token.poolId,
      client_id: token.clientId,
      sub: token.sub,
      auth_time: token.authTime,
      created_at: token.createdAt,
      user_valid_after: token.userValidAfter,
      expires_at: token.expiresAt,
      revoked_at: token.revokedAt,
    });
  }

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toRefresh(row);
  }

  /** The family named by an access or id token's origin_jti. */
  async findFamily(originJti: string): Promise<RefreshTokenRecord | undefined> {
    const row = await this.db.selectFrom('refresh_tokens').selectAll().where('id', '=', originJti).executeTakeFirst();
    return row && toRefresh(row);
  }

  /** Revokes one family (RevokeToken): its refresh token and every token minted from it. */
  async revokeFamily(id: string, at: number): Promise<boolean> {
    const res = await this.db.updateTable('refresh_tokens').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Revokes every family of a user (GlobalSignOut); returns how many were live. */
  async revokeUserFamilies(sub: string, at: number): Promise<number> {
    const res = await this.db.updateTable('refresh_tokens').set({ revoked_at: at }).where('sub', '=', sub).where('revoked_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows);
  }

  /**
   * Carries one family across a revocation of all the user's earlier sessions (ChangePassword
   * keeps the caller's session): the family counts as begun, and as having read the user's
   * tokensValidAfter, at `at`. Never revives a revoked family.
   */
  async carryFamilyOver(id: string, at: number): Promise<boolean> {
    const res = await this.db
      .updateTable('refresh_tokens')
      .set({ created_at: at, user_valid_after: at })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Drops tokens past their expiry. */
  async prune(now: number): Promise<void> {
    await this.db.deleteFrom('refresh_tokens').where('expires_at', '<', now).execute();
  }
}

function toRefresh(row: Database['refresh_tokens']): RefreshTokenRecord {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    poolId: row.pool_id,
    clientId: row.client_id,
    sub: row.sub,
    authTime: toNumber(row.auth_time),
    createdAt: toNumber(row.created_at),
    userValidAfter: toNumber(row.user_valid_after),
    expiresAt: toNumber(row.expires_at),
    revokedAt: toNullableNumber(row.revoked_at),
  };
}

export type SessionTake =
  | { kind: 'taken'; session: AuthSessionRecord }
  | { kind: 'unknown' }
  | { kind: 'expired' }
  | { kind: 'used' };

export class AuthSessionRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async addSession(session: AuthSessionRecord): Promise<void> {
    await this.db
      .insertInto('auth_sessions')
      .values({
        id: session.id,
        pool_id: session.poolId,
        client_id: session.clientId,
        sub: session.sub,
        challenge: session.challenge,
        data: session.data ? JSON.stringify(session.data) : null,
        created_at: session.createdAt,
        expires_at: session.expiresAt,
        consumed_at: session.consumedAt,
      })
      .execute();
  }

  async findSession(id: string): Promise<AuthSessionRecord | undefined> {
    const row = await this.db.selectFrom('auth_sessions').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSession(row);
  }

  /**
   * Consumes a session: one guarded UPDATE, so of several racing answers to the same
   * challenge exactly one gets it. The result says why the others did not.
   */
  async takeSession(id: string, now: number): Promise<SessionTake> {
    const res = await this.db
      .updateTable('auth_sessions')
      .set({ consumed_at: now })
      .where('id', '=', id)
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    const session = await this.findSession(id);
    if (!session) return { kind: 'unknown' };
    if (Number(res.numUpdatedRows) === 1) return { kind: 'taken', session };
    return session.consumedAt !== null ? { kind: 'used' } : { kind: 'expired' };
  }

  /** Drops sessions that can no longer be answered. */
  async prune(now: number): Promise<void> {
    await this.db.deleteFrom('auth_sessions').where('expires_at', '<', now).execute();
  }
}

function toSession(row: Database['auth_sessions']): AuthSessionRecord {
  return {
    id: row.id,
    poolId: row.pool_id,
    clientId: row.client_id,
    sub: row.sub,
    challenge: row.challenge,
    data: row.data ? (JSON.parse(row.data) as Record<string, string>) : null,
    createdAt: toNumber(row.created_at),
    expiresAt: toNumber(row.expires_at),
    consumedAt: toNullableNumber(row.consumed_at),
  };
}
