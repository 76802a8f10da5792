// One-time codes: generated from the CSPRNG, stored only as a keyed MAC. The MAC key lives
// outside the database (a file in the data directory, or the environment), so a copy of the
// database alone yields no live code. Keys are rotatable: the first key is current, the
// others still verify codes issued under them until those expire.
import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CodeMacKey {
  id: string;
  key: Buffer;
}

export class CodeMacKeys {
  private readonly byId: Map<string, Buffer>;

  constructor(readonly keys: CodeMacKey[]) {
    if (keys.length === 0) throw new Error('at least one code MAC key is needed');
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  get current(): CodeMacKey {
    return this.keys[0]!;
  }

  find(id: string): Buffer | undefined {
    return this.byId.get(id);
  }
}

/** A code of `length` decimal digits, uniform over the whole range (crypto.randomInt). */
export function generateCode(length: number): string {
  // randomInt's upper bound must stay below 2^48; 10 digits is far inside it.
  return String(randomInt(0, 10 ** length)).padStart(length, '0');
}

/**
 * HMAC-SHA-256 over length-prefixed fields, so no two different field tuples share an input:
 * the MAC binds the code to its purpose, pool, user and code id.
 */
export function macOf(key: Buffer, fields: string[]): string {
  const h = createHmac('sha256', key);
  for (const f of fields) {
    const b = Buffer.from(f, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32BE(b.length);
    h.update(len).update(b);
  }
  return h.digest('base64url');
}

export function codeMac(key: Buffer, purpose: string, poolId: string, sub: string, codeId: string, code: string): string {
  return macOf(key, ['code', purpose, poolId, sub, codeId, code]);
}

/** Constant-time comparison of two MACs. */
export function macEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Keys from USERPOOL_CODE_MAC_KEYS (`id:base64key,id2:base64key2`, current first), else from
 * `code-mac-keys.json` in the data directory, created with a fresh random key on first start.
 */
export function loadCodeMacKeys(dataDir: string, env: NodeJS.ProcessEnv): CodeMacKeys {
  const fromEnv = env.USERPOOL_CODE_MAC_KEYS;
  if (fromEnv) {
    const keys = fromEnv.split(',').map((pair) => {
      const i = pair.indexOf(':');
      const key = Buffer.from(pair.slice(i + 1), 'base64');
      if (i <= 0 || key.length < 32) throw new Error('USERPOOL_CODE_MAC_KEYS must be id:base64 pairs of keys of at least 32 bytes');
      return { id: pair.slice(0, i), key };
    });
    return new CodeMacKeys(keys);
  }
  const file = join(dataDir, 'code-mac-keys.json');
  if (!existsSync(file)) {
    const id = `k${Date.now().toString(36)}`;
    writeFileSync(file, JSON.stringify([{ id, key: randomBytes(32).toString('base64') }], null, 1) + '\n', { mode: 0o600, flag: 'wx' });
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Array<{ id: string; key: string }>;
  return new CodeMacKeys(stored.map((k) => ({ id: k.id, key: Buffer.from(k.key, 'base64') })));
}
