import type { GetCSVHeaderRequest, GetCSVHeaderResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { loadPool } from './shared/pools.js';
import { csvHeader } from '../import/rows.js';

/** The header row of a user import CSV for this pool (import/rows.ts says what is in it). */
export async function getCSVHeader(ctx: OperationContext, input: GetCSVHeaderRequest): Promise<GetCSVHeaderResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  return { UserPoolId: pool.id, CSVHeader: csvHeader(pool) };
}
