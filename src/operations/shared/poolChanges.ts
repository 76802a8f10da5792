// Changing a pool's stored settings safely when requests race: read, compute the new
// settings, and write only if nothing changed in between; otherwise start again from the
// fresh settings. Two AddCustomAttributes calls at once both land; neither is lost.
import type { OperationContext } from '../context.js';
import type { CognitoException } from '../exceptions.js';
import { loadPool, type Pool, type PoolSettings } from './pools.js';

const ATTEMPTS = 5;

export interface PoolChange {
  name: string;
  settings: PoolSettings;
}

/**
 * Applies `change` to the pool's current state and stores the result. `change` may throw a
 * Cognito exception to refuse; it is run again on fresh state after a conflict. `busy` is
 * thrown when the pool keeps changing under us.
 */
export async function changePool(
  ctx: OperationContext,
  poolId: string,
  change: (pool: Pool) => PoolChange,
  busy: () => CognitoException,
): Promise<Pool> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const pool = await loadPool(ctx, poolId);
    const next = change(pool);
    // Never earlier than the creation time, even if the clock stepped back.
    const updatedAt = Math.max(ctx.clock.now(), pool.createdAt);
    const stored = await ctx.store.pools.updatePoolIfUnchanged(
      { id: pool.id, name: next.name, settings: next.settings, updatedAt },
      { name: pool.name, settings: pool.settings },
    );
    if (stored) return { ...pool, name: next.name, settings: next.settings, updatedAt };
  }
  throw busy();
}
