// Small server-wide facts shared by every node through the database (settings_kv). Nothing
// secret is kept here: the code MAC keys stay outside the database, only values that prove
// which key a node holds without revealing it.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export class SettingsRepository {
  constructor(private readonly db: Kysely<Database>) {}

  /** Values of every setting whose key starts with `prefix`, by key. */
  async settingsWithPrefix(prefix: string): Promise<Map<string, string>> {
    const rows = await this.db
      .selectFrom('settings_kv')
      .select(['key', 'value'])
      .where('key', '>=', prefix)
      .where('key', '<', prefix + '\u{10FFFF}')
      .execute();
    return new Map(rows.map((r) => [r.key, r.value]));
  }

  /** Stores the value unless the key already has one; returns the value that is stored. */
  async recordSetting(key: string, value: string): Promise<string> {
    await this.db.insertInto('settings_kv').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute();
    const row = await this.db.selectFrom('settings_kv').select('value').where('key', '=', key).executeTakeFirstOrThrow();
    return row.value;
  }
}
