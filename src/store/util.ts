// Small helpers shared by the repositories.

/** True when a database error is a unique or primary-key violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === '23505';
}

/** PostgreSQL returns bigint columns as strings; SQLite as numbers. */
export function toNumber(v: number | string | bigint | null): number {
  return v === null ? 0 : Number(v);
}

export function toNullableNumber(v: number | string | bigint | null): number | null {
  return v === null ? null : Number(v);
}

export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}
