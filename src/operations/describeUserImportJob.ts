import type { DescribeUserImportJobRequest, DescribeUserImportJobResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool } from './shared/pools.js';
import { loadImportJob, toImportJobType } from './shared/importJobs.js';

export async function describeUserImportJob(ctx: OperationContext, input: DescribeUserImportJobRequest): Promise<DescribeUserImportJobResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const job = await loadImportJob(ctx, pool, input.JobId!);
  return { UserImportJob: toImportJobType(ctx, job) };
}
