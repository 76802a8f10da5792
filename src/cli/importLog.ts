// Reads an import job's log (GET /_import/<JobId>/log, the server's stand-in for the job's
// CloudWatch log stream). With --access-keys the server wants that GET signed like an admin
// call (SigV4, service cognito-idp): it is signed here with the credentials the SDK client
// resolved, using the canonical forms of the server's own verifier.
import { createHash, createHmac } from 'node:crypto';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { canonicalQuery, canonicalUri, deriveSigningKey } from '../protocol/sigv4.js';

export interface ImportLogEvent {
  row: number;
  level: string;
  username?: string;
  message: string;
}

const EMPTY_SHA256 = createHash('sha256').update('').digest('hex');

export async function fetchImportLog(client: CognitoIdentityProviderClient, endpoint: string, jobId: string, limit: number): Promise<ImportLogEvent[]> {
  const url = new URL(`/_import/${encodeURIComponent(jobId)}/log`, endpoint);
  url.searchParams.set('limit', String(limit));
  const credentials = await client.config.credentials();
  const region = await client.config.region();
  const amzDate = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { host: url.host, 'x-amz-date': amzDate };
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  const names = Object.keys(headers).sort();
  const canonical = [
    'GET',
    canonicalUri(url.pathname),
    canonicalQuery([...url.searchParams.entries()]),
    names.map((n) => `${n}:${headers[n]}\n`).join(''),
    names.join(';'),
    EMPTY_SHA256,
  ].join('\n');
  const scope = `${date}/${region}/cognito-idp/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  const signature = createHmac('sha256', deriveSigningKey(credentials.secretAccessKey, date, region, 'cognito-idp')).update(toSign).digest('hex');
  const authorization = `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
  const { host: _host, ...sent } = headers;
  const res = await fetch(url, { headers: { ...sent, authorization } });
  if (!res.ok) throw new Error(`the job's log answered ${res.status}`);
  return ((await res.json()) as { events: ImportLogEvent[] }).events;
}
