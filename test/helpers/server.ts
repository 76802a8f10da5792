// Test harness: the real server on port 0 with a fresh SQLite data directory, and the real
// AWS SDK client pointed at it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { defaultConfig, type ServerConfig } from '../../src/config/config.js';
import { startApp, type App, type AppOptions } from '../../src/app.js';

export const TEST_CREDENTIALS = { accessKeyId: 'AKIATESTTESTTEST0001', secretAccessKey: 'test-secret-key-0000000000000000' };

export interface TestServer {
  app: App;
  url: string;
  dataDir: string;
  client: CognitoIdentityProviderClient;
  /** Stops the server; the data directory stays until cleanup() (restart tests reuse it). */
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'userpool-test-'));
}

export function sdkClient(url: string, credentials = TEST_CREDENTIALS): CognitoIdentityProviderClient {
  // maxAttempts 1: the SDK retries throttling errors by itself, which would hide what the
  // server answered to each request.
  return new CognitoIdentityProviderClient({ endpoint: url, region: 'us-east-1', credentials, maxAttempts: 1 });
}

export async function startTestServer(
  overrides: Partial<ServerConfig> = {},
  options: AppOptions = {},
): Promise<TestServer> {
  const dataDir = overrides.dataDir ?? tempDataDir();
  const config: ServerConfig = { ...defaultConfig(), port: 0, logLevel: 'silent', ...overrides, dataDir };
  const app = await startApp(config, options);
  const client = sdkClient(app.url);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    client.destroy();
    await app.close();
  };
  return {
    app,
    url: app.url,
    dataDir,
    client,
    stop,
    async cleanup() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** POSTs a raw AWS JSON request (for protocol tests that the SDK would never send). */
export async function rawCall(
  url: string,
  target: string | undefined,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; json: unknown; text: string }> {
  const h: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1', ...headers };
  if (target !== undefined) h['x-amz-target'] = target;
  const res = await fetch(url, { method: 'POST', headers: h, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}
