import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { StoreConflict, type ClientRecord, type JsonObject } from './records.js';
import { isUniqueViolation, parseJson, toNumber } from './util.js';

type Row = Database['pool_clients'];

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
