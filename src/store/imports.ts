// User import jobs: the job rows, the uploaded CSV in chunks, and the job log. Every change of
// a job's state is one guarded UPDATE (the WHERE names the states it may leave), so an API
// call, the process running the job and a second node never step over one another; the
// running process holds a lease (claimed_by, claimed_until) that it renews with every batch.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import { toNullableNumber, toNumber } from './util.js';
import { inTransaction } from './tx.js';

export type ImportJobStatus = 'Created' | 'Pending' | 'InProgress' | 'Stopping' | 'Stopped' | 'Succeeded' | 'Failed' | 'Expired';

export interface ImportJobRecord {
  id: string;
  poolId: string;
  name: string;
  roleArn: string;
  status: ImportJobStatus;
  createdAt: number;
  startedAt: number | null;
  completedAt: number | null;
  imported: number;
  skipped: number;
  failed: number;
  completionMessage: string | null;
  uploadBytes: number | null;
  rowsDone: number;
  claimedBy: string | null;
  claimedUntil: number | null;
}

export interface ImportLogEntry {
  /** The row's place in the file (the header is row 1); 0 for an event of the whole job. */
  row: number;
  level: 'ERROR' | 'INFO';
  username: string | null;
  message: string;
  createdAt: number;
}

/** What one settled batch adds to its job, written in the transaction that wrote its users. */
export interface BatchProgress {
  imported: number;
  failed: number;
  /** The job's rows_done after this batch. */
  rowsDone: number;
  log: ImportLogEntry[];
}

type Row = Database['import_jobs'];

function toRecord(row: Row): ImportJobRecord {
  return {
    id: row.id,
    poolId: row.pool_id,
    name: row.name,
    roleArn: row.role_arn,
    status: row.status as ImportJobStatus,
    createdAt: toNumber(row.created_at),
    startedAt: toNullableNumber(row.started_at),
    completedAt: toNullableNumber(row.completed_at),
    imported: toNumber(row.imported),
    skipped: toNumber(row.skipped),
    failed: toNumber(row.failed),
    completionMessage: row.completion_message,
    uploadBytes: toNullableNumber(row.upload_bytes),
    rowsDone: toNumber(row.rows_done),
    claimedBy: row.claimed_by,
    claimedUntil: toNullableNumber(row.claimed_until),
  };
}

/** States a job is worked on in: the runner claims jobs in these. */
const ACTIVE: ImportJobStatus[] = ['Pending', 'InProgress', 'Stopping'];

