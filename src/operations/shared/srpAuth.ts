// USER_SRP_AUTH: the two steps of Cognito's SRP sign-in, for InitiateAuth / AdminInitiateAuth
// (beginSrpAuth -> the PASSWORD_VERIFIER challenge) and RespondToAuthChallenge
// (verifySrpResponse). The arithmetic is in crypto/srp.ts; this file holds the state between
// the two steps and what an unknown user looks like.
//
// No table: the server's state travels inside SECRET_BLOCK, sealed with AES-256-GCM under a
// key derived from the code MAC key (kept outside the database), so any node can finish an
// exchange another node began. The block carries the session key already derived at the first
// step (so the second step needs no exponentiation), the user's sub and SRP user id, the time
// of issue and a fingerprint of the verifier it was made with; the pool and client ids are
// bound in as associated data.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import type { Client, Pool } from './pools.js';
import { InvalidParameterException } from '../exceptions.js';
import { identitySettings } from './users.js';
import { looksLikeSub, usernameKey } from '../../domain/usernames.js';
import {
  claimSignature,
  computeServerKey,
  decodeVerifier,
  parseClientPublic,
  randomVerifier,
  readSrpTimestamp,
  serverEphemeral,
  signaturesEqual,
  srpPoolName,
} from '../../crypto/srp.js';

/** How long a PASSWORD_VERIFIER challenge can be answered (Cognito's session lifetime). */
export const SRP_CHALLENGE_TTL_MS = 5 * 60_000;
/**
 * How far the client's TIMESTAMP may be from the server's clock. Cognito refuses clients whose
 * clock is off by more than a few minutes; we chose the challenge lifetime.
 */
export const SRP_TIMESTAMP_SKEW_MS = 5 * 60_000;
/** Remembers answered blocks (so a captured answer cannot be replayed) longer than they live. */
const USED_BLOCKS = { windowMs: 2 * SRP_CHALLENGE_TTL_MS, bucketMs: 60_000 };

const BLOCK_VERSION = 1;
const SEAL_LABEL = 'userpool srp secret block v1';
const DECOY_LABEL = 'userpool srp decoy v1';

interface BlockState {
  /** Random id, the key under which a successful answer is remembered. */
  id: string;
  /** The user's sub (random for a decoy). */
  s: string;
  /** USER_ID_FOR_SRP as sent. */
  n: string;
  /** Issued at, epoch ms. */
  t: number;
  /** Fingerprint of the stored verifier the challenge was made with (random for a decoy). */
  f: string;
  /** The 16-byte session key, base64. */
  k: string;
}

export interface SrpChallenge {
  challengeParameters: Record<string, string>;
}

/**
 * The first step. Returns PASSWORD_VERIFIER's ChallengeParameters: SALT, SRP_B, SECRET_BLOCK,
 * USER_ID_FOR_SRP and USERNAME (both the user's username, as Cognito sends them).
 *
 * `user` undefined (unknown login the caller chose not to reveal) or a user without a
 * verifier: the answer is a decoy made with the same work, a salt stable per login and a
 * random verifier, so it looks real; its claim can never verify.
 * Throws InvalidParameterException when SRP_A is missing or not a valid public value.
 */
