// Checking a submitted one-time code against the user's live code for a purpose. The attempt
// is counted in the store BEFORE the comparison, by one guarded statement, so no more than
// maxAttemptsPerCode guesses are ever compared however many requests race. Returns a small
// result the operation turns into its own Cognito exception.
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import { codeMac, macEquals } from '../../crypto/codes.js';
import type { Pool } from './pools.js';

export type CodeCheck =
  | { kind: 'ok'; codeId: string; attribute: string | null; sentTo: string | null }
  /** No code was ever issued for the purpose (or every one was superseded by a change). */
  | { kind: 'none' }
  /** Used, expired or superseded. */
  | { kind: 'expired' }
  /** The code's attempts are spent: it is dead. */
  | { kind: 'exhausted' }
  | { kind: 'mismatch' };

export async function checkCode(ctx: OperationContext, pool: Pool, user: UserRecord, purpose: string, code: string): Promise<CodeCheck> {
  const attempt = await ctx.store.codes.countLiveAttempt(user.sub, purpose, ctx.config.reset.maxAttemptsPerCode, ctx.clock.now());
  switch (attempt.kind) {
    case 'missing':
      return { kind: 'none' };
    case 'exhausted':
      return { kind: 'exhausted' };
    case 'consumed':
    case 'expired':
      return { kind: 'expired' };
  }
  ctx.counters.codeComparisons++;
  const key = ctx.codeKeys.find(attempt.keyId);
  const ok = key !== undefined && macEquals(codeMac(key, purpose, pool.id, user.sub, attempt.codeId, code), attempt.mac);
  return ok ? { kind: 'ok', codeId: attempt.codeId, attribute: attempt.attribute, sentTo: attempt.sentTo } : { kind: 'mismatch' };
}
