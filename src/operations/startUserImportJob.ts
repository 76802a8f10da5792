import type { StartUserImportJobRequest, StartUserImportJobResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool } from './shared/pools.js';
import { effectiveStatus, loadImportJob, toImportJobType } from './shared/importJobs.js';
import { PreconditionNotMetException } from './exceptions.js';

/**
 * Created -> Pending, then this process's runner takes the job up at once. Refused, changing
 * nothing, when the job is not Created (or has expired), when its file has not been uploaded
 * (Cognito differs: the job is left in Created so the file can still be uploaded, rather than
 * failing it), and, as in Cognito, when the pool verifies neither email nor phone numbers
 * automatically: imported users could then never receive the code that sets their password.
 */
export async function startUserImportJob(ctx: OperationContext, input: StartUserImportJobRequest): Promise<StartUserImportJobResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const job = await loadImportJob(ctx, pool, input.JobId!);
  const status = effectiveStatus(ctx, job);
  if (status !== 'Created') throw new PreconditionNotMetException(`Import job ${job.id} cannot be started: its status is ${status}.`);
  if ((pool.settings.AutoVerifiedAttributes ?? []).length === 0) {
    throw new PreconditionNotMetException('The user pool has no auto-verified attributes (email or phone_number); imported users could not reset their passwords.');
  }
  if (job.uploadBytes === null) throw new PreconditionNotMetException(`No CSV file has been uploaded for import job ${job.id}.`);
  if (!(await ctx.store.imports.markPending(job.id, ctx.clock.now()))) {
    throw new PreconditionNotMetException(`Import job ${job.id} cannot be started: its status is no longer Created.`);
  }
  ctx.imports.kick(job.id);
  const started = await ctx.store.imports.findJob(job.id);
  return { UserImportJob: toImportJobType(ctx, started!) };
}
