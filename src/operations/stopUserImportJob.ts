import type { StopUserImportJobRequest, StopUserImportJobResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool } from './shared/pools.js';
import { loadImportJob, toImportJobType } from './shared/importJobs.js';
import { PreconditionNotMetException } from './exceptions.js';

/**
 * Pending or InProgress -> Stopping; the runner holding the job ends it as Stopped after the
 * batch it is on (rows already imported stay), counting the rows it never read as skipped.
 */
export async function stopUserImportJob(ctx: OperationContext, input: StopUserImportJobRequest): Promise<StopUserImportJobResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const job = await loadImportJob(ctx, pool, input.JobId!);
  if (!(await ctx.store.imports.requestStop(job.id))) {
    const now = await ctx.store.imports.findJob(job.id);
    throw new PreconditionNotMetException(`Import job ${job.id} cannot be stopped: its status is ${now?.status ?? job.status}.`);
  }
  // A job no runner holds yet (Pending) is ended here and now by this process's runner.
  ctx.imports.kick(job.id);
  const stopping = await ctx.store.imports.findJob(job.id);
  return { UserImportJob: toImportJobType(ctx, stopping!) };
}
