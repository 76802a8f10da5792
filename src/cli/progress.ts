// Progress of an import job on stderr: a bar redrawn in place on a terminal, and plain lines
// (at most one a second, and on each change of status) when stderr is a file or a pipe, so
// that logs of scripted runs stay readable.
import type { UserImportJobType } from '@aws-sdk/client-cognito-identity-provider';

const BAR_WIDTH = 30;
const LINE_INTERVAL_MS = 1000;

export class ImportProgress {
  private total = -1;
  private lastStatus: string | undefined;
  private lastLineAt = 0;
  private lastProcessed = -1;
  private readonly tty: boolean;

  constructor(private readonly stream: NodeJS.WriteStream) {
    this.tty = stream.isTTY === true;
  }

  /** Data rows of the file, as counted while uploading (-1: unknown). */
  setTotal(rows: number): void {
    this.total = rows;
  }

  note(text: string): void {
    this.stream.write(this.tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }

  update(job: UserImportJobType): void {
    const processed = (job.ImportedUsers ?? 0) + (job.SkippedUsers ?? 0) + (job.FailedUsers ?? 0);
    if (this.tty) {
      this.stream.write(`\r\x1b[2K${this.bar(processed)}  ${this.counts(job)}`);
      return;
    }
    const now = Date.now();
    const changed = job.Status !== this.lastStatus;
    if (changed || (processed !== this.lastProcessed && now - this.lastLineAt >= LINE_INTERVAL_MS)) {
      this.stream.write(`${job.JobId}: ${job.Status} ${this.fraction(processed)} rows; ${this.counts(job)}\n`);
      this.lastLineAt = now;
      this.lastProcessed = processed;
      this.lastStatus = job.Status;
    }
  }

  finish(job: UserImportJobType): void {
    if (this.tty) {
      this.update(job);
      this.stream.write(`  ${job.Status}\n`);
    } else {
      // The final counts, unless the last line already showed them.
      const processed = (job.ImportedUsers ?? 0) + (job.SkippedUsers ?? 0) + (job.FailedUsers ?? 0);
      if (job.Status !== this.lastStatus || processed !== this.lastProcessed) {
        this.lastStatus = undefined;
        this.update(job);
      }
    }
  }

  private fraction(processed: number): string {
    return this.total >= 0 ? `${processed}/${this.total}` : `${processed}`;
  }

  private bar(processed: number): string {
    if (this.total <= 0) return `[${'?'.repeat(BAR_WIDTH)}] ${this.fraction(processed)}`;
    const ratio = Math.min(1, processed / this.total);
    const filled = Math.round(ratio * BAR_WIDTH);
    return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${Math.floor(ratio * 100)
      .toString()
      .padStart(3)}% ${this.fraction(processed)}`;
  }

  private counts(job: UserImportJobType): string {
    return `imported ${job.ImportedUsers ?? 0}, skipped ${job.SkippedUsers ?? 0}, failed ${job.FailedUsers ?? 0}`;
  }
}
