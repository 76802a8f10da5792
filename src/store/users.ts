import { randomUUID } from 'node:crypto';
import { CompiledQuery, PostgresAdapter, type Kysely } from 'kysely';
import type { Database } from './schema.js';
import { StoreConflict, type MfaSettings, type UserAlias, type UserFilter, type UserRecord, type UserStatus } from './records.js';
import { isUniqueViolation, parseJson, toNullableNumber, toNumber } from './util.js';
import { inTransaction } from './tx.js';
// The attributes ListUsers can filter on are copied into user_search.
import { SEARCHABLE_NAMES } from '../domain/userFilter.js';
import { prepare } from './prepared.js';

type Row = Database['users'];


function toRecord(row: Row): UserRecord {
  return {
    sub: row.sub,
    poolId: row.pool_id,
    username: row.username,
    status: row.status as UserStatus,
    enabled: Number(row.enabled) === 1,
    passwordHash: row.password_hash,
    srpVerifier: row.srp_verifier ?? null,
    passwordChangedAt: toNullableNumber(row.password_changed_at),
    attributes: parseJson<Record<string, string>>(row.attributes),
    mfa: parseJson<MfaSettings>(row.mfa),
    tokensValidAfter: toNumber(row.tokens_valid_after),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

function toRow(user: UserRecord, usernameKey: string): Row {
  return {
    sub: user.sub,
    pool_id: user.poolId,
    username: user.username,
    username_key: usernameKey,
    status: user.status,
    enabled: user.enabled ? 1 : 0,
    password_hash: user.passwordHash,
    srp_verifier: user.srpVerifier,
    password_changed_at: user.passwordChangedAt,
    attributes: JSON.stringify(user.attributes),
    mfa: JSON.stringify(user.mfa),
    tokens_valid_after: user.tokensValidAfter,
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}

/** Search rows that follow the user's state rather than its attributes. */
const STATE_SEARCH_NAMES = ['username', 'cognito:user_status', 'status', 'sub'];

function searchRows(user: UserRecord, usernameKey: string): Database['user_search'][] {
  const values: Record<string, string | undefined> = {
    ...user.attributes,
    username: usernameKey,
    'cognito:user_status': user.status,
    status: user.enabled ? 'Enabled' : 'Disabled',
    sub: user.sub,
  };
  const rows: Database['user_search'][] = [];
  for (const name of SEARCHABLE_NAMES) {
    const value = values[name];
    if (value !== undefined && value !== '') rows.push({ pool_id: user.poolId, name, value, sub: user.sub });
  }
  return rows;
}

/** A keyset position in a listing; opaque to callers (the operation encodes it as a token). */
export interface UserCursor {
  key: string;
  sub: string;
}

export interface UserPage {
  users: UserRecord[];
  next?: UserCursor;
}

/** A user to create in bulk, with the keys it is stored under. */
export interface NewUserRow {
  user: UserRecord;
  usernameKey: string;
  aliases: UserAlias[];
}

/** What a bulk create did: who was created, and why the others were not. */
export interface BulkCreateResult {
  created: Set<string>;
  /** sub -> 'username' or the alias kind another user already holds. */
  refused: Map<string, string>;
}

// The lookups every sign-in and reset starts with (prepared.ts).
const byUsername = prepare(['poolId', 'usernameKey'], (db, p: { poolId: string; usernameKey: string }) =>
  db.selectFrom('users').selectAll().where('pool_id', '=', p.poolId).where('username_key', '=', p.usernameKey),
);
const byAlias = prepare(['poolId', 'kind', 'valueKey'], (db, p: { poolId: string; kind: string; valueKey: string }) =>
  db
    .selectFrom('user_aliases')
    .innerJoin('users', 'users.sub', 'user_aliases.sub')
    .selectAll('users')
    .where('user_aliases.pool_id', '=', p.poolId)
    .where('user_aliases.kind', '=', p.kind)
    .where('user_aliases.value_key', '=', p.valueKey),
);

export class UserRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Inserts the user with its aliases and search rows in one transaction.
   * Throws StoreConflict('username') or StoreConflict('alias', kind) when taken.
   */
  async createUser(user: UserRecord, usernameKey: string, aliases: UserAlias[]): Promise<void> {
    await inTransaction(this.db, async (tx) => {
      try {
        await tx.insertInto('users').values(toRow(user, usernameKey)).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new StoreConflict('username');
        throw err;
      }
      await writeIndexes(tx, user, usernameKey, aliases);
    });
  }

  /**
   * Creates many users at once (the import path): a few multi-row statements instead of a
   * transaction per user. A user whose username or alias is taken is not created and is
   * reported instead of failing the others; the conflict is decided by the unique keys
   * themselves (ON CONFLICT DO NOTHING), so a concurrent create elsewhere cannot slip between
   * a check and the insert. Runs in the caller's transaction, or its own.
   */
  async createUsersIfFree(rows: readonly NewUserRow[]): Promise<BulkCreateResult> {
    const result: BulkCreateResult = { created: new Set(), refused: new Map() };
    if (rows.length === 0) return result;
    await inTransaction(this.db, async (tx) => {
      // 14 columns a row: 500 rows stay under every driver's bound-parameter limit.
      for (const part of chunked(rows, 500)) {
        const inserted = await bulkInsert<{ sub: string }, Row>(tx, 'users', USER_COLUMNS, part.map((r) => toRow(r.user, r.usernameKey)), 'on conflict do nothing returning sub');
        for (const r of inserted) result.created.add(r.sub);
      }
      for (const r of rows) if (!result.created.has(r.user.sub)) result.refused.set(r.user.sub, 'username');
      const aliasRows = rows
        .filter((r) => result.created.has(r.user.sub))
        .flatMap((r) => r.aliases.map((a) => ({ pool_id: r.user.poolId, kind: a.kind, value_key: a.valueKey, sub: r.user.sub })));
      const held = new Set<string>();
      for (const part of chunked(aliasRows, 1000)) {
        const got = await bulkInsert<{ kind: string; sub: string }, Database['user_aliases']>(tx, 'user_aliases', ALIAS_COLUMNS, part, 'on conflict do nothing returning kind, sub');
        for (const g of got) held.add(`${g.sub}\u0000${g.kind}`);
      }
      // A user who could not have every alias is taken back out (its aliases go with it).
      const undo: string[] = [];
      for (const a of aliasRows) {
        if (held.has(`${a.sub}\u0000${a.kind}`) || result.refused.has(a.sub)) continue;
        result.refused.set(a.sub, a.kind);
        result.created.delete(a.sub);
        undo.push(a.sub);
      }
      for (const part of chunked(undo, 500)) await tx.deleteFrom('users').where('sub', 'in', part).execute();
      const search = rows.filter((r) => result.created.has(r.user.sub)).flatMap((r) => searchRows(r.user, r.usernameKey));
      for (const part of chunked(search, 1000)) await bulkInsert<never, Database['user_search']>(tx, 'user_search', SEARCH_COLUMNS, part, '');
    });
    return result;
  }

  /**
   * Writes every field of the user and rebuilds its aliases and search rows.
   * Throws StoreConflict('alias', kind) when another user holds one of the aliases.
   */
  async saveUser(user: UserRecord, usernameKey: string, aliases: UserAlias[]): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const { sub, ...rest } = toRow(user, usernameKey);
      const res = await tx.updateTable('users').set(rest).where('sub', '=', sub).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await tx.deleteFrom('user_aliases').where('sub', '=', sub).execute();
      await tx.deleteFrom('user_search').where('sub', '=', sub).execute();
      await writeIndexes(tx, user, usernameKey, aliases);
      return true;
    });
  }

  /**
   * Sets a new password hash and status in one statement pair (row + its status search
   * entry), without rewriting aliases: the hot path of a password reset or change. The SRP
   * verifier is required with the hash, so no caller can change one and leave the other.
   */
  async updateCredentials(
    user: Pick<UserRecord, 'sub' | 'poolId' | 'passwordHash' | 'srpVerifier' | 'passwordChangedAt' | 'status' | 'tokensValidAfter' | 'updatedAt'>,
  ): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const res = await tx
        .updateTable('users')
        .set({
          password_hash: user.passwordHash,
          srp_verifier: user.srpVerifier,
          password_changed_at: user.passwordChangedAt,
          status: user.status,
          tokens_valid_after: user.tokensValidAfter,
          updated_at: user.updatedAt,
        })
        .where('sub', '=', user.sub)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await tx.deleteFrom('user_search').where('sub', '=', user.sub).where('name', '=', 'cognito:user_status').execute();
      await tx.insertInto('user_search').values({ pool_id: user.poolId, name: 'cognito:user_status', value: user.status, sub: user.sub }).execute();
      return true;
    });
  }

  /**
   * Writes a user's attributes and rebuilds its aliases and attribute search rows, leaving
   * credentials, status and enabled untouched, so it cannot undo a concurrent password change.
   * Throws StoreConflict('alias', kind) when another user holds one of the aliases.
   */
  async updateUserAttributes(user: UserRecord, usernameKey: string, aliases: UserAlias[]): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const res = await tx
        .updateTable('users')
        .set({ attributes: JSON.stringify(user.attributes), updated_at: user.updatedAt })
        .where('sub', '=', user.sub)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await tx.deleteFrom('user_aliases').where('sub', '=', user.sub).execute();
      await tx.deleteFrom('user_search').where('sub', '=', user.sub).where('name', 'not in', STATE_SEARCH_NAMES).execute();
      await writeAliases(tx, user, aliases);
      const rows = searchRows(user, usernameKey).filter((r) => !STATE_SEARCH_NAMES.includes(r.name));
      if (rows.length > 0) await tx.insertInto('user_search').values(rows).execute();
      return true;
    });
  }

  /** Enables or disables a user (and its `status` search row); disabling also revokes tokens. */
  async setUserEnabled(sub: string, poolId: string, enabled: boolean, at: number): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const res = await tx
        .updateTable('users')
        .set(enabled ? { enabled: 1, updated_at: at } : { enabled: 0, updated_at: at, tokens_valid_after: at })
        .where('sub', '=', sub)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await tx.deleteFrom('user_search').where('sub', '=', sub).where('name', '=', 'status').execute();
      await tx.insertInto('user_search').values({ pool_id: poolId, name: 'status', value: enabled ? 'Enabled' : 'Disabled', sub }).execute();
      return true;
    });
  }

  /**
   * UNCONFIRMED -> CONFIRMED in one guarded statement (and the status search row): true for
   * exactly one caller, however many confirmations race; false when the user is gone or no
   * longer UNCONFIRMED.
   */
  async confirmUser(sub: string, poolId: string, at: number): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const res = await tx
        .updateTable('users')
        .set({ status: 'CONFIRMED', updated_at: at })
        .where('sub', '=', sub)
        .where('status', '=', 'UNCONFIRMED')
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await tx.deleteFrom('user_search').where('sub', '=', sub).where('name', '=', 'cognito:user_status').execute();
      await tx.insertInto('user_search').values({ pool_id: poolId, name: 'cognito:user_status', value: 'CONFIRMED', sub }).execute();
      return true;
    });
  }

  async deleteUser(sub: string): Promise<boolean> {
    const res = await this.db.deleteFrom('users').where('sub', '=', sub).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  async findUserByUsername(poolId: string, usernameKey: string): Promise<UserRecord | undefined> {
    const row = await byUsername.first(this.db, { poolId, usernameKey });
    return row && toRecord(row);
  }

  async findUserBySub(poolId: string, sub: string): Promise<UserRecord | undefined> {
    const row = await this.db.selectFrom('users').selectAll().where('sub', '=', sub).where('pool_id', '=', poolId).executeTakeFirst();
    return row && toRecord(row);
  }

  async findUserByAlias(poolId: string, kind: string, valueKey: string): Promise<UserRecord | undefined> {
    const row = await byAlias.first(this.db, { poolId, kind, valueKey });
    return row && toRecord(row);
  }

  /** The sub that holds an alias, if any (to tell AliasExistsException before writing). */
  async aliasHolder(poolId: string, kind: string, valueKey: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('user_aliases')
      .select('sub')
      .where('pool_id', '=', poolId)
      .where('kind', '=', kind)
      .where('value_key', '=', valueKey)
      .executeTakeFirst();
    return row?.sub;
  }

  /** Removes an alias from whoever holds it (ForceAliasCreation moves it to another user). */
  async releaseAlias(poolId: string, kind: string, valueKey: string): Promise<void> {
    await this.db.deleteFrom('user_aliases').where('pool_id', '=', poolId).where('kind', '=', kind).where('value_key', '=', valueKey).execute();
  }

  /**
   * One page of a pool's users. Without a filter they come in username order; with one,
   * through the user_search index in (value, sub) order, so neither form scans the pool.
   */
  async listUsers(poolId: string, filter: UserFilter | undefined, limit: number, after?: UserCursor): Promise<UserPage> {
    let rows: Row[];
    if (!filter) {
      let q = this.db.selectFrom('users').selectAll().where('pool_id', '=', poolId).orderBy('username_key').limit(limit + 1);
      if (after) q = q.where('username_key', '>', after.key);
      rows = await q.execute();
      const page = rows.slice(0, limit).map(toRecord);
      const last = rows.length > limit ? rows[limit - 1] : undefined;
      return { users: page, next: last ? { key: last.username_key, sub: last.sub } : undefined };
    }
    let q = this.db
      .selectFrom('user_search')
      .innerJoin('users', 'users.sub', 'user_search.sub')
      .selectAll('users')
      .select('user_search.value as search_value')
      .where('user_search.pool_id', '=', poolId)
      .where('user_search.name', '=', filter.name)
      .orderBy('user_search.value')
      .orderBy('user_search.sub')
      .limit(limit + 1);
    if (filter.prefix) {
      // A prefix is the half-open range [v, v + U+10FFFF): it uses the index like equality.
      q = q.where('user_search.value', '>=', filter.value).where('user_search.value', '<', filter.value + '\u{10FFFF}');
    } else {
      q = q.where('user_search.value', '=', filter.value);
    }
    if (after) {
      q = q.where((eb) =>
        eb.or([
          eb('user_search.value', '>', after.key),
          eb.and([eb('user_search.value', '=', after.key), eb('user_search.sub', '>', after.sub)]),
        ]),
      );
    }
    const found = await q.execute();
    const page = found.slice(0, limit);
    const last = found.length > limit ? found[limit - 1] : undefined;
    return {
      users: page.map((r) => toRecord(r)),
      next: last ? { key: last.search_value, sub: last.sub } : undefined,
    };
  }

  async countUsers(poolId: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('pool_id', '=', poolId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async addPasswordHistory(sub: string, passwordHash: string, at: number): Promise<void> {
    await this.db.insertInto('password_history').values({ id: randomUUID(), sub, password_hash: passwordHash, created_at: at }).execute();
  }

  /** Forgets all but the user's `keep` most recent earlier password hashes. */
  async prunePasswordHistory(sub: string, keep: number): Promise<void> {
    const kept = this.db.selectFrom('password_history').select('id').where('sub', '=', sub).orderBy('created_at', 'desc').orderBy('id').limit(keep);
    await this.db.deleteFrom('password_history').where('sub', '=', sub).where('id', 'not in', kept).execute();
  }

  /** The user's most recent earlier password hashes, newest first. */
  async recentPasswordHashes(sub: string, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const rows = await this.db
      .selectFrom('password_history')
      .select('password_hash')
      .where('sub', '=', sub)
      .orderBy('created_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => r.password_hash);
  }
}

const USER_COLUMNS = [
  'sub', 'pool_id', 'username', 'username_key', 'status', 'enabled', 'password_hash', 'srp_verifier', 'password_changed_at',
  'attributes', 'mfa', 'tokens_valid_after', 'created_at', 'updated_at',
] as const satisfies ReadonlyArray<keyof Row>;
const ALIAS_COLUMNS = ['pool_id', 'kind', 'value_key', 'sub'] as const satisfies ReadonlyArray<keyof Database['user_aliases']>;
const SEARCH_COLUMNS = ['pool_id', 'name', 'value', 'sub'] as const satisfies ReadonlyArray<keyof Database['user_search']>;

const bulkSql = new Map<string, string>();

/**
 * A multi-row INSERT with the SQL text built once per shape and reused, so the database's
 * prepared statement is reused too. Kysely's builder would rebuild and recompile a statement
 * of thousands of values for every batch, which cost as much as a sixth of an import.
 * The names are fixed column lists of this file, never input.
 */
async function bulkInsert<R, T extends object = object>(tx: Kysely<Database>, table: string, columns: ReadonlyArray<keyof T & string>, rows: readonly T[], tail: string): Promise<R[]> {
  if (rows.length === 0) return [];
  const postgres = tx.getExecutor().adapter instanceof PostgresAdapter;
  const key = `${postgres ? 'pg' : 'lite'}:${table}:${rows.length}:${tail}`;
  let text = bulkSql.get(key);
  if (!text) {
    let n = 0;
    const tuple = (): string => `(${columns.map(() => (postgres ? `$${++n}` : '?')).join(', ')})`;
    const values = Array.from({ length: rows.length }, tuple).join(', ');
    text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values ${values} ${tail}`.trim();
    if (bulkSql.size > 64) bulkSql.clear();
    bulkSql.set(key, text);
  }
  const params: unknown[] = [];
  for (const row of rows) for (const c of columns) params.push(row[c]);
  const res = await tx.executeQuery<R>(CompiledQuery.raw(text, params));
  return res.rows;
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < items.length; i += size) parts.push(items.slice(i, i + size));
  return parts;
}

async function writeAliases(tx: Kysely<Database>, user: Pick<UserRecord, 'poolId' | 'sub'>, aliases: UserAlias[]): Promise<void> {
  for (const alias of aliases) {
    try {
      await tx.insertInto('user_aliases').values({ pool_id: user.poolId, kind: alias.kind, value_key: alias.valueKey, sub: user.sub }).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new StoreConflict('alias', alias.kind);
      throw err;
    }
  }
}

async function writeIndexes(tx: Kysely<Database>, user: UserRecord, usernameKey: string, aliases: UserAlias[]): Promise<void> {
  await writeAliases(tx, user, aliases);
  const rows = searchRows(user, usernameKey);
  if (rows.length > 0) await tx.insertInto('user_search').values(rows).execute();
}
