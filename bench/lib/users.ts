// Filling a pool with many users quickly for benchmarks: straight through the store in
// batched transactions, with one precomputed password hash (no KDF per user).
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { UserRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';

const BATCH = 5_000;
const pad = (i: number): string => String(i).padStart(6, '0');
export const usernameOf = (i: number): string => `user${pad(i)}`;
export const emailOf = (i: number): string => `user${pad(i)}@example.com`;

/** Inserts users [from, to) as AdminCreateUser would store them (email verified, CONFIRMED). */
export async function fillUsers(store: Store, poolId: string, from: number, to: number, passwordHash: string): Promise<void> {
  const now = Date.now();
  for (let start = from; start < to; start += BATCH) {
    const end = Math.min(start + BATCH, to);
    await store.transaction(async (tx) => {
      for (let i = start; i < end; i++) {
        const user: UserRecord = {
          sub: randomUUID(),
          poolId,
          username: usernameOf(i),
          status: 'CONFIRMED',
          enabled: true,
          passwordHash,
          srpVerifier: null,
          passwordChangedAt: now,
          attributes: { email: emailOf(i), email_verified: 'true', given_name: `Given${i}` },
          mfa: { enabled: [] },
          tokensValidAfter: now,
          createdAt: now,
          updatedAt: now,
        };
        await tx.users.createUser(user, user.username, []);
      }
    });
  }
}

/**
 * After a bulk load SQLite's WAL holds every frame the load wrote until the next write resets
 * it, and each page read first searches that WAL index. A live server's next write does the
 * reset; after a bulk import the load is checkpointed, as an import job would do.
 */
export async function checkpoint(store: Store): Promise<void> {
  // Retried while busy: the server's background checkpointer may be mid-checkpoint, and a
  // filled database must not be left for it to copy during the timed run.
  for (let attempt = 0; attempt < 200; attempt++) {
    const { rows } = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(store.db);
    if (Number(rows[0]?.busy ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('the database could not be checkpointed');
}