export async function beginSrpAuth(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  user: UserRecord | undefined,
  login: string,
  srpA: string,
): Promise<SrpChallenge> {
  if (!srpA) throw new InvalidParameterException('Missing required parameter SRP_A');
  const A = parseClientPublic(srpA);
  // Cognito differs: the message is ours (Cognito's for a bad SRP_A is not documented).
  if (A === undefined) throw new InvalidParameterException('SRP_A is not a valid value.');

  const stored = user?.srpVerifier ? decodeVerifier(user.srpVerifier) : undefined;
  const real = user && stored ? { user, stored, srpVerifier: user.srpVerifier! } : undefined;
  const userId = user ? user.username : decoyUserId(ctx, pool, login);
  const salt = real ? real.stored.salt : decoySalt(ctx, pool, userId);
  const v = real ? real.stored.v : randomVerifier();

  const { b, B } = serverEphemeral(v);
  // u = 0 only for an A crafted to force it; a random key then fails the claim like any other.
  const key = computeServerKey(A, B, b, v) ?? randomBytes(16);
  const state: BlockState = {
    id: randomBytes(16).toString('base64url'),
    s: user?.sub ?? randomUUID(),
    n: userId,
    t: ctx.clock.now(),
    f: real ? fingerprint(real.srpVerifier) : randomBytes(16).toString('base64url'),
    k: key.toString('base64'),
  };
  return {
    challengeParameters: {
      SALT: salt,
      SRP_B: B.toString(16),
      SECRET_BLOCK: seal(ctx, pool, client, state),
      USER_ID_FOR_SRP: userId,
      USERNAME: userId,
    },
  };
}

/**
 * The second step: true only when the PASSWORD_VERIFIER answer proves the password of `user`
 * for a block this server issued for this pool, client and user, less than 5 minutes ago,
 * with the user's current verifier, and not answered before. False for anything else (the
 * caller answers NotAuthorizedException `Incorrect username or password.`).
 * Throws InvalidParameterException when a required response is missing or TIMESTAMP is not a
 * date in Cognito's format, as Cognito does.
 */
export async function verifySrpResponse(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  user: UserRecord | undefined,
  responses: Record<string, string>,
): Promise<boolean> {
  for (const name of ['PASSWORD_CLAIM_SECRET_BLOCK', 'PASSWORD_CLAIM_SIGNATURE', 'TIMESTAMP']) {
    if (!responses[name]) throw new InvalidParameterException(`Missing required parameter ${name}`);
  }
  const timestamp = readSrpTimestamp(responses.TIMESTAMP!);
  if (!timestamp) throw new InvalidParameterException('TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.');

  const blockBytes = Buffer.from(responses.PASSWORD_CLAIM_SECRET_BLOCK!, 'base64');
  const state = unseal(ctx, pool, client, blockBytes);
  if (!state || !user) return false;
  const now = ctx.clock.now();
  const fresh = now - state.t <= SRP_CHALLENGE_TTL_MS && state.t - now <= SRP_CHALLENGE_TTL_MS;
  const onTime = Math.abs(timestamp.epochMs - now) <= SRP_TIMESTAMP_SKEW_MS;
  const sameUser = state.s === user.sub && state.n === user.username;
  // A password changed since the challenge was issued voids it.
  const sameVerifier = user.srpVerifier !== null && fingerprint(user.srpVerifier) === state.f;
  const expected = claimSignature(Buffer.from(state.k, 'base64'), srpPoolName(pool.id), user.username, blockBytes, timestamp.canonical);
  const signed = signaturesEqual(expected, Buffer.from(responses.PASSWORD_CLAIM_SIGNATURE!, 'base64'));
  if (!(fresh && onTime && sameUser && sameVerifier && signed)) return false;
  // Single use, across nodes: the first valid answer counts 1, any replay of it counts more.
  return (await ctx.store.limits.hit(`srp-answered:${state.id}`, USED_BLOCKS, now)) === 1;
}

// ---- the sealed block: version | key id length | key id | iv | ciphertext | tag, base64 ----

const derived = new Map<string, Buffer>();

/** A key for one purpose derived from a code MAC key (HKDF with a label per purpose). */
function subKey(keyId: string, key: Buffer, label: string): Buffer {
  const cacheKey = `${label}\0${keyId}`;
  let k = derived.get(cacheKey);
  if (!k) {
    k = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), Buffer.from(label, 'utf8'), 32));
    derived.set(cacheKey, k);
  }
  return k;
}

