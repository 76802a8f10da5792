// Password hashing: argon2id in PHC strings. @node-rs/argon2 runs the hash on libuv's thread
// pool, so a hash never blocks the event loop. Parameters meet OWASP's argon2id floor
// (m=19456 KiB, t=2, p=1); stored hashes carry their own parameters, so raising these later
// only affects new hashes (and needsRehash tells when to upgrade one).
import { Algorithm, hash, verify } from '@node-rs/argon2';

export interface PasswordHasherOptions {
  memoryCostKiB: number;
  timeCost: number;
  parallelism: number;
}

export const DEFAULT_ARGON2: PasswordHasherOptions = { memoryCostKiB: 19456, timeCost: 2, parallelism: 1 };

export class PasswordHasher {
  /** Counts every KDF run, so tests and benchmarks can prove when none happened. */
  kdfCalls = 0;
  private dummyHash: Promise<string> | undefined;

  constructor(private readonly options: PasswordHasherOptions = DEFAULT_ARGON2) {}

  async hashPassword(password: string): Promise<string> {
    this.kdfCalls++;
    return hash(password, {
      algorithm: Algorithm.Argon2id,
      memoryCost: this.options.memoryCostKiB,
      timeCost: this.options.timeCost,
      parallelism: this.options.parallelism,
    });
  }

  /** False for a wrong password and for a hash that does not parse (never throws on bad input). */
  async verifyPassword(phc: string, password: string): Promise<boolean> {
    this.kdfCalls++;
    try {
      return await verify(phc, password);
    } catch {
      return false;
    }
  }

  /**
   * Spends the same work as a real verification, for paths that must not be faster when the
   * user does not exist (so response time does not tell whether a username is taken).
   */
  async verifyAgainstDummy(password: string): Promise<false> {
    this.dummyHash ??= hash('userpool-dummy-password', {
      algorithm: Algorithm.Argon2id,
      memoryCost: this.options.memoryCostKiB,
      timeCost: this.options.timeCost,
      parallelism: this.options.parallelism,
    });
    await this.verifyPassword(await this.dummyHash, password);
    return false;
  }

  /** True when a stored hash was made with weaker parameters than the current ones. */
  needsRehash(phc: string): boolean {
    const m = /^\$argon2id\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(phc);
    if (!m) return true;
    return Number(m[1]) < this.options.memoryCostKiB || Number(m[2]) < this.options.timeCost;
  }
}
