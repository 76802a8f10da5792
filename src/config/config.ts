import { DEFAULT_RESET_SETTINGS, loadResetSettings, parseIpBlocklist, type ResetSettings } from './reset.js';
import { parseTriggerConfig, type TriggerRoutes } from '../triggers/config.js';
import { defaultDeliverySettings, DELIVERY_OPTIONS, loadDeliverySettings, type DeliverySettings } from './delivery.js';
import { parseUiBranding, type UiBranding } from '../ui/branding.js';

// Typed server configuration. Every option has a default with a doc comment, can be set by a
// command-line flag or an environment variable (flag wins), and is validated before anything
// starts, so a bad value stops the start with a message naming the option.

export interface ServerConfig {
  /** Address to listen on. Default 127.0.0.1: a development server is not exposed by accident. */
  host: string;
  /** TCP port. 0 picks a free port (tests use it). Default 9230. */
  port: number;
  /** Folder for the embedded SQLite database and the server's secret keys. Default ./data. */
  dataDir: string;
  /** A postgres:// URL selects PostgreSQL instead of the embedded SQLite store. */
  databaseUrl: string | undefined;
  /**
   * Most PostgreSQL connections one process opens. Default 10. N processes open up to N times
   * this, which must stay under the server's max_connections (100 by default).
   */
  databasePoolSize: number;
  /**
   * PostgreSQL statement_timeout in ms; 0 turns it off. Default 5000: a stuck query fails its
   * request with InternalErrorException instead of holding it and a connection forever.
   * Migrations run without it.
   */
  databaseStatementTimeoutMs: number;
  /** Region used in generated pool ids (`<region>_<id>`) and ARNs. Default us-east-1. */
  region: string;
  /** Public base URL (token issuer, links in messages). Default http://HOST:PORT. */
  publicUrl: string | undefined;
  /**
   * The `iss` of issued tokens. `url` (default): `<public URL>/<poolId>`, where the JWKS is
   * served. `cognito`: Cognito's own `https://cognito-idp.<region>.amazonaws.com/<poolId>`, so
   * a backend that verifies with aws-jwt-verify's CognitoJwtVerifier accepts the tokens
   * unchanged once given this server's JWKS.
   */
  tokenIssuer: 'url' | 'cognito';
  /**
   * Development mode: exposes the message inspection endpoints (/_aws/ses, /_aws/sns) and
   * prints one line per sent message with the destination masked. Never on by default.
   */
  dev: boolean;
  /** JSON file declaring pools, clients and users to create at start if they do not exist. */
  seedFile: string | undefined;
  /**
   * SigV4 credentials for admin operations, as `ACCESS_KEY_ID:SECRET` pairs separated by
   * commas. Empty means local-development mode: any well-formed SigV4 header is accepted.
   */
  accessKeys: ReadonlyMap<string, string>;
  /**
   * Allow listening on a non-loopback address without access keys. Off by default: without
   * keys anyone who can reach the port can administer every pool.
   */
  allowUnauthenticatedAdmin: boolean;
  /** Largest accepted request body in bytes. Default 64 KiB: no Cognito request comes near it. */
  maxBodyBytes: number;
  /** Log level for the pino logger (fatal, error, warn, info, debug, trace, silent). */
  logLevel: string;
  /** The password-reset journey's limits and hardening choices (config/reset.ts). */
  reset: ResetSettings;
  /** Pool id ("*" for all) -> blocked CIDR ranges, answered with ForbiddenException. */
  ipBlocklist: ReadonlyMap<string, string[]>;
  /**
   * Which invoker runs each trigger function: function ARN (or pattern with `*`) -> a Lambda
   * endpoint, a local module or a webhook (triggers/config.ts). Inline JSON or a JSON file.
   * ARNs nothing matches go to the AWS Lambda Invoke API.
   */
  triggerRoutes: TriggerRoutes;
  /**
   * Endpoint of the Lambda Invoke API for functions --trigger-config does not map (SAM local's
   * `sam local start-lambda`, an emulator). Default: AWS's, in the ARN's region, with the
   * AWS SDK's default credential chain.
   */
  lambdaEndpoint: string | undefined;
  /** Email (SMTP) and SMS delivery, and the outbox worker's retries (config/delivery.ts). */
  delivery: DeliverySettings;
  /**
   * The hosted pages' look per pool: pool id ("*" for every pool) -> accent colour, logo file
   * and display name (ui/branding.ts). Inline JSON or a JSON file. Default: a neutral look.
   */
  uiBranding: UiBranding;
}

