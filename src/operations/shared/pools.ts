// Loading pools and clients, shared by the operations. The pool's settings document is kept
// in Cognito's own shape (UserPoolType without the computed fields), so what CreateUserPool
// and UpdateUserPool are given is what DescribeUserPool returns.
import type { UserPoolClientType, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from '../context.js';
import { ResourceNotFoundException, UserImportInProgressException } from '../exceptions.js';
import type { ClientRecord, PoolRecord } from '../../store/records.js';

/** The stored part of a pool: everything DescribeUserPool returns except computed fields. */
export type PoolSettings = Omit<UserPoolType, 'Id' | 'Name' | 'Arn' | 'CreationDate' | 'LastModifiedDate' | 'EstimatedNumberOfUsers'>;

/** The stored part of an app client (the secret lives in its own column). */
export type ClientSettings = Omit<UserPoolClientType, 'UserPoolId' | 'ClientId' | 'ClientName' | 'ClientSecret' | 'CreationDate' | 'LastModifiedDate'>;

export interface Pool extends Omit<PoolRecord, 'settings'> {
  settings: PoolSettings;
}

export interface Client extends Omit<ClientRecord, 'settings'> {
  settings: ClientSettings;
}

export async function loadPool(ctx: OperationContext, poolId: string): Promise<Pool> {
  const pool = await ctx.store.pools.findPool(poolId);
  if (!pool) throw new ResourceNotFoundException(`User pool ${poolId} does not exist.`);
  return pool as Pool;
}

/** A client named by an admin operation together with its pool. */
export async function loadPoolClient(ctx: OperationContext, poolId: string, clientId: string): Promise<Client> {
  const client = await ctx.store.clients.findPoolClient(poolId, clientId);
  if (!client) throw new ResourceNotFoundException(`User pool client ${clientId} does not exist.`);
  return client as Client;
}

/** A client named alone (the unauthenticated operations), with the pool it belongs to. */
export async function loadClient(ctx: OperationContext, clientId: string): Promise<{ client: Client; pool: Pool }> {
  const found = await ctx.store.clients.findClientWithPool(clientId);
  if (!found) throw new ResourceNotFoundException(`User pool client ${clientId} does not exist.`);
  return { client: found.client as Client, pool: found.pool as Pool };
}

export function poolArn(region: string, poolId: string): string {
  // Account id 000000000000: there is no AWS account behind a userpool server.
  return `arn:aws:cognito-idp:${region}:000000000000:userpool/${poolId}`;
}

export function regionOfPool(poolId: string): string {
  return poolId.split('_')[0] ?? 'us-east-1';
}

/**
 * Refuses a change to the pool's schema or existence while an import job runs: its rows are
 * checked against the schema the job started with, and its users must have a pool to go to.
 */
export async function refuseWhileImporting(ctx: OperationContext, poolId: string): Promise<void> {
  if (await ctx.store.imports.hasRunningJob(poolId)) {
    throw new UserImportInProgressException(`A user import job is in progress for user pool ${poolId}.`);
  }
}
