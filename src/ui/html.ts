// What every hosted page shares: escaping, the page shell, the security headers, and the
// small parsers for forms and cookies (the server reads every body raw; see protocol/server.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { STATIC_PATHS } from './assets.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML text and double-quoted attribute values. */
export function esc(value: string | number | undefined | null): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * The content security policy of every page: nothing inline, nothing from elsewhere, forms
 * post only here, and no framing (clickjacking on a password form).
 */
export const PAGE_CSP = [
  "default-src 'none'",
  "style-src 'self'",
  "script-src 'self'",
  "img-src 'self'",
  "connect-src 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

/**
 * Headers for every page and asset. No caching (a page may hold a CSRF token or a masked
 * address), no Referer onwards, no framing, no sniffing. The AWS endpoint's CORS header is
 * taken off: no other origin has any business reading these pages.
 */
export function securityHeaders(reply: FastifyReply, csp = PAGE_CSP): FastifyReply {
  reply.removeHeader('access-control-allow-origin');
  reply.removeHeader('access-control-expose-headers');
  return reply
    .header('content-security-policy', csp)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store')
    .header('cross-origin-opener-policy', 'same-origin')
    .header('cross-origin-resource-policy', 'same-origin')
    .header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=()');
}

export interface Shell {
  title: string;
  /** The page's main content (already escaped HTML). */
  body: string;
  /** Extra stylesheet, e.g. a pool's theme. */
  themeHref?: string;
  /** Logo image URL and its alternative text; else `brand` is shown as text. */
  logo?: { src: string; alt: string };
  brand?: string;
  scripts?: string[];
  /** A wider layout (the mailbox lists messages). */
  wide?: boolean;
}

export function renderShell(s: Shell): string {
  const head = [
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="robots" content="noindex">',
    `<title>${esc(s.title)}</title>`,
    `<link rel="stylesheet" href="${STATIC_PATHS.css}">`,
    s.themeHref ? `<link rel="stylesheet" href="${esc(s.themeHref)}">` : '',
    ...(s.scripts ?? []).map((src) => `<script src="${esc(src)}" defer></script>`),
  ].filter(Boolean);
  const brand = s.logo
    ? `<img class="logo" src="${esc(s.logo.src)}" alt="${esc(s.logo.alt)}">`
    : s.brand
      ? `<span class="brand-name">${esc(s.brand)}</span>`
      : '';
  return `<!doctype html>
<html lang="en">
<head>
${head.join('\n')}
</head>
<body>
<main class="${s.wide ? 'card wide' : 'card'}">
${brand ? `<div class="brand">${brand}</div>\n` : ''}<h1 id="page-title">${esc(s.title)}</h1>
${s.body}
</main>
</body>
</html>
`;
}

export function sendHtml(reply: FastifyReply, status: number, html: string): FastifyReply {
  return securityHeaders(reply).code(status).header('content-type', 'text/html; charset=utf-8').send(html);
}

/** The cookies of a request, first value of each name winning. */
export function readCookies(req: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  const header = req.headers.cookie;
  if (typeof header !== 'string') return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (!out.has(name)) out.set(name, part.slice(i + 1).trim());
  }
  return out;
}

export interface CookieOptions {
  path: string;
  maxAgeSeconds: number;
  secure: boolean;
}

/** HttpOnly, SameSite=Strict: never readable by script, never sent by another site's form. */
export function setCookie(reply: FastifyReply, name: string, value: string, o: CookieOptions): void {
  const attrs = [`${name}=${value}`, `Path=${o.path}`, `Max-Age=${o.maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict'];
  if (o.secure) attrs.push('Secure');
  const existing = reply.getHeader('set-cookie');
  const list = Array.isArray(existing) ? existing : typeof existing === 'string' ? [existing] : [];
  reply.header('set-cookie', [...list, attrs.join('; ')]);
}

/** Whether cookies should be marked Secure: the public URL, or the request, is https. */
export function secureCookies(req: FastifyRequest, publicUrl: string): boolean {
  return publicUrl.startsWith('https:') || req.protocol === 'https';
}

/**
 * The fields of an urlencoded form post, each capped; undefined when the body is not a form.
 * Only the first value of a repeated field counts.
 */
export function readForm(req: FastifyRequest): Map<string, string> | undefined {
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  const raw = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(raw)) if (!out.has(k)) out.set(k, v.slice(0, 2048));
  return out;
}

/** A query parameter given once, as a string (a repeated or absent one is undefined). */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : undefined;
}