export class ConfigError extends Error {}

/** One option: its flag name, env var, and how to parse it. */
interface OptionSpec<K extends keyof ServerConfig> {
  key: K;
  flag: string;
  env: string;
  parse: (raw: string, flag: string) => ServerConfig[K];
}

const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function parsePort(raw: string, flag: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(`${flag} must be a whole number from 0 to 65535, got '${raw}'`);
  }
  return Number(raw);
}

function parseBool(raw: string, flag: string): boolean {
  if (['1', 'true', 'yes', 'on', ''].includes(raw.toLowerCase())) return true;
  if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return false;
  throw new ConfigError(`${flag} must be true or false, got '${raw}'`);
}

function parseRegion(raw: string, flag: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(raw)) {
    throw new ConfigError(`${flag} must look like an AWS region (us-east-1), got '${raw}'`);
  }
  return raw;
}

function parseUrl(raw: string, flag: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error();
    return raw.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`${flag} must be an http(s) URL, got '${raw}'`);
  }
}

function parseTokenIssuer(raw: string, flag: string): 'url' | 'cognito' {
  if (raw !== 'url' && raw !== 'cognito') throw new ConfigError(`${flag} must be url or cognito, got '${raw}'`);
  return raw;
}

function parseDatabaseUrl(raw: string, flag: string): string {
  if (!/^postgres(ql)?:\/\//.test(raw)) {
    throw new ConfigError(`${flag} must be a postgres:// URL (leave it unset for the embedded SQLite store)`);
  }
  return raw;
}

function parseWholeNumber(min: number, max: number): (raw: string, flag: string) => number {
  return (raw, flag) => {
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      throw new ConfigError(`${flag} must be a whole number from ${min} to ${max}, got '${raw}'`);
    }
    return Number(raw);
  };
}

function parseAccessKeys(raw: string, flag: string): ReadonlyMap<string, string> {
  const keys = new Map<string, string>();
  for (const pair of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const i = pair.indexOf(':');
    const id = pair.slice(0, i);
    const secret = pair.slice(i + 1);
    if (i <= 0 || !/^[A-Z0-9]{16,128}$/.test(id) || secret.length < 16) {
      // The value is not echoed: it holds secrets.
      throw new ConfigError(`${flag} must be ACCESS_KEY_ID:SECRET pairs (key id 16+ upper-case letters or digits, secret 16+ characters)`);
    }
    keys.set(id, secret);
  }
  return keys;
}

function parseBodyLimit(raw: string, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1024 || n > 16 * 1024 * 1024) {
    throw new ConfigError(`${flag} must be a byte count from 1024 to 16777216, got '${raw}'`);
  }
  return n;
}

