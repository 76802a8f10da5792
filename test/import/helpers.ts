// Shared by the import job suites: a pool that can take imports, CSV text, the upload over
// HTTP as a client of the pre-signed URL would do it, and waiting for a job to end.
import assert from 'node:assert/strict';
import {
  CreateUserImportJobCommand,
  DescribeUserImportJobCommand,
  StartUserImportJobCommand,
  type CognitoIdentityProviderClient,
  type UserImportJobType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';

export const ROLE_ARN = 'arn:aws:iam::123456789012:role/CognitoImport';

/** A CSV line from values, quoting the ones that need it (RFC 4180). */
export function csvLine(values: readonly string[]): string {
  return values.map((v) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}

/** A header and rows of users with a verified email, in the columns given. */
export function csv(columns: readonly string[], rows: ReadonlyArray<Record<string, string>>): string {
  return [csvLine(columns), ...rows.map((r) => csvLine(columns.map((c) => r[c] ?? '')))].join('\n') + '\n';
}

export const BASIC_COLUMNS = ['cognito:username', 'name', 'email', 'email_verified', 'phone_number', 'phone_number_verified', 'cognito:mfa_enabled'];

export function userRow(username: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'cognito:username': username, email: `${username}@example.com`, email_verified: 'true', 'cognito:mfa_enabled': 'false', ...extra };
}

export async function createJob(client: CognitoIdentityProviderClient, poolId: string, name = 'import'): Promise<UserImportJobType> {
  const out = await client.send(new CreateUserImportJobCommand({ UserPoolId: poolId, JobName: name, CloudWatchLogsRoleArn: ROLE_ARN }));
  return out.UserImportJob!;
}

/** PUTs the body to the pre-signed URL with fetch, as a script uploading to S3 would. */
export async function upload(url: string, body: string): Promise<Response> {
  return fetch(url, { method: 'PUT', body });
}

export async function describe(client: CognitoIdentityProviderClient, poolId: string, jobId: string): Promise<UserImportJobType> {
  return (await client.send(new DescribeUserImportJobCommand({ UserPoolId: poolId, JobId: jobId }))).UserImportJob!;
}

const FINAL = new Set(['Succeeded', 'Failed', 'Stopped', 'Expired']);

/** Polls DescribeUserImportJob until the job ends (or the time runs out). */
export async function waitForEnd(client: CognitoIdentityProviderClient, poolId: string, jobId: string, timeoutMs = 60_000): Promise<UserImportJobType> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const job = await describe(client, poolId, jobId);
    if (FINAL.has(job.Status!)) return job;
    assert.ok(Date.now() < until, `job ${jobId} still ${job.Status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Creates a job, uploads the CSV, starts it and waits for it to end. */
export async function runImport(server: TestServer, poolId: string, text: string): Promise<UserImportJobType> {
  const job = await createJob(server.client, poolId);
  const res = await upload(job.PreSignedUrl!, text);
  assert.equal(res.status, 200, await res.text());
  await server.client.send(new StartUserImportJobCommand({ UserPoolId: poolId, JobId: job.JobId! }));
  return waitForEnd(server.client, poolId, job.JobId!);
}

export interface LogEvent {
  row: number;
  level: string;
  username?: string;
  message: string;
}

/** The job's whole log, over its HTTP route. */
export async function jobLog(server: TestServer, jobId: string): Promise<LogEvent[]> {
  const events: LogEvent[] = [];
  let after = -1;
  for (;;) {
    const res = await fetch(`${server.url}/_import/${jobId}/log?after=${after}&limit=2`);
    assert.equal(res.status, 200);
    const page = (await res.json()) as { events: LogEvent[]; nextAfter?: number };
    events.push(...page.events);
    if (page.nextAfter === undefined) return events;
    after = page.nextAfter;
  }
}
