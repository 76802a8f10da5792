// The pools' signing keys, as Cognito has them: one key set per pool, published at the pool's
// JWKS URL. A pool's first key is made when it is first needed (first sign-in or JWKS read).
// Rotation adds a key: the newest unretired key signs, and every unretired key stays
// published and verifying until retired, so tokens signed before a rotation stay valid.
//
// Each process caches a pool's key list for a few seconds (sign-ins do not read the keys from
// the database every time) and unwrapped keys by kid (a key never changes). A key made by
// another process is picked up when the cache lapses, or at once when a token names it.
import type { KeyObject } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import type { JWK } from 'jose';
import type { Clock } from '../../domain/clock.js';
import type { CodeMacKeys } from '../../crypto/codes.js';
import { generateSigningKey, SIGNING_ALG, unwrapPrivateKey, wrapPrivateKey } from '../../crypto/jwt.js';
import type { Store } from '../../store/store.js';
import type { SigningKeyRecord } from '../../store/tokens.js';

const LIST_TTL_MS = 10_000;

export interface Signer {
  kid: string;
  key: KeyObject;
}

export class SigningKeyRing {
  private readonly lists = new Map<string, { keys: SigningKeyRecord[]; loadedAt: number }>();
  private readonly privateKeys = new Map<string, KeyObject>();
  private readonly publicKeys = new Map<string, KeyObject>();
  private readonly creating = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly wrapKeys: CodeMacKeys,
    private readonly clock: Clock,
  ) {}

  /** The key that signs the pool's new tokens (made on first use). */
  async signer(poolId: string): Promise<Signer> {
    const newest = (await this.keysOf(poolId, true))[0]!;
    let key = this.privateKeys.get(newest.kid);
    if (!key) {
      const secret = this.wrapKeys.find(newest.wrapKeyId);
      if (!secret) throw new Error(`signing key ${newest.kid} was wrapped with key ${newest.wrapKeyId}, which is no longer configured`);
      key = unwrapPrivateKey(secret, newest.kid, poolId, newest.privateKey);
      this.privateKeys.set(newest.kid, key);
    }
    return { kid: newest.kid, key };
  }

  /**
   * The pool's published keys (the JWKS document's `keys`), read afresh: a key rotated in by
   * another process is published at once (and then signs here within the cache time).
   */
  async jwks(poolId: string): Promise<JWK[]> {
    this.lists.delete(poolId);
    return (await this.keysOf(poolId, true)).map((k) => JSON.parse(k.publicJwk) as JWK);
  }

  /** The public key for a kid of the pool, if it is one of its unretired keys. */
  async verificationKey(poolId: string, kid: string): Promise<KeyObject | undefined> {
    let record = (await this.keysOf(poolId, false)).find((k) => k.kid === kid);
    if (!record) {
      // Perhaps made by another process since the list was cached.
      this.lists.delete(poolId);
      record = (await this.keysOf(poolId, false)).find((k) => k.kid === kid);
    }
    if (!record) return undefined;
    let key = this.publicKeys.get(kid);
    if (!key) {
      key = createPublicKey({ key: JSON.parse(record.publicJwk) as JWK & { kty: string }, format: 'jwk' });
      this.publicKeys.set(kid, key);
    }
    return key;
  }

  /** Adds a new signing key to the pool; returns its kid. Older keys stay published. */
  async rotate(poolId: string): Promise<string> {
    // Strictly newer than the current newest, so it signs even when the clock has not moved.
    const newest = (await this.store.signingKeys.activeKeys(poolId))[0];
    const kid = await this.addKey(poolId, Math.max(this.clock.now(), (newest?.createdAt ?? 0) + 1));
    this.lists.delete(poolId);
    return kid;
  }

  /** Retires a key: tokens it signed stop verifying. False when it is not a live key of the pool. */
  async retire(poolId: string, kid: string): Promise<boolean> {
    const done = await this.store.signingKeys.retireKey(poolId, kid, this.clock.now());
    this.lists.delete(poolId);
    this.privateKeys.delete(kid);
    this.publicKeys.delete(kid);
    return done;
  }

  private async keysOf(poolId: string, create: boolean): Promise<SigningKeyRecord[]> {
    const now = this.clock.now();
    const cached = this.lists.get(poolId);
    if (cached && cached.keys.length > 0 && now - cached.loadedAt < LIST_TTL_MS && now >= cached.loadedAt) return cached.keys;
    let keys = await this.store.signingKeys.activeKeys(poolId);
    if (keys.length === 0 && create) {
      // One key per pool even when several first requests arrive together in this process.
      let pending = this.creating.get(poolId);
      if (!pending) {
        pending = this.addKey(poolId).then(
          () => void this.creating.delete(poolId),
          (err: unknown) => {
            this.creating.delete(poolId);
            throw err;
          },
        );
        this.creating.set(poolId, pending);
      }
      await pending;
      keys = await this.store.signingKeys.activeKeys(poolId);
    }
    this.lists.set(poolId, { keys, loadedAt: now });
    return keys;
  }

  private async addKey(poolId: string, createdAt = this.clock.now()): Promise<string> {
    const generated = await generateSigningKey();
    const wrap = this.wrapKeys.current;
    await this.store.signingKeys.addKey({
      kid: generated.kid,
      poolId,
      alg: SIGNING_ALG,
      publicJwk: JSON.stringify(generated.publicJwk),
      privateKey: wrapPrivateKey(wrap.key, generated.kid, poolId, generated.privateKey),
      wrapKeyId: wrap.id,
      createdAt,
      retiredAt: null,
    });
    this.privateKeys.set(generated.kid, generated.privateKey);
    return generated.kid;
  }
}
