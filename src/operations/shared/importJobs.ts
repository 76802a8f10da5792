// What the import job operations share: loading a job of a pool, its wire shape, and the
// upload URL CreateUserImportJob hands out.
//
// The URL stands in for Cognito's pre-signed S3 URL and points at this server:
// `PUT <public URL>/_import/<JobId>?expires=<epoch ms>&signature=<MAC>`, what `curl
// --upload-file` or fetch sends. The signature (a MAC under the code MAC key, kept outside the
// database) binds the job and the expiry, so the URL cannot be pointed at another job or
// made to live longer; it is valid for UPLOAD_URL_TTL_MS after the job is created.
import type { UserImportJobType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext, Services } from '../context.js';
import type { ImportJobRecord } from '../../store/imports.js';
import { macEquals, macOf } from '../../crypto/codes.js';
import { ResourceNotFoundException } from '../exceptions.js';
import { IMPORT_JOB_EXPIRY_MS } from '../../import/runner.js';
import type { Pool } from './pools.js';

/** How long the upload URL works: one hour from the job's creation. Cognito differs: its URL is S3's, with S3's expiry. */
export const UPLOAD_URL_TTL_MS = 3600_000;

export const IMPORT_PATH_PREFIX = '/_import/';

function uploadSignature(key: Buffer, jobId: string, expiresAt: number): string {
  return macOf(key, ['import-upload', jobId, String(expiresAt)]);
}

export function uploadUrl(services: Services, job: Pick<ImportJobRecord, 'id' | 'createdAt'>): string {
  const expiresAt = job.createdAt + UPLOAD_URL_TTL_MS;
  const query = new URLSearchParams({ expires: String(expiresAt), signature: uploadSignature(services.codeKeys.current.key, job.id, expiresAt) });
  return `${services.publicUrl()}${IMPORT_PATH_PREFIX}${job.id}?${query.toString()}`;
}

export type UploadCheck = 'ok' | 'bad-signature' | 'expired';

/** Whether an upload URL was made by this server for this job (under any of its keys) and still holds. */
export function checkUploadUrl(services: Services, jobId: string, expires: string, signature: string): UploadCheck {
  if (!/^\d{1,16}$/.test(expires)) return 'bad-signature';
  const expiresAt = Number(expires);
  const signed = services.codeKeys.keys.some((k) => macEquals(uploadSignature(k.key, jobId, expiresAt), signature));
  if (!signed) return 'bad-signature';
  return services.clock.now() >= expiresAt ? 'expired' : 'ok';
}

/** The job of this pool, or ResourceNotFoundException. */
export async function loadImportJob(ctx: OperationContext, pool: Pool, jobId: string): Promise<ImportJobRecord> {
  const job = await ctx.store.imports.findJob(jobId);
  if (!job || job.poolId !== pool.id) throw new ResourceNotFoundException(`Import job ${jobId} does not exist.`);
  return job;
}

/** A Created job not started in time reads as Expired even before the runner marks it. */
export function effectiveStatus(ctx: Services, job: ImportJobRecord): ImportJobRecord['status'] {
  if (job.status === 'Created' && ctx.clock.now() - job.createdAt >= IMPORT_JOB_EXPIRY_MS) return 'Expired';
  return job.status;
}

export function toImportJobType(ctx: Services, job: ImportJobRecord): UserImportJobType {
  const out: UserImportJobType = {
    JobName: job.name,
    JobId: job.id,
    UserPoolId: job.poolId,
    PreSignedUrl: uploadUrl(ctx, job),
    CreationDate: new Date(job.createdAt),
    Status: effectiveStatus(ctx, job),
    CloudWatchLogsRoleArn: job.roleArn,
    ImportedUsers: job.imported,
    SkippedUsers: job.skipped,
    FailedUsers: job.failed,
  };
  if (job.startedAt !== null) out.StartDate = new Date(job.startedAt);
  if (job.completedAt !== null) out.CompletionDate = new Date(job.completedAt);
  if (job.completionMessage !== null) out.CompletionMessage = job.completionMessage;
  return out;
}
