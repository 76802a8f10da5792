// Runs user import jobs. Every process has one runner; they share the jobs through the store.
//
// A job's life: Created (waiting for its file) -> Pending (started) -> InProgress (claimed by
// one runner) -> Succeeded, Failed or, when StopUserImportJob asked (Stopping), Stopped.
// Created jobs never started within a day become Expired.
//
// The file is read as a stream (one stored chunk, one CSV record in memory at a time) and its
// rows are settled in batches: each batch's users, the job's counters, its resume point and
// its log lines commit in ONE transaction, together with the renewal of the runner's lease.
// So a job survives a restart exactly: a runner that dies leaves a lease that runs out, and
// the next runner (this process after a restart, or another node on PostgreSQL) claims the
// job and resumes after the last committed batch, with no row imported or counted twice.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Clock } from '../domain/clock.js';
import type { Store } from '../store/store.js';
import type { ImportJobRecord, ImportLogEntry } from '../store/imports.js';
import type { Pool } from '../operations/shared/pools.js';
import type { NewUserRow } from '../store/users.js';
import { CsvRecordTooLong, isBlank, readCsv, type CsvRecord } from './csv.js';
import { matchHeader, userFromRow, type HeaderMatch } from './rows.js';

/** Rows settled per transaction: large enough to amortize the commit, small enough to stay short. */
const BATCH_ROWS = 1000;
/** How long a claim holds without renewal; every batch renews it. */
const LEASE_MS = 30_000;
/** How often the store is looked at for jobs nobody runs (started elsewhere, or abandoned). */
const POLL_MS = 1000;
/** Cognito: a job not started within a day (24-48 hours) expires. */
export const IMPORT_JOB_EXPIRY_MS = 24 * 3600_000;
/** The longest CSV record accepted: a larger one is an unclosed quote swallowing the file. */
const MAX_RECORD_CHARS = 128 * 1024;

export const COMPLETION_MESSAGES = {
  succeeded: 'Import Job Completed Successfully.',
  stopped: 'Import Job Stopped.',
  empty: 'The CSV file is empty: it needs a header row.',
  internal: 'The import job failed because of an internal error.',
} as const;

export interface ImportRunnerDeps {
  store: Store;
  clock: Clock;
  logger: () => FastifyBaseLogger;
}

/** A job's run ended before finishing it: the claim was lost, or this process is stopping. */
class Abandoned extends Error {}

