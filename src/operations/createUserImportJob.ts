import type { CreateUserImportJobRequest, CreateUserImportJobResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool } from './shared/pools.js';
import { toImportJobType } from './shared/importJobs.js';
import { randomString } from '../crypto/ids.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A job in Created, with the URL to PUT its CSV to. The CloudWatch Logs role is kept and
 * returned as given: there is no CloudWatch here, the job's log is served by this server
 * (GET /_import/<JobId>/log).
 */
export async function createUserImportJob(ctx: OperationContext, input: CreateUserImportJobRequest): Promise<CreateUserImportJobResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  // Cognito's job ids: `import-` and 10 letters or digits.
  const job = { id: `import-${randomString(ALNUM, 10)}`, poolId: pool.id, name: input.JobName!, roleArn: input.CloudWatchLogsRoleArn!, createdAt: ctx.clock.now() };
  await ctx.store.imports.createJob(job);
  const created = await ctx.store.imports.findJob(job.id);
  return { UserImportJob: toImportJobType(ctx, created!) };
}
