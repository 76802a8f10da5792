// Remembering replaced passwords for PasswordHistorySize. Only hashes are kept, and only as
// many as the policy needs: the current password is one of the N remembered, so N - 1
// earlier hashes suffice (enforcePasswordHistory in passwords.ts reads them back).
import type { Store } from '../../store/store.js';
import type { UserRecord } from '../../store/records.js';
import { passwordPolicyOf } from './passwords.js';
import type { Pool } from './pools.js';

/**
 * Call in the transaction that replaces `user`'s password, with the user as it was before.
 * Without a history policy nothing is kept (and older entries are dropped).
 */
export async function rememberReplacedPassword(store: Store, pool: Pool, user: UserRecord, at: number): Promise<void> {
  const keep = Math.max(passwordPolicyOf(pool).passwordHistorySize - 1, 0);
  if (keep > 0 && user.passwordHash) await store.users.addPasswordHistory(user.sub, user.passwordHash, at);
  await store.users.prunePasswordHistory(user.sub, keep);
}