export class ImportRunner {
  /** This process's name on its claims. */
  readonly owner = `${hostname().slice(0, 40)}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly active = new Map<string, Promise<void>>();
  private lastExpiry = 0;

  constructor(private readonly deps: ImportRunnerDeps) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops taking jobs and waits for the running ones to put down their current batch. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.active.values()]);
  }

  /** Runs a job now if this process is not already running it (StartUserImportJob, StopUserImportJob). */
  kick(jobId: string): void {
    if (!this.running || this.active.has(jobId)) return;
    const run = this.run(jobId).finally(() => this.active.delete(jobId));
    this.active.set(jobId, run);
  }

  /** Resolves once this process runs none of the jobs (tests and benchmarks wait on it). */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()]);
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.poll().finally(() => this.schedule(POLL_MS)), ms);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    try {
      const now = this.deps.clock.now();
      if (now - this.lastExpiry > 60_000) {
        this.lastExpiry = now;
        await this.deps.store.imports.expireJobs(now - IMPORT_JOB_EXPIRY_MS);
      }
      for (const id of await this.deps.store.imports.unclaimedJobs(now, 4)) this.kick(id);
    } catch (err) {
      this.deps.logger().error({ err }, 'import job poll failed');
    }
  }

  private async run(jobId: string): Promise<void> {
    const { store, clock } = this.deps;
    const job = await store.imports.claimJob(jobId, this.owner, clock.now(), LEASE_MS).catch((err: unknown) => {
      this.deps.logger().error({ err, jobId }, 'import job claim failed');
      return undefined;
    });
    if (!job) return;
    try {
      await this.work(job);
    } catch (err) {
      if (err instanceof Abandoned) return;
      this.deps.logger().error({ err, jobId }, 'import job failed');
      await this.finish(job, 'Failed', COMPLETION_MESSAGES.internal).catch(() => undefined);
    }
  }

  private async work(job: ImportJobRecord): Promise<void> {
    const { store } = this.deps;
    if (job.status === 'Stopping') return this.finishStopped(job, 0);
    const pool = (await store.pools.findPool(job.poolId)) as Pool | undefined;
    if (!pool) return; // The pool was deleted, and the job with it.

    const records = readCsv(store.imports.readChunks(job.id), MAX_RECORD_CHARS);
    let header: Extract<HeaderMatch, { ok: true }> | undefined;
    /** Data records read so far; the header is record 1, so data record n is row n + 1. */
    let dataRows = 0;
    let batch: Array<{ record: CsvRecord; row: number }> = [];
    try {
      for await (const record of records) {
        if (!header) {
          const match = matchHeader(pool, record.fields);
          if (!match.ok) return this.fail(job, match.message);
          header = match;
          continue;
        }
        dataRows++;
        if (dataRows <= job.rowsDone) continue; // Settled before a restart.
        batch.push({ record, row: dataRows + 1 });
        if (batch.length < BATCH_ROWS) continue;
        const status = await this.settle(job, pool, header, batch, dataRows);
        batch = [];
        if (status === 'Stopping') return this.finishStopped(job, await countRest(records));
        if (!this.running) throw new Abandoned();
        // Let requests in between batches.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } catch (err) {
      if (err instanceof CsvRecordTooLong) return this.fail(job, `The CSV file is malformed: ${err.message}`);
      throw err;
    }
    if (!header) return this.fail(job, COMPLETION_MESSAGES.empty);
    if (batch.length > 0) {
      const status = await this.settle(job, pool, header, batch, dataRows);
      if (status === 'Stopping') return this.finishStopped(job, 0);
    }
    await this.finish(job, 'Succeeded', COMPLETION_MESSAGES.succeeded);
  }

  /** Checks a batch's rows, creates the good ones and records the outcome, in one transaction. */
  private async settle(
    job: ImportJobRecord,
    pool: Pool,
    header: Extract<HeaderMatch, { ok: true }>,
    batch: ReadonlyArray<{ record: CsvRecord; row: number }>,
    rowsDone: number,
  ): Promise<string> {
    const now = this.deps.clock.now();
    const log: ImportLogEntry[] = [];
    const fail = (row: number, username: string | null, message: string): void => {
      log.push({ row, level: 'ERROR', username, message, createdAt: now });
    };
    const good: Array<{ row: number; username: string; user: NewUserRow }> = [];
    for (const { record, row } of batch) {
      if (isBlank(record)) continue;
      if (record.problem) {
        fail(row, null, `The row is malformed: ${record.problem}`);
        continue;
      }
      const result = userFromRow(pool, header, record.fields, now);
      if (result.ok) good.push({ row, username: result.username, user: result.row });
      else fail(row, result.username, result.reason);
    }
    const status = await this.deps.store.transaction(async (tx) => {
      const created = await tx.users.createUsersIfFree(good.map((g) => g.user));
      for (const g of good) {
        const refused = created.refused.get(g.user.user.sub);
        if (refused === 'username') fail(g.row, g.username, 'A user with the same username already exists.');
        else if (refused) fail(g.row, g.username, `Another user already has this ${refused} as a sign-in alias.`);
      }
      log.sort((a, b) => a.row - b.row);
      const progress = { imported: created.created.size, failed: log.length, rowsDone, log };
      const result = await tx.imports.recordBatch(job.id, this.owner, progress, now, LEASE_MS);
      // The claim was lost (this process stalled past its lease): undo the batch, leave the job.
      if (!result) throw new Abandoned();
      return result;
    });
    return status;
  }

  private async fail(job: ImportJobRecord, message: string): Promise<void> {
    const now = this.deps.clock.now();
    await this.deps.store.imports.addLog(job.id, [{ row: 0, level: 'ERROR', username: null, message, createdAt: now }]);
    await this.finish(job, 'Failed', message);
  }

  private async finishStopped(job: ImportJobRecord, skipped: number): Promise<void> {
    await this.finish(job, 'Stopped', COMPLETION_MESSAGES.stopped, skipped);
  }

  private async finish(job: ImportJobRecord, status: 'Succeeded' | 'Failed' | 'Stopped', message: string, skipped = 0): Promise<void> {
    await this.deps.store.imports.finishJob(job.id, this.owner, { status, message, skipped, now: this.deps.clock.now() });
  }
}

/** The rows a stopped job leaves unread, reported as SkippedUsers. */
async function countRest(records: AsyncGenerator<CsvRecord>): Promise<number> {
  let n = 0;
  try {
    for await (const record of records) if (!isBlank(record)) n++;
  } catch (err) {
    if (!(err instanceof CsvRecordTooLong)) throw err;
  }
  return n;
}
