// Cross-site request forgery defence for the hosted forms, and a sealed cookie that carries
// the reset journey's state between its two pages.
//
// CSRF: a signed double-submit. The browser holds a random nonce in an HttpOnly,
// SameSite=Strict cookie; each form carries HMAC(key, nonce). Another site can neither read
// the token nor compute it (it needs the server key), and a cookie planted from a sibling
// domain is useless without its MAC. On top, a post whose Origin or Sec-Fetch-Site says it
// came from elsewhere is refused outright.
//
// The keys are derived from the code MAC keys (crypto/codes.ts): nodes that share those
// (as they must) accept each other's forms and cookies, and no other key file is needed.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../operations/context.js';
import { macEquals, macOf } from '../crypto/codes.js';
import { readCookies, secureCookies, setCookie } from './html.js';

const CSRF_COOKIE = 'userpool_csrf';
export const CSRF_FIELD = 'csrf_token';
const NONCE = /^[A-Za-z0-9_-]{32}$/;

function token(key: Buffer, nonce: string): string {
  return macOf(key, ['hosted-page-csrf', nonce]);
}

/** The form token for this browser, setting its nonce cookie first when it has none. */
export function csrfToken(services: Services, req: FastifyRequest, reply: FastifyReply): string {
  let nonce = readCookies(req).get(CSRF_COOKIE);
  if (!nonce || !NONCE.test(nonce)) {
    nonce = randomBytes(24).toString('base64url');
    // A day: a form left open for hours still posts; the nonce says nothing about the user.
    setCookie(reply, CSRF_COOKIE, nonce, { path: '/', maxAgeSeconds: 86_400, secure: secureCookies(req, services.publicUrl()) });
  }
  return token(services.codeKeys.current.key, nonce);
}

/** Whether the post carries the token of the browser's nonce (under any live key). */
export function csrfValid(services: Services, req: FastifyRequest, form: Map<string, string>): boolean {
  const nonce = readCookies(req).get(CSRF_COOKIE);
  const sent = form.get(CSRF_FIELD);
  if (!nonce || !NONCE.test(nonce) || !sent) return false;
  return services.codeKeys.keys.some((k) => macEquals(token(k.key, nonce), sent));
}

/**
 * False when the browser says the post came from another origin. Browsers send
 * `Origin: null` for a page with Referrer-Policy no-referrer (ours), so null is left to
 * the token; a named origin must be this server's.
 */
export function sameOrigin(services: Services, req: FastifyRequest): boolean {
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return false;
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return true;
  const own = new Set([`${req.protocol}://${req.headers.host ?? ''}`]);
  try {
    own.add(new URL(services.publicUrl()).origin);
  } catch {
    // No usable public URL: the Host header is the only name the server has.
  }
  return own.has(origin);
}

function sealKey(key: Buffer): Buffer {
  return createHmac('sha256', key).update('hosted-page-sealed-cookie').digest();
}

/**
 * AES-256-GCM over a JSON value with an expiry: the browser can neither read nor alter it
 * (it may hold a username). `purpose` is authenticated, so one cookie cannot stand in for another.
 */
export function seal(services: Services, purpose: string, value: object, ttlMs: number): string {
  const k = services.codeKeys.current;
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(k.key), iv);
  cipher.setAAD(Buffer.from(purpose));
  const plain = Buffer.from(JSON.stringify({ v: value, exp: services.clock.now() + ttlMs }));
  const body = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return `${Buffer.from(k.id).toString('base64url')}.${body.toString('base64url')}`;
}

export function unseal<T>(services: Services, purpose: string, sealed: string | undefined): T | undefined {
  if (!sealed || sealed.length > 4096) return undefined;
  const [id, data] = sealed.split('.', 2);
  const key = id && data ? services.codeKeys.find(Buffer.from(id, 'base64url').toString()) : undefined;
  if (!key) return undefined;
  const raw = Buffer.from(data!, 'base64url');
  if (raw.length < 29) return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey(key), raw.subarray(0, 12));
    decipher.setAAD(Buffer.from(purpose));
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    const plain = Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
    const parsed = JSON.parse(plain.toString('utf8')) as { v: T; exp: number };
    return parsed.exp > services.clock.now() ? parsed.v : undefined;
  } catch {
    return undefined;
  }
}
