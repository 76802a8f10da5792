// Which invoker runs a pool's trigger function: the --trigger-config mapping of function ARN
// (or ARN pattern) to a target, parsed and checked when the server starts so a typo stops
// the start instead of failing a user's request later.
//
//   {
//     "arn:aws:lambda:us-east-1:000000000000:function:custom-message": { "type": "module", "path": "./triggers/customMessage.mjs" },
//     "arn:aws:lambda:*:*:function:legacy-*": { "type": "webhook", "url": "http://127.0.0.1:8080/cognito", "headers": { "authorization": "Bearer ..." } },
//     "*": { "type": "lambda", "endpoint": "http://127.0.0.1:3001" }
//   }
//
// An exact ARN wins over patterns; patterns (`*` matches any run of characters) are tried in
// the order written. ARNs nothing matches go to the AWS Lambda Invoke API (--lambda-endpoint).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, isAbsolute, resolve } from 'node:path';

export interface LambdaTarget {
  type: 'lambda';
  /** A Lambda-compatible endpoint (SAM local, an emulator); default AWS's, per region. */
  endpoint?: string;
  /** Default: the region in the ARN. */
  region?: string;
  /** The FunctionName sent (SAM local wants the logical id); default the ARN itself. */
  functionName?: string;
  /** Default: the AWS SDK's default credential chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export interface ModuleTarget {
  type: 'module';
  /** Absolute path of a .js/.mjs/.cjs (or, with tsx installed, .ts/.mts/.cts) file. */
  path: string;
  /** The exported handler (default `handler`). */
  export: string;
  /** Extra environment variables for the handler. */
  env: Record<string, string>;
}

export interface WebhookTarget {
  type: 'webhook';
  url: string;
  /** Sent with every request (for example an authorization header). */
  headers: Record<string, string>;
}

export type TriggerTarget = LambdaTarget | ModuleTarget | WebhookTarget;

export interface TriggerRoute {
  /** An ARN, or a pattern with `*`. */
  pattern: string;
  target: TriggerTarget;
}

export type TriggerRoutes = readonly TriggerRoute[];

const TS_EXTENSIONS = new Set(['.ts', '.mts', '.cts']);
const JS_EXTENSIONS = new Set(['.js', '.mjs', '.cjs']);

/** The route for `arn`: an exact match first, then the first pattern that matches. */
export function routeFor(routes: TriggerRoutes, arn: string): TriggerRoute | undefined {
  return routes.find((r) => r.pattern === arn) ?? routes.find((r) => r.pattern.includes('*') && patternRegExp(r.pattern).test(arn));
}

function patternRegExp(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

/** Where tsx's loader API is, when it is installed (TypeScript module handlers need it). */
export function tsxApiUrl(): string | undefined {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return undefined;
  }
}

/**
 * Parses the option's value: inline JSON (starting with `{`) or the path of a JSON file.
 * Relative module paths are resolved against the file's folder (the working directory for
 * inline JSON). `fail` builds the error naming the option; secret values are never echoed.
 */
