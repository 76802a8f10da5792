// What every `userpool` admin command shares: talking to a running server the way the AWS CLI
// does (an endpoint, a region, credentials from the SDK's default chain or a profile), the
// --json switch, and exit codes that scripts can rely on:
//   0 done; 1 the server answered with a Cognito error (printed as `ExceptionName: message`);
//   2 bad usage; 3 the command could not run (server unreachable, no credentials, a file that
//   cannot be read or written).
import type { Command } from 'commander';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';

export const EXIT_OK = 0;
export const EXIT_COGNITO = 1;
export const EXIT_USAGE = 2;
export const EXIT_UNAVAILABLE = 3;

export const DEFAULT_ENDPOINT = 'http://127.0.0.1:9230';

/** Wrong arguments found after parsing (commander reports the ones it can see itself). */
export class UsageError extends Error {}

/** The command could not run for a reason on this side (a file, the environment). */
export class UnavailableError extends Error {}

export interface RemoteOptions {
  endpointUrl?: string;
  region?: string;
  profile?: string;
  json?: boolean;
}

/** Adds the connection options and --json to an admin command. */
export function remoteCommand(cmd: Command): Command {
  return cmd
    .option('--endpoint-url <url>', `the server (USERPOOL_ENDPOINT, default ${DEFAULT_ENDPOINT})`)
    .option('--region <region>', 'region to sign requests for (AWS_REGION, default us-east-1)')
    .option('--profile <name>', 'AWS credentials profile (AWS_PROFILE; default the SDK chain: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ~/.aws)')
    .option('--json', 'machine-readable JSON on stdout instead of a table');
}

export function endpointOf(opts: RemoteOptions): string {
  return opts.endpointUrl ?? (process.env.USERPOOL_ENDPOINT || DEFAULT_ENDPOINT);
}

function isLoopback(endpoint: string): boolean {
  try {
    const host = new URL(endpoint).hostname;
    return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/**
 * Credentials a server without --access-keys accepts (it checks only that the signature is
 * well formed). Used only for a loopback endpoint when the SDK chain finds none, so that a
 * local development server works without any AWS setup.
 */
const LOCAL_CREDENTIALS = { accessKeyId: 'AKIAUSERPOOLLOCAL000', secretAccessKey: 'userpool-local-development-only' };

export async function remoteClient(opts: RemoteOptions): Promise<CognitoIdentityProviderClient> {
  // The SDK warns on every run under Node 20 about its own future support; on a command's
  // stderr that reads as a problem with the command. userpool supports Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = endpointOf(opts);
  try {
    new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint-url must be a URL such as ${DEFAULT_ENDPOINT}`);
  }
  const base = {
    endpoint,
    region: opts.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1'),
    // One attempt: an admin command says at once what the server answered, and an
    // unreachable server is reported without a round of back-off first.
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
  };
  const client = new CognitoIdentityProviderClient({ ...base, ...(opts.profile !== undefined && { profile: opts.profile }) });
  try {
    await client.config.credentials();
    return client;
  } catch (err) {
    client.destroy();
    if (opts.profile === undefined && !process.env.AWS_PROFILE && isLoopback(endpoint)) {
      return new CognitoIdentityProviderClient({ ...base, credentials: LOCAL_CREDENTIALS });
    }
    throw new UnavailableError(`no AWS credentials: ${(err as Error).message}`);
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ECONNABORTED']);

/** Prints an error the way its exit code promises and returns that code. */
export function reportError(command: string, err: unknown, endpoint?: string): number {
  const e = err as Error & { code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
  if (err instanceof UsageError) {
    process.stderr.write(`userpool ${command}: ${e.message}\n`);
    return EXIT_USAGE;
  }
  if (err instanceof UnavailableError) {
    process.stderr.write(`userpool ${command}: ${e.message}\n`);
    return EXIT_UNAVAILABLE;
  }
  if (e && (NETWORK_CODES.has(e.code ?? '') || e.name === 'TimeoutError' || e.name === 'RequestTimeout')) {
    process.stderr.write(`userpool ${command}: cannot reach ${endpoint ?? 'the server'}: ${e.code ?? e.name} ${e.message}\n`);
    return EXIT_UNAVAILABLE;
  }
  // The server answered with an error body: a Cognito exception, its name as the SDK read it.
  if (e && e.$metadata?.httpStatusCode !== undefined && e.$fault !== undefined) {
    process.stderr.write(`${e.name}: ${e.message}\n`);
    return EXIT_COGNITO;
  }
  process.stderr.write(`userpool ${command}: ${e?.message ?? String(err)}\n`);
  return EXIT_UNAVAILABLE;
}

/** Runs a remote command with a client, mapping failures to the documented exit codes. */
export async function runRemote(
  command: string,
  opts: RemoteOptions,
  fn: (client: CognitoIdentityProviderClient) => Promise<void>,
): Promise<void> {
  let client: CognitoIdentityProviderClient | undefined;
  try {
    client = await remoteClient(opts);
    await fn(client);
  } catch (err) {
    process.exitCode = reportError(command, err, endpointOf(opts));
  } finally {
    client?.destroy();
  }
}
