import type { ListUserImportJobsRequest, ListUserImportJobsResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool } from './shared/pools.js';
import { toImportJobType } from './shared/importJobs.js';
import { decodeNextToken, page } from './shared/pagination.js';

/**
 * A pool's jobs, oldest first, MaxResults (1-60, required) at a time. The token names the
 * last job returned (its creation time and id), so pages hold still while jobs are added.
 */
export async function listUserImportJobs(ctx: OperationContext, input: ListUserImportJobsRequest): Promise<ListUserImportJobsResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const scope = `imports:${pool.id}`;
  const limit = input.MaxResults!;
  let after: { createdAt: number; id: string } | undefined;
  if (input.PaginationToken !== undefined) {
    const position = decodeNextToken(input.PaginationToken, scope);
    const cut = position.indexOf('-');
    after = { createdAt: Number(position.slice(0, cut)), id: position.slice(cut + 1) };
  }
  const rows = await ctx.store.imports.listJobs(pool.id, limit + 1, after);
  const { items, nextToken } = page(rows, limit, scope, (r) => `${r.createdAt}-${r.id}`);
  return {
    // UserImportJobsListType has at least one member: an empty listing leaves it out.
    ...(items.length > 0 && { UserImportJobs: items.map((job) => toImportJobType(ctx, job)) }),
    ...(nextToken !== undefined && { PaginationToken: nextToken }),
  };
}