export class ImportJobRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async createJob(job: Pick<ImportJobRecord, 'id' | 'poolId' | 'name' | 'roleArn' | 'createdAt'>): Promise<void> {
    await this.db
      .insertInto('import_jobs')
      .values({
        id: job.id,
        pool_id: job.poolId,
        name: job.name,
        role_arn: job.roleArn,
        status: 'Created',
        created_at: job.createdAt,
        started_at: null,
        completed_at: null,
        imported: 0,
        skipped: 0,
        failed: 0,
        completion_message: null,
        upload_bytes: null,
        rows_done: 0,
        claimed_by: null,
        claimed_until: null,
      })
      .execute();
  }

  async findJob(id: string): Promise<ImportJobRecord | undefined> {
    const row = await this.db.selectFrom('import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toRecord(row);
  }

  /** Whether a job of the pool has been started and has not ended (Pending, InProgress, Stopping). */
  async hasRunningJob(poolId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('import_jobs')
      .select('id')
      .where('pool_id', '=', poolId)
      .where('status', 'in', ['Pending', 'InProgress', 'Stopping'])
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** A pool's jobs oldest first, from after the given position (keyset: created_at, id). */
  async listJobs(poolId: string, limit: number, after?: { createdAt: number; id: string }): Promise<ImportJobRecord[]> {
    let q = this.db.selectFrom('import_jobs').selectAll().where('pool_id', '=', poolId).orderBy('created_at').orderBy('id').limit(limit);
    if (after) {
      q = q.where((eb) => eb.or([eb('created_at', '>', after.createdAt), eb.and([eb('created_at', '=', after.createdAt), eb('id', '>', after.id)])]));
    }
    return (await q.execute()).map(toRecord);
  }

  /**
   * Starts (or restarts) the upload of a Created job: earlier chunks go, and the job has no
   * complete file until finishUpload. False when the job no longer takes a file.
   */
  async beginUpload(id: string): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const res = await tx.updateTable('import_jobs').set({ upload_bytes: null }).where('id', '=', id).where('status', '=', 'Created').executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await tx.deleteFrom('import_job_chunks').where('job_id', '=', id).execute();
      return true;
    });
  }

  async appendChunk(id: string, seq: number, data: Buffer): Promise<void> {
    await this.db.insertInto('import_job_chunks').values({ job_id: id, seq, data }).execute();
  }

  /** Marks the upload complete; false when the job left Created meanwhile. */
  async finishUpload(id: string, bytes: number): Promise<boolean> {
    const res = await this.db.updateTable('import_jobs').set({ upload_bytes: bytes }).where('id', '=', id).where('status', '=', 'Created').executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** The uploaded file, one chunk in memory at a time. */
  async *readChunks(id: string): AsyncGenerator<Buffer> {
    for (let seq = 0; ; seq++) {
      const row = await this.db.selectFrom('import_job_chunks').select('data').where('job_id', '=', id).where('seq', '=', seq).executeTakeFirst();
      if (!row) return;
      yield Buffer.isBuffer(row.data) ? row.data : Buffer.from(row.data as Uint8Array);
    }
  }

  /** Created (with a complete upload) -> Pending. False when the job was not in that state. */
  async markPending(id: string, now: number): Promise<boolean> {
    const res = await this.db
      .updateTable('import_jobs')
      .set({ status: 'Pending', started_at: now })
      .where('id', '=', id)
      .where('status', '=', 'Created')
      .where('upload_bytes', 'is not', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Pending or InProgress -> Stopping; the process running it ends it as Stopped. */
  async requestStop(id: string): Promise<boolean> {
    const res = await this.db.updateTable('import_jobs').set({ status: 'Stopping' }).where('id', '=', id).where('status', 'in', ['Pending', 'InProgress']).executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  /** Active jobs no live process holds (never claimed, or their lease ran out). */
  async unclaimedJobs(now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('import_jobs')
      .select('id')
      .where('status', 'in', ACTIVE)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
      .orderBy('created_at')
      .limit(limit)
      .execute();
    return rows.map((r) => r.id);
  }

  /**
   * Claims an active job for `owner` in one guarded UPDATE: only when no other live process
   * holds it. Pending becomes InProgress. Returns the job as claimed, or undefined.
   */
  async claimJob(id: string, owner: string, now: number, leaseMs: number): Promise<ImportJobRecord | undefined> {
    const res = await this.db
      .updateTable('import_jobs')
      .set((eb) => ({
        status: eb.case().when('status', '=', 'Pending').then('InProgress').else(eb.ref('status')).end(),
        claimed_by: owner,
        claimed_until: now + leaseMs,
      }))
      .where('id', '=', id)
      .where('status', 'in', ACTIVE)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now), eb('claimed_by', '=', owner)]))
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return undefined;
    return this.findJob(id);
  }

  /**
   * Adds a settled batch to the job and renews the lease, only while `owner` holds the job.
   * Meant for the transaction that wrote the batch's users: if the claim was lost, the caller
   * rolls everything back. Returns the job's status (Stopping asks the runner to stop), or
   * undefined when the claim is gone.
   */
  async recordBatch(id: string, owner: string, progress: BatchProgress, now: number, leaseMs: number): Promise<ImportJobStatus | undefined> {
    const res = await this.db
      .updateTable('import_jobs')
      .set((eb) => ({
        imported: eb('imported', '+', progress.imported),
        failed: eb('failed', '+', progress.failed),
        rows_done: progress.rowsDone,
        claimed_until: now + leaseMs,
      }))
      .where('id', '=', id)
      .where('claimed_by', '=', owner)
      .where('status', 'in', ['InProgress', 'Stopping'])
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return undefined;
    if (progress.log.length > 0) await this.addLog(id, progress.log);
    const row = await this.db.selectFrom('import_jobs').select('status').where('id', '=', id).executeTakeFirstOrThrow();
    return row.status as ImportJobStatus;
  }

  /** Ends a job the owner holds: its final status and message; its file is dropped. */
  async finishJob(id: string, owner: string, fields: { status: 'Succeeded' | 'Failed' | 'Stopped'; message: string; skipped?: number; now: number }): Promise<boolean> {
    return inTransaction(this.db, async (tx) => {
      const res = await tx
        .updateTable('import_jobs')
        .set((eb) => ({
          status: fields.status,
          completion_message: fields.message,
          completed_at: fields.now,
          skipped: eb('skipped', '+', fields.skipped ?? 0),
          claimed_by: null,
          claimed_until: null,
        }))
        .where('id', '=', id)
        .where('claimed_by', '=', owner)
        .where('status', 'in', ['InProgress', 'Stopping'])
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return false;
      await tx.deleteFrom('import_job_chunks').where('job_id', '=', id).execute();
      return true;
    });
  }

  /** Created jobs not started before `cutoff` become Expired, and their files go. */
  async expireJobs(cutoff: number): Promise<number> {
    return inTransaction(this.db, async (tx) => {
      const stale = await tx.selectFrom('import_jobs').select('id').where('status', '=', 'Created').where('created_at', '<', cutoff).execute();
      if (stale.length === 0) return 0;
      const ids = stale.map((r) => r.id);
      await tx.updateTable('import_jobs').set({ status: 'Expired', upload_bytes: null }).where('id', 'in', ids).where('status', '=', 'Created').execute();
      await tx.deleteFrom('import_job_chunks').where('job_id', 'in', ids).execute();
      return ids.length;
    });
  }

  /** Writes log entries; an entry for a row already logged (a batch re-run) is kept as it was. */
  async addLog(id: string, entries: readonly ImportLogEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += 500) {
      const values = entries.slice(i, i + 500).map((e) => ({
        job_id: id,
        row_number: e.row,
        level: e.level,
        username: e.username,
        message: e.message,
        created_at: e.createdAt,
      }));
      await this.db.insertInto('import_job_log').values(values).onConflict((oc) => oc.doNothing()).execute();
    }
  }

  /** The log in row order, after `afterRow`. */
  async listLog(id: string, afterRow: number, limit: number): Promise<ImportLogEntry[]> {
    const rows = await this.db
      .selectFrom('import_job_log')
      .selectAll()
      .where('job_id', '=', id)
      .where('row_number', '>', afterRow)
      .orderBy('row_number')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ row: toNumber(r.row_number), level: r.level as 'ERROR' | 'INFO', username: r.username, message: r.message, createdAt: toNumber(r.created_at) }));
  }
}
