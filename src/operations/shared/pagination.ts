// NextToken for the pool and client listings. Opaque to callers (base64url JSON), it names the
// listing it belongs to and the last id returned, so the next page starts after that id
// (keyset pagination: pages stay consistent while pools or clients come and go).
import { InvalidParameterException } from '../exceptions.js';

export interface PageCursor {
  /** Which listing the token belongs to, e.g. "pools" or "clients:<poolId>". */
  scope: string;
  /** The last id of the previous page. */
  after: string;
}

const ID = /^[\w-]{1,128}$/;

export function encodeNextToken(cursor: PageCursor): string {
  return Buffer.from(JSON.stringify({ s: cursor.scope, a: cursor.after }), 'utf8').toString('base64url');
}

/**
 * The id to continue after. A token that was not issued for this listing (garbled, or from
 * another listing) is refused, never silently restarted from the first page.
 */
export function decodeNextToken(token: string, scope: string): string {
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]+$/.test(token) ? JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) : undefined;
  } catch {
    parsed = undefined;
  }
  const p = parsed as { s?: unknown; a?: unknown } | undefined;
  if (!p || p.s !== scope || typeof p.a !== 'string' || !ID.test(p.a)) {
    // Cognito differs: its wording for a bad token on these listings is not on record.
    throw new InvalidParameterException('Invalid pagination token.');
  }
  return p.a;
}

/** One page from `fetch(limit + 1)`: the items and, when more remain, the token for the rest. */
export function page<T>(rows: T[], limit: number, scope: string, idOf: (row: T) => string): { items: T[]; nextToken?: string } {
  if (rows.length <= limit) return { items: rows };
  const items = rows.slice(0, limit);
  return { items, nextToken: encodeNextToken({ scope, after: idOf(items[items.length - 1]!) }) };
}
