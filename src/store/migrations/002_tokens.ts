// Tokens: per-pool signing keys, refresh tokens (one row per sign-in, the token family that
// origin_jti names) and the sessions of sign-in challenges. Portable column types, as in 001.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', 'text', (c) => c.primaryKey())
    .addColumn('pool_id', 'text', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('alg', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    // The private key, encrypted under a key kept outside the database (see crypto/jwt.ts).
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('wrap_key_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .execute();
  await db.schema.createIndex('signing_keys_pool').on('signing_keys').columns(['pool_id', 'created_at']).execute();

  await db.schema
    .createTable('refresh_tokens')
    // The origin_jti of every token minted from this sign-in.
    .addColumn('id', 'text', (c) => c.primaryKey())
    // SHA-256 of the token; the token itself is never stored.
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('pool_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().references('pool_clients.id').onDelete('cascade'))
    .addColumn('sub', 'text', (c) => c.notNull().references('users.sub').onDelete('cascade'))
    .addColumn('auth_time', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    // The user's tokens_valid_after as read by the sign-in (see operations/shared/tokens.ts).
    .addColumn('user_valid_after', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('refresh_tokens_sub').on('refresh_tokens').columns(['sub', 'created_at']).execute();

  await db.schema
    .createTable('auth_sessions')
    // SHA-256 of the Session string handed to the client.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pool_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull().references('pool_clients.id').onDelete('cascade'))
    // Null for the simulated session of an unknown user (PreventUserExistenceErrors).
    .addColumn('sub', 'text', (c) => c.references('users.sub').onDelete('cascade'))
    .addColumn('challenge', 'text', (c) => c.notNull())
    .addColumn('data', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('consumed_at', 'bigint')
    .execute();
  await db.schema.createIndex('auth_sessions_expiry').on('auth_sessions').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('auth_sessions').execute();
  await db.schema.dropTable('refresh_tokens').execute();
  await db.schema.dropTable('signing_keys').execute();
}