export function parseTriggerConfig(raw: string, flag: string, fail: (message: string) => Error, cwd = process.cwd()): TriggerRoutes {
  let text = raw;
  let baseDir = cwd;
  if (!/^\s*[[{]/.test(raw)) {
    const file = resolve(cwd, raw);
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw fail(`${flag}: cannot read ${raw}`);
    }
    baseDir = dirname(file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail(`${flag} must be a JSON object of function ARN (or pattern) -> target`);
  }
  if (!isObject(json)) throw fail(`${flag} must be a JSON object of function ARN (or pattern) -> target`);
  return Object.entries(json).map(([pattern, value]) => {
    if (pattern === '') throw fail(`${flag}: an ARN must not be empty`);
    return { pattern, target: parseTarget(value, `${flag}: ${pattern}`, baseDir, fail) };
  });
}

function parseTarget(value: unknown, where: string, baseDir: string, fail: (message: string) => Error): TriggerTarget {
  if (!isObject(value)) throw fail(`${where} must be an object with a "type" (lambda, module or webhook)`);
  const allow = (keys: string[]): void => {
    for (const key of Object.keys(value)) if (!keys.includes(key)) throw fail(`${where}: unknown key "${key}" for type ${String(value.type)}`);
  };
  switch (value.type) {
    case 'lambda': {
      allow(['type', 'endpoint', 'region', 'functionName', 'credentials']);
      const target: LambdaTarget = { type: 'lambda' };
      if (value.endpoint !== undefined) target.endpoint = httpUrl(value.endpoint, `${where}: endpoint`, fail);
      if (value.region !== undefined) {
        if (typeof value.region !== 'string' || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(value.region)) throw fail(`${where}: region must look like an AWS region (us-east-1)`);
        target.region = value.region;
      }
      if (value.functionName !== undefined) {
        if (typeof value.functionName !== 'string' || value.functionName === '') throw fail(`${where}: functionName must be a non-empty string`);
        target.functionName = value.functionName;
      }
      if (value.credentials !== undefined) {
        const c = value.credentials;
        const ok = isObject(c) && typeof c.accessKeyId === 'string' && c.accessKeyId !== '' && typeof c.secretAccessKey === 'string' && c.secretAccessKey !== '';
        if (!ok || (c.sessionToken !== undefined && typeof c.sessionToken !== 'string')) {
          throw fail(`${where}: credentials must be {"accessKeyId", "secretAccessKey", optional "sessionToken"} strings`);
        }
        target.credentials = { accessKeyId: c.accessKeyId as string, secretAccessKey: c.secretAccessKey as string, ...(typeof c.sessionToken === 'string' && { sessionToken: c.sessionToken }) };
      }
      return target;
    }
    case 'module': {
      allow(['type', 'path', 'export', 'env']);
      if (typeof value.path !== 'string' || value.path === '') throw fail(`${where}: path must name the handler's file`);
      const path = isAbsolute(value.path) ? value.path : resolve(baseDir, value.path);
      if (!existsSync(path) || !statSync(path).isFile()) throw fail(`${where}: no file at ${value.path}`);
      const ext = extname(path);
      if (!JS_EXTENSIONS.has(ext) && !TS_EXTENSIONS.has(ext)) throw fail(`${where}: path must be a .js, .mjs, .cjs, .ts, .mts or .cts file`);
      if (TS_EXTENSIONS.has(ext) && !tsxApiUrl()) throw fail(`${where}: TypeScript handlers need the tsx package installed; or point path at compiled JavaScript`);
      const exportName = value.export ?? 'handler';
      if (typeof exportName !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(exportName)) throw fail(`${where}: export must be the name of an exported function`);
      const env = value.env ?? {};
      if (!isObject(env) || Object.values(env).some((v) => typeof v !== 'string')) throw fail(`${where}: env must be an object of strings`);
      return { type: 'module', path, export: exportName, env: env as Record<string, string> };
    }
    case 'webhook': {
      allow(['type', 'url', 'headers']);
      const url = httpUrl(value.url, `${where}: url`, fail);
      const headers = value.headers ?? {};
      if (!isObject(headers) || Object.values(headers).some((v) => typeof v !== 'string')) throw fail(`${where}: headers must be an object of strings`);
      return { type: 'webhook', url, headers: headers as Record<string, string> };
    }
    default:
      throw fail(`${where}: type must be lambda, module or webhook`);
  }
}

function httpUrl(value: unknown, where: string, fail: (message: string) => Error): string {
  try {
    const u = new URL(String(value));
    if ((u.protocol === 'http:' || u.protocol === 'https:') && typeof value === 'string') return value;
  } catch {
    // falls through to the refusal
  }
  throw fail(`${where} must be an http(s) URL`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
