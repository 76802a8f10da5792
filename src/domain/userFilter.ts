// ListUsers' Filter: `name = "value"` (exact) or `name ^= "value"` (starts with), the two
// operators Cognito supports. Pure: parse errors come back as results, not exceptions.

/** The attributes Cognito lets ListUsers search on. */
export const SEARCHABLE_NAMES: ReadonlySet<string> = new Set([
  'username',
  'email',
  'phone_number',
  'name',
  'given_name',
  'family_name',
  'preferred_username',
  'cognito:user_status',
  'status',
  'sub',
]);

export interface ParsedFilter {
  name: string;
  value: string;
  prefix: boolean;
}

export type FilterParse = { ok: true; filter: ParsedFilter | undefined } | { ok: false; reason: 'syntax' } | { ok: false; reason: 'attribute'; name: string };

// The name allows the colon of cognito:user_status; the value is a double-quoted string in
// which a backslash escapes the next character (so a value can hold a quote).
const FILTER = /^\s*([A-Za-z_][A-Za-z0-9_:]*)\s*(\^=|=)\s*"((?:[^"\\]|\\.)*)"\s*$/s;

export function parseUserFilter(text: string | undefined): FilterParse {
  if (text === undefined || text.trim() === '') return { ok: true, filter: undefined };
  const m = FILTER.exec(text);
  if (!m) return { ok: false, reason: 'syntax' };
  const name = m[1]!;
  if (!SEARCHABLE_NAMES.has(name)) return { ok: false, reason: 'attribute', name };
  const value = m[3]!.replace(/\\(.)/gs, '$1');
  return { ok: true, filter: { name, value, prefix: m[2] === '^=' } };
}
