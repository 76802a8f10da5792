// User import jobs (Cognito's CreateUserImportJob and friends):
// - import_jobs: one row per job, its Cognito status and counters, the upload's state, the
//   resume point (rows_done: data rows already settled, committed with their users) and the
//   claim of the process running it (claimed_by, claimed_until: a lease, so one node runs a
//   job and another takes it over when that node dies);
// - import_job_chunks: the uploaded CSV in pieces of about 1 MiB, in the database rather than
//   on one node's disk, so whichever node starts the job can read it; dropped once the job ends;
// - import_job_log: the job's log (our stand-in for its CloudWatch log stream): each failed
//   row with its row number and reason, and the job's own events.
// Portable column types as in 001, except the chunk bytes (bytea on PostgreSQL, blob on SQLite).
import { PostgresAdapter, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable('import_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pool_id', 'text', (c) => c.notNull().references('user_pools.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('role_arn', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('started_at', 'bigint')
    .addColumn('completed_at', 'bigint')
    .addColumn('imported', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('skipped', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('failed', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completion_message', 'text')
    .addColumn('upload_bytes', 'bigint')
    .addColumn('rows_done', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'bigint')
    .execute();
  await db.schema.createIndex('import_jobs_pool').on('import_jobs').columns(['pool_id', 'created_at', 'id']).execute();
  await db.schema.createIndex('import_jobs_status').on('import_jobs').columns(['status', 'claimed_until']).execute();

  await db.schema
    .createTable('import_job_chunks')
    .addColumn('job_id', 'text', (c) => c.notNull().references('import_jobs.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('data', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_job_chunks_pk', ['job_id', 'seq'])
    .execute();

  await db.schema
    .createTable('import_job_log')
    .addColumn('job_id', 'text', (c) => c.notNull().references('import_jobs.id').onDelete('cascade'))
    // The row's place in the file, the header being row 1; 0 for an event of the whole job.
    .addColumn('row_number', 'bigint', (c) => c.notNull())
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('username', 'text')
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_job_log_pk', ['job_id', 'row_number'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('import_job_log').execute();
  await db.schema.dropTable('import_job_chunks').execute();
  await db.schema.dropTable('import_jobs').execute();
}