function associatedData(header: Buffer, pool: Pool, client: Client): Buffer {
  return Buffer.concat([header, lengthPrefixed(pool.id), lengthPrefixed(client.id)]);
}

function lengthPrefixed(s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length);
  return Buffer.concat([len, b]);
}

function seal(ctx: OperationContext, pool: Pool, client: Client, state: BlockState): string {
  const { id, key } = ctx.codeKeys.current;
  const keyId = Buffer.from(id, 'utf8');
  const header = Buffer.concat([Buffer.from([BLOCK_VERSION, keyId.length]), keyId]);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', subKey(id, key, SEAL_LABEL), iv);
  cipher.setAAD(associatedData(header, pool, client));
  const body = Buffer.concat([cipher.update(JSON.stringify(state), 'utf8'), cipher.final()]);
  return Buffer.concat([header, iv, body, cipher.getAuthTag()]).toString('base64');
}

function unseal(ctx: OperationContext, pool: Pool, client: Client, block: Buffer): BlockState | undefined {
  if (block.length < 2 || block[0] !== BLOCK_VERSION) return undefined;
  const headerLength = 2 + block[1]!;
  if (block.length < headerLength + 12 + 16 + 1) return undefined;
  const keyId = block.subarray(2, headerLength).toString('utf8');
  const key = ctx.codeKeys.find(keyId);
  if (!key) return undefined;
  const iv = block.subarray(headerLength, headerLength + 12);
  const tag = block.subarray(block.length - 16);
  try {
    const decipher = createDecipheriv('aes-256-gcm', subKey(keyId, key, SEAL_LABEL), iv);
    decipher.setAAD(associatedData(block.subarray(0, headerLength), pool, client));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(block.subarray(headerLength + 12, block.length - 16)), decipher.final()]);
    const state = JSON.parse(plain.toString('utf8')) as BlockState;
    const ok = [state.id, state.s, state.n, state.f, state.k].every((x) => typeof x === 'string') && Number.isFinite(state.t);
    return ok ? state : undefined;
  } catch {
    // A block altered, cut or sealed for another pool or client fails authentication.
    return undefined;
  }
}

function fingerprint(srpVerifier: string): string {
  return createHash('sha256').update(srpVerifier, 'utf8').digest().subarray(0, 16).toString('base64url');
}

// ---- decoys for users who cannot be answered for real ----

function decoyMac(ctx: OperationContext, fields: string[]): Buffer {
  const { id, key } = ctx.codeKeys.current;
  const h = createHmac('sha256', subKey(id, key, DECOY_LABEL));
  for (const f of fields) h.update(lengthPrefixed(f));
  return h.digest();
}

/** The same salt every time for the same pool and login, as a real user's salt is. */
function decoySalt(ctx: OperationContext, pool: Pool, userId: string): string {
  const settings = identitySettings(pool);
  return decoyMac(ctx, ['salt', pool.id, usernameKey(userId, settings.caseSensitive)]).subarray(0, 16).toString('hex');
}

/**
 * USER_ID_FOR_SRP for a login that matches no user. In pools whose usernames are generated
 * UUIDs (UsernameAttributes), echoing an email would give the absence away, so a stable
 * UUID-shaped id is derived from the login; elsewhere the login is what a real user's username
 * would look like. (In alias pools an alias that matches nobody still comes back as itself:
 * the real username behind an alias cannot be imitated.)
 */
function decoyUserId(ctx: OperationContext, pool: Pool, login: string): string {
  const settings = identitySettings(pool);
  if (settings.usernameAttributes.length === 0) return login;
  if (looksLikeSub(login)) return login.toLowerCase();
  const h = decoyMac(ctx, ['user-id', pool.id, usernameKey(login, settings.caseSensitive)]).subarray(0, 16);
  h[6] = (h[6]! & 0x0f) | 0x40; // version 4
  h[8] = (h[8]! & 0x3f) | 0x80; // RFC 4122 variant
  const hex = h.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
