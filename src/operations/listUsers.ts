import type { ListUsersRequest, ListUsersResponse } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext } from './context.js';
import type { UserFilter } from '../store/records.js';
import type { UserCursor } from '../store/users.js';
import { findAttribute, schemaMessage } from '../domain/attributes.js';
import { parseUserFilter } from '../domain/userFilter.js';
import { usernameKey } from '../domain/usernames.js';
import { InvalidParameterException } from './exceptions.js';
import { loadPool, type Pool } from './shared/pools.js';
import { identitySettings } from './shared/users.js';
import { schemaOf } from './shared/userAttributes.js';
import { toUserType } from './shared/userView.js';

/** Cognito's page size when Limit is absent (or 0), and its maximum. */
const MAX_PAGE = 60;

/**
 * Lists a pool's users, optionally filtered by one searchable attribute (`=` or `^=`). Both
 * forms read an index in key order, so a page costs the same in a pool of any size.
 */
export async function listUsers(ctx: OperationContext, input: ListUsersRequest): Promise<ListUsersResponse> {
  const pool = await loadPool(ctx, input.UserPoolId!);
  const filter = storeFilter(pool, input.Filter);
  const only = attributesToGet(pool, input.AttributesToGet);
  const limit = input.Limit || MAX_PAGE;
  const after = input.PaginationToken === undefined ? undefined : decodeToken(input.PaginationToken, filter);
  const page = await ctx.store.users.listUsers(pool.id, filter, limit, after);
  const out: ListUsersResponse = { Users: page.users.map((u) => toUserType(u, only)) };
  if (page.next) out.PaginationToken = encodeToken(page.next, filter);
  return out;
}

function storeFilter(pool: Pool, text: string | undefined): UserFilter | undefined {
  const parsed = parseUserFilter(text);
  if (!parsed.ok) {
    throw new InvalidParameterException(parsed.reason === 'syntax' ? 'Error while parsing filter.' : `Invalid search attribute: ${parsed.name}`);
  }
  const filter = parsed.filter;
  // Usernames are indexed by their lookup key: lower-cased in a case-insensitive pool.
  if (filter?.name === 'username') filter.value = usernameKey(filter.value, identitySettings(pool).caseSensitive);
  return filter;
}

/** AttributesToGet: every name must exist in the pool's schema (sub always does). */
function attributesToGet(pool: Pool, names: string[] | undefined): Set<string> | undefined {
  if (names === undefined) return undefined;
  const schema = schemaOf(pool);
  const unknown = names.filter((n) => !findAttribute(schema, n));
  if (unknown.length > 0) throw new InvalidParameterException(schemaMessage(unknown.map((n) => `${n}: Attribute does not exist in the schema.`)));
  return new Set(names.map((n) => findAttribute(schema, n)!.name));
}

// The pagination token is the store's keyset cursor as base64url JSON, tagged with the filter
// it belongs to: a token is only good for the same filter, since the cursor key means a
// username in one listing and an attribute value in another. It holds nothing secret (a
// username or searched value the caller could list anyway).
interface TokenBody {
  v: 1;
  f: string;
  k: string;
  s: string;
}

function filterTag(filter: UserFilter | undefined): string {
  return filter ? `${filter.prefix ? '^=' : '='}${filter.name}=${filter.value}` : '';
}

function encodeToken(cursor: UserCursor, filter: UserFilter | undefined): string {
  const body: TokenBody = { v: 1, f: filterTag(filter), k: cursor.key, s: cursor.sub };
  return Buffer.from(JSON.stringify(body), 'utf8').toString('base64url');
}

function decodeToken(token: string, filter: UserFilter | undefined): UserCursor {
  let body: Partial<TokenBody> | undefined;
  try {
    if (/^[A-Za-z0-9_-]+$/.test(token)) body = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<TokenBody>;
  } catch {
    body = undefined;
  }
  if (!body || body.v !== 1 || typeof body.k !== 'string' || typeof body.s !== 'string' || body.f !== filterTag(filter)) {
    throw new InvalidParameterException('Invalid pagination token.');
  }
  return { key: body.k, sub: body.s };
}
