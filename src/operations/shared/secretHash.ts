// SecretHash = Base64(HMAC-SHA256(client secret, username + client id)). Cognito's clients
// hash the Username they send; for an alias, some hash the canonical username instead, so
// both are accepted.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { NotAuthorizedException } from '../exceptions.js';
import type { Client } from './pools.js';

export function computeSecretHash(secret: string, username: string, clientId: string): string {
  return createHmac('sha256', secret).update(username + clientId).digest('base64');
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Nothing to check for a client without a secret. Otherwise the hash must be present and
 * match one of the candidate usernames (the submitted one first).
 */
export function checkSecretHash(client: Client, secretHash: string | undefined, usernames: Array<string | undefined>): void {
  if (!client.secret) return;
  if (!secretHash) throw new NotAuthorizedException(`Client ${client.id} is configured with secret but SECRET_HASH was not received`);
  const ok = usernames.some((u) => u !== undefined && equal(computeSecretHash(client.secret!, u, client.id), secretHash));
  if (!ok) throw new NotAuthorizedException(`Unable to verify secret hash for client ${client.id}`);
}
