// The client half of Cognito's SRP for load generation, on the same OpenSSL-backed modular
// exponentiation the server uses (crypto/srp.ts), so the load generator costs the shared
// cores as little as SRP allows. The arithmetic is the one amazon-cognito-identity-js does
// (the tests prove the server against that library itself); this only makes it cheap.
import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { claimSignature, formatSrpTimestamp, g, k, modPowN, N, padHex, srpPoolName } from '../../src/crypto/srp.js';

const big = (b: Buffer): bigint => BigInt(`0x${b.toString('hex') || '0'}`);
const bytes = (n: bigint): Buffer => Buffer.from(padHex(n), 'hex');
const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** Step 1, independent of the server: the secret a and SRP_A = g^a mod N. */
export interface SrpStart {
  a: bigint;
  A: bigint;
  srpA: string;
}

export function srpStart(): SrpStart {
  // 256-bit secret: as strong as the 3072-bit group needs (the library draws 1024 bits).
  const a = big(randomBytes(32));
  const A = modPowN(g, a);
  return { a, A, srpA: A.toString(16) };
}

/** Step 2: PASSWORD_VERIFIER's ChallengeResponses for the server's challenge parameters. */
export function srpAnswer(poolId: string, start: SrpStart, params: Record<string, string>, password: string, now = Date.now()): Record<string, string> {
  const poolName = srpPoolName(poolId);
  const userId = params.USER_ID_FOR_SRP!;
  const B = BigInt(`0x${params.SRP_B!}`);
  const u = big(sha256(bytes(start.A), bytes(B)));
  const x = big(sha256(bytes(BigInt(`0x${params.SALT!}`)), sha256(Buffer.from(`${poolName}${userId}:${password}`, 'utf8'))));
  const base = (((B - k * modPowN(g, x)) % N) + N) % N;
  const S = modPowN(base, start.a + u * x);
  const key = Buffer.from(hkdfSync('sha256', bytes(S), bytes(u), Buffer.from('Caldera Derived Key', 'utf8'), 16));
  const timestamp = formatSrpTimestamp(now);
  return {
    USERNAME: userId,
    PASSWORD_CLAIM_SECRET_BLOCK: params.SECRET_BLOCK!,
    TIMESTAMP: timestamp,
    PASSWORD_CLAIM_SIGNATURE: claimSignature(key, poolName, userId, Buffer.from(params.SECRET_BLOCK!, 'base64'), timestamp).toString('base64'),
  };
}
