// PostgreSQL compares text by the database's collation (often en_US.UTF-8 or an ICU locale),
// SQLite by bytes. The store orders and pages by text keys (pool, client and message ids,
// usernames, ListUsers filter values) and finds ListUsers prefixes with the range
// [v, v + U+10FFFF), which only holds under code-point order. So on PostgreSQL the compared
// columns use the "C" collation: the same order as SQLite, the same pages, the same prefix
// matches, whatever locale the database was created with. SQLite needs nothing.
import { PostgresAdapter, sql, type Kysely } from 'kysely';

const COLUMNS: Array<[table: string, column: string]> = [
  ['user_pools', 'id'],
  ['pool_clients', 'id'],
  ['users', 'username_key'],
  ['user_search', 'value'],
  ['user_search', 'sub'],
  ['messages', 'id'],
  ['audit_events', 'id'],
  ['password_history', 'id'],
  ['signing_keys', 'kid'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of COLUMNS) {
    await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text collate "C"`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return;
  for (const [table, column] of COLUMNS) {
    await sql`alter table ${sql.table(table)} alter column ${sql.ref(column)} type text collate "default"`.execute(db);
  }
}
