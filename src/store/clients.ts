import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { StoreConflict, type ClientRecord, type JsonObject, type PoolRecord } from './records.js';
import { isUniqueViolation, parseJson, toNumber } from './util.js';
import { prepare } from './prepared.js';

type Row = Database['pool_clients'];

const clientWithPool = prepare(['id'], (db, p: { id: string }) =>
  db
    .selectFrom('pool_clients as c')
    .innerJoin('user_pools as p', 'p.id', 'c.pool_id')
    .selectAll('c')
    .select(['p.name as pool_name', 'p.settings as pool_settings', 'p.created_at as pool_created_at', 'p.updated_at as pool_updated_at'])
    .where('c.id', '=', p.id),
);

function toRecord(row: Row): ClientRecord {
  return {
    id: row.id,
    poolId: row.pool_id,
    name: row.name,
    secret: row.secret,
    settings: parseJson<JsonObject>(row.settings),
    createdAt: toNumber(row.created_at),
    updatedAt: toNumber(row.updated_at),
  };
}

export class ClientRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createClient(client: ClientRecord): Promise<void> {
    try {
      await this.db
        .insertInto('pool_clients')
        .values({
          id: client.id,
          pool_id: client.poolId,
          name: client.name,
          secret: client.secret,
          settings: JSON.stringify(client.settings),
          created_at: client.createdAt,
          updated_at: client.updatedAt,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new StoreConflict('client');
      throw err;
    }
  }

  /** A client by id alone: the unauthenticated operations name only the client. */
  async findClient(id: string): Promise<ClientRecord | undefined> {
    const row = await this.db.selectFrom('pool_clients').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** A client by id with its pool, in one read: every unauthenticated request starts here. */
  async findClientWithPool(id: string): Promise<{ client: ClientRecord; pool: PoolRecord } | undefined> {
    const row = await clientWithPool.first(this.db, { id });
    if (!row) return undefined;
    const pool: PoolRecord = {
      id: row.pool_id,
      name: row.pool_name,
      settings: parseJson<JsonObject>(row.pool_settings),
      createdAt: toNumber(row.pool_created_at),
      updatedAt: toNumber(row.pool_updated_at),
    };
    return { client: toRecord(row), pool };
  }

  async findPoolClient(poolId: string, id: string): Promise<ClientRecord | undefined> {
    const row = await this.db
      .selectFrom('pool_clients')
      .selectAll()
      .where('pool_id', '=', poolId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toRecord(row);
  }

  async updateClient(client: Pick<ClientRecord, 'id' | 'poolId' | 'name' | 'settings' | 'updatedAt'>): Promise<boolean> {
    const res = await this.db
      .updateTable('pool_clients')
      .set({ name: client.name, settings: JSON.stringify(client.settings), updated_at: client.updatedAt })
      .where('pool_id', '=', client.poolId)
      .where('id', '=', client.id)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async deleteClient(poolId: string, id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('pool_clients').where('pool_id', '=', poolId).where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) === 1;
  }

  async listClients(poolId: string, limit: number, afterId?: string): Promise<ClientRecord[]> {
    let q = this.db.selectFrom('pool_clients').selectAll().where('pool_id', '=', poolId).orderBy('id').limit(limit);
    if (afterId !== undefined) q = q.where('id', '>', afterId);
    return (await q.execute()).map(toRecord);
  }
}
