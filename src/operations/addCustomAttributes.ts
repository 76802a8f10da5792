import type { AddCustomAttributesRequest, AddCustomAttributesResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import { TooManyRequestsException } from './exceptions.js';
import { changePool } from './shared/poolChanges.js';
import { refuseWhileImporting } from './shared/pools.js';
import { standardSchema, withCustomAttributes } from './shared/schemaAttributes.js';

/** Appends custom attributes (named custom:<name>) to the pool's schema. */
export async function addCustomAttributes(ctx: OperationContext, input: AddCustomAttributesRequest): Promise<AddCustomAttributesResponse> {
  await refuseWhileImporting(ctx, input.UserPoolId!);
  await changePool(
    ctx,
    input.UserPoolId!,
    (pool) => ({
      name: pool.name,
      settings: { ...pool.settings, SchemaAttributes: withCustomAttributes(pool.settings.SchemaAttributes ?? standardSchema(), input.CustomAttributes!) },
    }),
    () => new TooManyRequestsException('Too many concurrent changes to this user pool. Try again.'),
  );
  return {};
}
