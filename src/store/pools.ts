import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { StoreConflict, type JsonObject, type PoolRecord } from './records.js';
import { isUniqueViolation, parseJson, toNumber } from './util.js';

type Row = Database['user_pools'];

function toRecord(row: Row): PoolRecord {
  return {
    id: row.id,
    name: row.name,
    settings: parseJson<JsonObject>(row.settings),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

export class PoolRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createPool(pool: PoolRecord): Promise<void> {
    try {
      await this.db
        .insertInto('user_pools')
        .values({ id: pool.id, name: pool.name, settings: JSON.stringify(pool.settings), created_at: pool.createdAt, updated_at: pool.updatedAt })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new StoreConflict('pool');
      throw err;
    }
  }

  async findPool(id: string): Promise<PoolRecord | undefined> {
    const row = await this.db.selectFrom('user_pools').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Replaces name and settings; false when the pool no longer exists. */
  async updatePool(pool: Pick<PoolRecord, 'id' | 'name' | 'settings' | 'updatedAt'>): Promise<boolean> {
    const res = await this.db
      .updateTable('user_pools')
      .set({ name: pool.name, settings: JSON.stringify(pool.settings), updated_at: pool.updatedAt })
      .where('id', '=', pool.id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /**
   * Replaces name and settings only while the stored ones are still `expected`: a change made
   * meanwhile by another request (or node) makes this return false instead of being lost.
   */
  async updatePoolIfUnchanged(
    pool: Pick<PoolRecord, 'id' | 'name' | 'settings' | 'updatedAt'>,
    expected: Pick<PoolRecord, 'name' | 'settings'>,
  ): Promise<boolean> {
    const res = await this.db
      .updateTable('user_pools')
      .set({ name: pool.name, settings: JSON.stringify(pool.settings), updated_at: pool.updatedAt })
      .where('id', '=', pool.id)
      .where('name', '=', expected.name)
      .where('settings', '=', JSON.stringify(expected.settings))
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async deletePool(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('user_pools').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  /** Pools ordered by id, starting after `afterId` (keyset pagination). */
  async listPools(limit: number, afterId?: string): Promise<PoolRecord[]> {
    let q = this.db.selectFrom('user_pools').selectAll().orderBy('id').limit(limit);
    if (afterId !== undefined) q = q.where('id', '>', afterId);
    return (await q.execute()).map(toRecord);
  }
}
