// Small helpers for request documents as the operations receive them.

/**
 * JSON null means "absent" on the wire (the validator treats it so). Dropping nulls before a
 * document is stored keeps `?? default` honest in every reader of the stored settings.
 */
export function withoutNulls<T>(value: T): T {
  if (Array.isArray(value)) return value.filter((v) => v !== null).map((v) => withoutNulls(v)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== null && v !== undefined) out[k] = withoutNulls(v);
    return out as T;
  }
  return value;
}

/** The listed members of a request that are present, and nothing else (unknown members are dropped). */
export function pickPresent<T extends object, K extends keyof T>(input: T, keys: readonly K[]): Pick<T, K> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (input[key] !== undefined) picked[key] = input[key];
  return picked as Pick<T, K>;
}
