// A pool's look on the hosted pages: an accent colour, a logo and a display name, from
// --ui-branding (pool id, or "*" for every pool, to settings). The logo is read once at start
// and served from this origin, and the colour becomes a tiny per-pool stylesheet, so the
// pages' content security policy stays 'self' only.
//
// Cognito differs: Cognito keeps this per pool and client through SetUICustomization (a CSS
// subset and an image). Here it is server configuration, which needs no store and no admin API.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, resolve, dirname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Services } from '../operations/context.js';
import type { Shell } from './html.js';

export interface PoolBranding {
  /** Accent colour, `#rgb` or `#rrggbb`. */
  color?: string;
  /** Path of a PNG, JPEG, GIF, WebP or SVG logo, at most 256 KiB. */
  logo?: string;
  /** Shown in place of a logo, and as the logo's text alternative. */
  name?: string;
}

export type UiBranding = ReadonlyMap<string, PoolBranding>;

const LOGO_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
};
const MAX_LOGO_BYTES = 256 * 1024;
const POOL_KEY = /^(\*|[\w-]+_[0-9a-zA-Z]+)$/;

/** Inline JSON (starting with `{`) or the path of a JSON file; logo paths are resolved against the file's folder. */
export function parseUiBranding(raw: string, flag: string, fail: (message: string) => Error, cwd = process.cwd()): UiBranding {
  let text = raw;
  let baseDir = cwd;
  if (!/^\s*\{/.test(raw)) {
    const file = resolve(cwd, raw);
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw fail(`${flag}: cannot read ${raw}`);
    }
    baseDir = dirname(file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail(`${flag} must be a JSON object of pool id ("*" for all) to {"color", "logo", "name"}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw fail(`${flag} must be a JSON object of pool id ("*" for all) to {"color", "logo", "name"}`);
  const out = new Map<string, PoolBranding>();
  for (const [poolId, value] of Object.entries(json)) {
    if (!POOL_KEY.test(poolId)) throw fail(`${flag}: ${poolId.slice(0, 64)} is not a pool id or "*"`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail(`${flag}: ${poolId}: must be an object`);
    const v = value as Record<string, unknown>;
    const unknown = Object.keys(v).find((k) => !['color', 'logo', 'name'].includes(k));
    if (unknown) throw fail(`${flag}: ${poolId}: unknown setting ${unknown.slice(0, 32)} (color, logo, name)`);
    const b: PoolBranding = {};
    if (v.color !== undefined) {
      if (typeof v.color !== 'string' || !/^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$/.test(v.color)) throw fail(`${flag}: ${poolId}: color must be #rgb or #rrggbb`);
      b.color = v.color;
    }
    if (v.name !== undefined) {
      if (typeof v.name !== 'string' || v.name.length === 0 || v.name.length > 64) throw fail(`${flag}: ${poolId}: name must be 1 to 64 characters`);
      b.name = v.name;
    }
    if (v.logo !== undefined) {
      if (typeof v.logo !== 'string') throw fail(`${flag}: ${poolId}: logo must be a file path`);
      const path = resolve(baseDir, v.logo);
      if (!LOGO_TYPES[extname(path).toLowerCase()]) throw fail(`${flag}: ${poolId}: logo must be a .png, .jpg, .gif, .webp or .svg file`);
      if (!existsSync(path) || !statSync(path).isFile()) throw fail(`${flag}: ${poolId}: no file at ${v.logo}`);
      if (statSync(path).size > MAX_LOGO_BYTES) throw fail(`${flag}: ${poolId}: the logo is larger than 256 KiB`);
      b.logo = path;
    }
    out.set(poolId, b);
  }
  return out;
}

/** The pool's own settings over the "*" ones. */
function brandingOf(services: Services, poolId: string): PoolBranding {
  const all = services.config.uiBranding;
  return { ...all.get('*'), ...all.get(poolId) };
}

/** Black or white text, whichever reads better on the accent (WCAG relative luminance). */
function textOn(color: string): string {
  const hex = color.length === 4 ? color.slice(1).replace(/./g, (c) => c + c) : color.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (1.05 / (l + 0.05) >= (l + 0.05) / 0.05) ? '#fff' : '#1c2230';
}

/** What a page's shell shows for the pool. */
export function shellBranding(services: Services, poolId: string | undefined): Pick<Shell, 'themeHref' | 'logo' | 'brand'> {
  if (!poolId) return {};
  const b = brandingOf(services, poolId);
  return {
    themeHref: b.color ? `/ui/theme/${encodeURIComponent(poolId)}.css` : undefined,
    logo: b.logo ? { src: `/ui/logo/${encodeURIComponent(poolId)}`, alt: b.name ?? 'Logo' } : undefined,
    brand: b.name,
  };
}

export function brandingRoutes(app: FastifyInstance, services: Services): void {
  const logos = new Map<string, Buffer>();
  for (const [, b] of services.config.uiBranding) if (b.logo && !logos.has(b.logo)) logos.set(b.logo, readFileSync(b.logo));
  const assetHeaders = { 'x-content-type-options': 'nosniff', 'cache-control': 'public, max-age=300', 'cross-origin-resource-policy': 'same-origin' };

  app.get('/ui/theme/:file', async (req, reply) => {
    const file = (req.params as { file: string }).file;
    const poolId = file.endsWith('.css') ? file.slice(0, -4) : '';
    const color = POOL_KEY.test(poolId) ? brandingOf(services, poolId).color : undefined;
    reply.removeHeader('access-control-allow-origin');
    if (!color) return reply.code(404).headers(assetHeaders).header('content-type', 'text/css; charset=utf-8').send('');
    // The colour was validated as a hex value at start, so it is safe inside CSS.
    return reply.headers(assetHeaders).header('content-type', 'text/css; charset=utf-8').send(`:root{--accent:${color};--accent-text:${textOn(color)}}\n`);
  });

  app.get('/ui/logo/:poolId', async (req, reply) => {
    const poolId = (req.params as { poolId: string }).poolId;
    const path = POOL_KEY.test(poolId) ? brandingOf(services, poolId).logo : undefined;
    reply.removeHeader('access-control-allow-origin');
    if (!path) return reply.code(404).headers(assetHeaders).send('');
    // An SVG opened on its own must not run script: it gets a policy that allows nothing.
    return reply
      .headers(assetHeaders)
      .header('content-type', LOGO_TYPES[extname(path).toLowerCase()]!)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .send(logos.get(path));
  });
}
