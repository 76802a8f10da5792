// Migrations in order. Listed by hand (not read from the folder) so the compiled build and
// tsx run the same set; a new migration is one import and one line here.
import type { Migration, MigrationProvider } from 'kysely';
import * as m001 from './001_initial.js';
import * as m002 from './002_tokens.js';
import * as m003 from './003_srp.js';
import * as m004 from './004_code_destination.js';
import * as m005 from './005_postgres_collation.js';
import * as m006 from './006_outbox.js';
import * as m007 from './007_import_jobs.js';

const MIGRATIONS: Record<string, Migration> = {
  '001_initial': m001,
  '002_tokens': m002,
  '003_srp': m003,
  '004_code_destination': m004,
  '005_postgres_collation': m005,
  '006_outbox': m006,
  '007_import_jobs': m007,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