const OPTIONS: OptionSpec<keyof ServerConfig>[] = [
  { key: 'host', flag: '--host', env: 'USERPOOL_HOST', parse: (r) => r },
  { key: 'port', flag: '--port', env: 'USERPOOL_PORT', parse: parsePort },
  { key: 'dataDir', flag: '--data-dir', env: 'USERPOOL_DATA_DIR', parse: (r) => r },
  { key: 'databaseUrl', flag: '--database-url', env: 'USERPOOL_DATABASE_URL', parse: parseDatabaseUrl },
  { key: 'databasePoolSize', flag: '--database-pool-size', env: 'USERPOOL_DATABASE_POOL_SIZE', parse: parseWholeNumber(1, 1000) },
  {
    key: 'databaseStatementTimeoutMs', flag: '--database-statement-timeout-ms', env: 'USERPOOL_DATABASE_STATEMENT_TIMEOUT_MS',
    parse: parseWholeNumber(0, 3_600_000),
  },
  { key: 'region', flag: '--region', env: 'USERPOOL_REGION', parse: parseRegion },
  { key: 'publicUrl', flag: '--public-url', env: 'USERPOOL_PUBLIC_URL', parse: parseUrl },
  { key: 'tokenIssuer', flag: '--token-issuer', env: 'USERPOOL_TOKEN_ISSUER', parse: parseTokenIssuer },
  { key: 'dev', flag: '--dev', env: 'USERPOOL_DEV', parse: parseBool },
  { key: 'seedFile', flag: '--seed', env: 'USERPOOL_SEED', parse: (r) => r },
  { key: 'accessKeys', flag: '--access-keys', env: 'USERPOOL_ACCESS_KEYS', parse: parseAccessKeys },
  { key: 'allowUnauthenticatedAdmin', flag: '--allow-unauthenticated-admin', env: 'USERPOOL_ALLOW_UNAUTHENTICATED_ADMIN', parse: parseBool },
  { key: 'maxBodyBytes', flag: '--max-body-bytes', env: 'USERPOOL_MAX_BODY_BYTES', parse: parseBodyLimit },
  { key: 'ipBlocklist', flag: '--ip-blocklist', env: 'USERPOOL_IP_BLOCKLIST', parse: (r, flag) => parseIpBlocklist(r, flag, (m) => new ConfigError(m)) },
  { key: 'triggerRoutes', flag: '--trigger-config', env: 'USERPOOL_TRIGGER_CONFIG', parse: (r, flag) => parseTriggerConfig(r, flag, (m) => new ConfigError(m)) },
  { key: 'lambdaEndpoint', flag: '--lambda-endpoint', env: 'USERPOOL_LAMBDA_ENDPOINT', parse: parseUrl },
  { key: 'uiBranding', flag: '--ui-branding', env: 'USERPOOL_UI_BRANDING', parse: (r, flag) => parseUiBranding(r, flag, (m) => new ConfigError(m)) },
  {
    key: 'logLevel', flag: '--log-level', env: 'USERPOOL_LOG_LEVEL',
    parse: (r, flag) => {
      if (!LOG_LEVELS.has(r)) throw new ConfigError(`${flag} must be one of ${[...LOG_LEVELS].join(', ')}, got '${r}'`);
      return r;
    },
  },
];

export const CONFIG_OPTIONS: ReadonlyArray<{ flag: string; env: string }> = [...OPTIONS, ...DELIVERY_OPTIONS].map(({ flag, env }) => ({ flag, env }));

export function defaultConfig(): ServerConfig {
  return {
    host: '127.0.0.1',
    port: 9230,
    dataDir: './data',
    databaseUrl: undefined,
    databasePoolSize: 10,
    databaseStatementTimeoutMs: 5000,
    region: 'us-east-1',
    publicUrl: undefined,
    tokenIssuer: 'url',
    dev: false,
    seedFile: undefined,
    accessKeys: new Map(),
    allowUnauthenticatedAdmin: false,
    maxBodyBytes: 64 * 1024,
    logLevel: 'info',
    reset: { ...DEFAULT_RESET_SETTINGS },
    ipBlocklist: new Map(),
    triggerRoutes: [],
    lambdaEndpoint: undefined,
    delivery: defaultDeliverySettings(),
    uiBranding: new Map(),
  };
}

/**
 * Builds the configuration from flags (already split by the CLI into flag -> raw string)
 * and the environment. Throws ConfigError naming the offending flag or variable.
 */
export function loadConfig(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv): ServerConfig {
  const config = defaultConfig() as unknown as Record<string, unknown>;
  for (const opt of OPTIONS) {
    const fromFlag = flags[opt.flag];
    const fromEnv = env[opt.env];
    if (fromFlag !== undefined) config[opt.key] = opt.parse(fromFlag, opt.flag);
    else if (fromEnv !== undefined && fromEnv !== '') config[opt.key] = opt.parse(fromEnv, opt.env);
  }
  const result = config as unknown as ServerConfig;
  result.reset = loadResetSettings(env, (m) => new ConfigError(m));
  result.delivery = loadDeliverySettings(flags, env, (m) => new ConfigError(m));
  if (!result.host) throw new ConfigError('--host must not be empty');
  if (!result.dataDir) throw new ConfigError('--data-dir must not be empty');
  if (result.accessKeys.size === 0 && !isLoopback(result.host) && !result.allowUnauthenticatedAdmin) {
    throw new ConfigError(
      `--host ${result.host} is not a loopback address and no --access-keys are set: admin operations would be open to anyone who reaches the port. Set --access-keys, or pass --allow-unauthenticated-admin if that is really what you want.`,
    );
  }
  return result;
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}
