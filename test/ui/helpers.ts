// Shared by the hosted-page tests: an app client with a registered callback, a small
// cookie-keeping HTTP session that posts forms the way a browser does, and readers for the
// parts of a page the tests look at.
import { CreateUserPoolClientCommand, type CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

export const CALLBACK = 'http://localhost:3000/callback';

/** An app client with CALLBACK registered and password sign-in allowed. */
export async function makePageClient(
  client: CognitoIdentityProviderClient,
  poolId: string,
  extra: { secret?: boolean; prevent?: 'ENABLED' | 'LEGACY'; name?: string } = {},
): Promise<{ clientId: string; secret?: string }> {
  const out = await client.send(
    new CreateUserPoolClientCommand({
      UserPoolId: poolId,
      ClientName: extra.name ?? 'Example App',
      CallbackURLs: [CALLBACK],
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      GenerateSecret: extra.secret ?? false,
      PreventUserExistenceErrors: extra.prevent ?? 'LEGACY',
    }),
  );
  return { clientId: out.UserPoolClient!.ClientId!, secret: out.UserPoolClient!.ClientSecret };
}

export function pageQuery(clientId: string, redirectUri: string | undefined = CALLBACK): string {
  return `?client_id=${encodeURIComponent(clientId)}${redirectUri ? `&redirect_uri=${encodeURIComponent(redirectUri)}` : ''}`;
}

export interface PageResponse {
  status: number;
  headers: Headers;
  html: string;
}

/** A browser's share of the work: cookies kept per name, redirects not followed. */
export class PageSession {
  readonly cookies = new Map<string, string>();
  /** The last page's CSRF token. */
  token: string | undefined;

  constructor(readonly base: string) {}

  private keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i);
      const value = pair!.slice(i + 1);
      if (/max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {};
  }

  async get(path: string): Promise<PageResponse> {
    const res = await fetch(this.base + path, { headers: this.cookieHeader(), redirect: 'manual' });
    this.keep(res);
    const html = await res.text();
    this.token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? this.token;
    return { status: res.status, headers: res.headers, html };
  }

  /** Posts the fields with the last page's token (unless `token: null`), as a same-origin form. */
  async post(path: string, fields: Record<string, string>, opts: { token?: string | null; headers?: Record<string, string> } = {}): Promise<PageResponse> {
    const body = new URLSearchParams(fields);
    const token = opts.token === undefined ? this.token : opts.token;
    if (token !== null && token !== undefined) body.set('csrf_token', token);
    const res = await fetch(this.base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: this.base, 'sec-fetch-site': 'same-origin', ...this.cookieHeader(), ...opts.headers },
      body: body.toString(),
      redirect: 'manual',
    });
    this.keep(res);
    const html = await res.text();
    this.token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1] ?? this.token;
    return { status: res.status, headers: res.headers, html };
  }
}

/** The error shown next to a field (by the field's id), or undefined. */
export function fieldError(html: string, id: string): string | undefined {
  return new RegExp(`<span class="field-error" id="${id}-error">([^<]*)</span>`).exec(html)?.[1];
}

/** The value the page put back into an input, or undefined. */
export function inputValue(html: string, id: string): string | undefined {
  const tag = new RegExp(`<input id="${id}"[^>]*>`).exec(html)?.[0];
  return tag ? /value="([^"]*)"/.exec(tag)?.[1] : undefined;
}

/** The checklist state of each password rule: rule -> '' | 'met' | 'unmet'. */
export function ruleStates(html: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of html.matchAll(/<li data-rule="(\w+)"(?: data-min="\d+")?(?: class="(\w+)")?>/g)) out[m[1]!] = m[2] ?? '';
  return out;
}

export const SECURITY_HEADERS: Record<string, RegExp> = {
  'content-security-policy': /frame-ancestors 'none'/,
  'x-frame-options': /^DENY$/,
  'referrer-policy': /^no-referrer$/,
  'x-content-type-options': /^nosniff$/,
  'cache-control': /no-store/,
};
