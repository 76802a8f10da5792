// Records for the store suite, built with unique ids so tests in one database never collide.
import { randomUUID } from 'node:crypto';
import type { ClientRecord, PoolRecord, UserRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';

/** A realistic epoch-ms time (beyond 2^32, so a 32-bit column or parser would break it). */
export const T0 = Date.UTC(2026, 4, 1, 12, 0, 0);

let counter = 0;
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}${counter}${randomUUID().slice(0, 8)}`;
}

export function poolRecord(overrides: Partial<PoolRecord> = {}): PoolRecord {
  return { id: uniqueId('us-east-1_P'), name: 'pool', settings: { Policies: { PasswordPolicy: { MinimumLength: 8 } } }, createdAt: T0, updatedAt: T0, ...overrides };
}

export function clientRecord(poolId: string, overrides: Partial<ClientRecord> = {}): ClientRecord {
  return { id: uniqueId('c'), poolId, name: 'client', secret: null, settings: { ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }, createdAt: T0, updatedAt: T0, ...overrides };
}

export function userRecord(poolId: string, username: string, overrides: Partial<UserRecord> = {}): UserRecord {
  return {
    sub: randomUUID(),
    poolId,
    username,
    status: 'CONFIRMED',
    enabled: true,
    passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
    srpVerifier: null,
    passwordChangedAt: T0,
    attributes: {},
    mfa: { enabled: [] },
    tokensValidAfter: T0,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** A fresh pool, stored. */
export async function storedPool(store: Store): Promise<PoolRecord> {
  const pool = poolRecord();
  await store.pools.createPool(pool);
  return pool;
}

/** A stored user of the pool (username key = lower-cased username, no aliases unless given). */
export async function storedUser(store: Store, poolId: string, username: string, overrides: Partial<UserRecord> = {}): Promise<UserRecord> {
  const user = userRecord(poolId, username, overrides);
  await store.users.createUser(user, username.toLowerCase(), []);
  return user;
}

/** Byte (code point) order: what SQLite compares by, and PostgreSQL under the "C" collation. */
export function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
