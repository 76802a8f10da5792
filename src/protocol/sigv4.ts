// AWS Signature Version 4 verification for the AWS JSON 1.1 endpoint (POST /, service
// `cognito-idp`). Written against the public SigV4 specification with node:crypto only.
//
// The verifier rebuilds the canonical request the client must have signed, derives the
// signing key from the secret it holds for the access key id, and compares signatures in
// constant time. Both the Authorization header form and the presigned query form
// (X-Amz-Algorithm=...) are understood. It never throws: every failure is returned as the
// error type and message an AWS JSON service answers, for the caller to serialize.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export interface SignedRequest {
  method: string;
  path: string;
  /** Raw query string without the leading '?'. */
  query: string;
  /** Header names in lower case, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Sigv4Options {
  /** accessKeyId -> secretAccessKey */
  credentials: ReadonlyMap<string, string>;
  nowMs: number;
  /** How far X-Amz-Date may be from now, either way. Default 15 minutes. */
  maxSkewMs?: number;
  /** Service name the credential scope must name. Default 'cognito-idp'. */
  service?: string;
}

export type Sigv4ErrorType =
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException';

export type Sigv4Result =
  | { ok: true; accessKeyId: string; region: string }
  | { ok: false; errorType: Sigv4ErrorType; message: string };

export interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const TERMINATOR = 'aws4_request';
const DEFAULT_SERVICE = 'cognito-idp';
const DEFAULT_MAX_SKEW_MS = 15 * 60 * 1000;
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const MAX_PRESIGN_EXPIRES_S = 7 * 24 * 60 * 60;
/** Longest piece of client input echoed back in an error message. */
const MAX_ECHO = 200;

const MSG_UNRECOGNIZED = 'The security token included in the request is invalid.';
const MSG_MISMATCH =
  'The request signature we calculated does not match the signature you provided. ' +
  'Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

type Failure = { ok: false; errorType: Sigv4ErrorType; message: string };

function fail(errorType: Sigv4ErrorType, message: string): Failure {
  return { ok: false, errorType, message };
}

function echo(value: string): string {
  // Printable ASCII only, bounded: this text ends up in a response body and in logs.
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return clean.length > MAX_ECHO ? `${clean.slice(0, MAX_ECHO)}...` : clean;
}

// ---------------------------------------------------------------------------------------
// Authorization header parsing

interface AuthFields {
  algorithm: string;
  credential?: string;
  signedHeaders?: string;
  signature?: string;
}

type AuthParse =
  | { ok: true; value: ParsedAuthorization; echo: string }
  | Failure;

/** The header as it may be shown back to the client: everything except the signature. */
function describeAuth(fields: AuthFields): string {
  const parts: string[] = [];
  if (fields.credential !== undefined) parts.push(`Credential=${fields.credential}`);
  if (fields.signedHeaders !== undefined) parts.push(`SignedHeaders=${fields.signedHeaders}`);
  return echo(`${fields.algorithm} ${parts.join(', ')}`.trim());
}

function parseAuthorizationDetailed(header: string): AuthParse {
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const algorithm = space === -1 ? trimmed : trimmed.slice(0, space);
  const rest = space === -1 ? '' : trimmed.slice(space + 1);
  if (algorithm !== ALGORITHM) {
    // The whole header is not echoed: it may be some other scheme's secret token.
    return fail(
      'IncompleteSignatureException',
      `Unsupported Authorization scheme; the Authorization header must start with '${ALGORITHM}'.`,
    );
  }

  const fields: AuthFields = { algorithm };
  for (const rawPart of rest.split(',')) {
    const part = rawPart.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) {
      const shown = part.startsWith('Signature') ? 'Signature' : echo(part);
      return fail(
        'IncompleteSignatureException',
        `'${shown}' not a valid key=value pair (missing equal-sign) in Authorization header: '${describeAuth(fields)}'.`,
      );
    }
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 'Credential') fields.credential = value;
    else if (key === 'SignedHeaders') fields.signedHeaders = value;
    else if (key === 'Signature') fields.signature = value;
    // Unknown parameters are ignored, as AWS does.
  }

  const missing: string[] = [];
  if (!fields.credential) missing.push('Credential');
  if (!fields.signature) missing.push('Signature');
  if (!fields.signedHeaders) missing.push('SignedHeaders');
  if (missing.length > 0) {
    const text = missing.map((m) => `Authorization header requires '${m}' parameter.`).join(' ');
    return fail('IncompleteSignatureException', `${text} Authorization=${describeAuth(fields)}`);
  }
  const credential = fields.credential as string;
  const signedHeadersRaw = fields.signedHeaders as string;
  const signature = fields.signature as string;

  const scope = credential.split('/');
  if (scope.length !== 5) {
    return fail(
      'IncompleteSignatureException',
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${echo(credential)}'`,
    );
  }
  const [accessKeyId, date, region, service, terminator] = scope as [string, string, string, string, string];
  if (accessKeyId === '') {
    return fail('IncompleteSignatureException', `Credential must name an access key id, got '${echo(credential)}'`);
  }
  if (terminator !== TERMINATOR) {
    return fail(
      'IncompleteSignatureException',
      `Credential should be scoped with a valid terminator: '${TERMINATOR}', not '${echo(terminator)}'.`,
    );
  }

  const signedHeaders = signedHeadersRaw.split(';');
  if (signedHeaders.some((h) => h === '')) {
    return fail(
      'IncompleteSignatureException',
      `SignedHeaders must be a semicolon-separated list of header names, got '${echo(signedHeadersRaw)}'. Authorization=${describeAuth(fields)}`,
    );
  }

  return {
    ok: true,
    value: { accessKeyId, date, region, service, signedHeaders, signature },
    echo: describeAuth(fields),
  };
}

/**
 * Parse `AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b,
 * Signature=hex`. Returns null for anything else. It checks the shape only: whether the
 * scope names the right service, date and a usable region is left to verifySigV4.
 */
export function parseAuthorization(header: string | undefined): ParsedAuthorization | null {
  if (typeof header !== 'string') return null;
  try {
    const parsed = parseAuthorizationDetailed(header);
    return parsed.ok ? parsed.value : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------
// Canonical request pieces

/** RFC 3986 percent-encoding of UTF-8 bytes, leaving only unreserved characters as they are. */
function uriEncode(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    if (
      (byte >= 0x41 && byte <= 0x5a) || // A-Z
      (byte >= 0x61 && byte <= 0x7a) || // a-z
      (byte >= 0x30 && byte <= 0x39) || // 0-9
      byte === 0x2d || byte === 0x2e || byte === 0x5f || byte === 0x7e // - . _ ~
    ) {
      out += String.fromCharCode(byte);
    } else {
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/**
 * The path exactly as it came over the wire (already percent-encoded once by the client),
 * normalized (empty, '.' and '..' segments removed) and each segment encoded once more:
 * every AWS service other than S3 signs the doubly-encoded path.
 */
export function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  if (segments.length === 0) return '/';
  const trailing = path.endsWith('/') ? '/' : '';
  return `/${segments.map(uriEncode).join('/')}${trailing}`;
}

function decodeComponent(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function parseQuery(query: string): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const piece of query.split('&')) {
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = eq === -1 ? piece : piece.slice(0, eq);
    const value = eq === -1 ? '' : piece.slice(eq + 1);
    pairs.push([decodeComponent(key), decodeComponent(value)]);
  }
  return pairs;
}

function compareCodePoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function canonicalQuery(pairs: ReadonlyArray<readonly [string, string]>, omitKey?: string): string {
  return pairs
    .filter(([key]) => key !== omitKey)
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort((x, y) => compareCodePoints(x[0], y[0]) || compareCodePoints(x[1], y[1]))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** Lower-cased header map; repeated values (array or differently-cased names) joined by ','. */
function normalizeHeaders(headers: SignedRequest['headers']): Map<string, string> {
  const out = new Map<string, string>();
  if (headers === null || typeof headers !== 'object') return out;
  for (const [name, raw] of Object.entries(headers)) {
    let value: string;
    if (typeof raw === 'string') value = raw;
    else if (Array.isArray(raw)) value = raw.filter((v) => typeof v === 'string').join(',');
    else continue;
    const key = name.toLowerCase();
    const prior = out.get(key);
    out.set(key, prior === undefined ? value : `${prior},${value}`);
  }
  return out;
}

/** Trim, and collapse runs of spaces and tabs (line breaks count as spaces) into one space. */
function canonicalHeaderValue(value: string): string {
  return value.replace(/[\r\n]/g, ' ').replace(/[ \t]+/g, ' ').replace(/^ | $/g, '');
}

function headerValue(headers: Map<string, string>, name: string): string | undefined {
  const value = headers.get(name);
  // HTTP/2 carries the host in the :authority pseudo-header.
  if (value === undefined && name === 'host') return headers.get(':authority');
  return value;
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function deriveSigningKey(secret: string, date: string, region: string, service: string): Buffer {
  const kDate = hmac(`AWS4${secret}`, date);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, TERMINATOR);
}

function signaturesEqual(expectedHex: string, providedHex: string): boolean {
  const expected = Buffer.from(expectedHex, 'utf8');
  const provided = Buffer.from(providedHex, 'utf8');
  if (provided.length !== expected.length) {
    // Keep the work the same either way; the answer is already known.
    timingSafeEqual(expected, expected);
    return false;
  }
  return timingSafeEqual(expected, provided);
}

// ---------------------------------------------------------------------------------------
// Dates

const BASIC_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Milliseconds for a yyyyMMdd'T'HHmmss'Z' date, or null when it is not a real one. */
function parseBasicDate(value: string): number | null {
  const m = BASIC_DATE.exec(value);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(ms);
  if (
    check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d ||
    check.getUTCHours() !== h || check.getUTCMinutes() !== mi || check.getUTCSeconds() !== s
  ) {
    return null;
  }
  return ms;
}

function formatBasicDate(ms: number): string {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return 'invalid-date';
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function formatSkew(ms: number): string {
  const minutes = ms / 60000;
  return Number.isInteger(minutes) ? `${minutes} min.` : `${ms / 1000} sec.`;
}

// ---------------------------------------------------------------------------------------
// Verification

interface AuthInput {
  mode: 'header' | 'query';
  parsed: ParsedAuthorization;
  echo: string;
  /** The request time as signed (basic ISO format) and in milliseconds. */
  amzDate: string;
  amzDateMs: number;
  /** Presigned requests only: seconds the signature stays valid. */
  expiresS?: number;
}

function fromHeader(authHeader: string, headers: Map<string, string>): { ok: true; input: AuthInput } | Failure {
  const parsed = parseAuthorizationDetailed(authHeader);
  if (!parsed.ok) return parsed;

  const xAmzDate = headers.get('x-amz-date');
  const httpDate = headers.get('date');
  let amzDate: string;
  let amzDateMs: number;
  if (xAmzDate !== undefined && xAmzDate.trim() !== '') {
    const ms = parseBasicDate(xAmzDate.trim());
    if (ms === null) {
      return fail(
        'IncompleteSignatureException',
        `Date must be in ISO-8601 'basic format'. Got '${echo(xAmzDate)}'. See http://en.wikipedia.org/wiki/ISO_8601`,
      );
    }
    amzDate = xAmzDate.trim();
    amzDateMs = ms;
  } else if (httpDate !== undefined && httpDate.trim() !== '') {
    // A client that only sends Date signs it, converted to the basic format.
    const trimmed = httpDate.trim();
    const ms = parseBasicDate(trimmed) ?? Date.parse(trimmed);
    if (!Number.isFinite(ms)) {
      return fail('IncompleteSignatureException', `Date header could not be parsed: '${echo(httpDate)}'.`);
    }
    amzDateMs = ms;
    amzDate = formatBasicDate(ms);
  } else {
    return fail(
      'IncompleteSignatureException',
      `Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=${parsed.echo}`,
    );
  }
  return { ok: true, input: { mode: 'header', parsed: parsed.value, echo: parsed.echo, amzDate, amzDateMs } };
}

function fromQuery(params: Map<string, string>): { ok: true; input: AuthInput } | Failure {
  const algorithm = params.get('X-Amz-Algorithm') ?? '';
  const credential = params.get('X-Amz-Credential');
  const signedHeaders = params.get('X-Amz-SignedHeaders');
  const signature = params.get('X-Amz-Signature');
  const date = params.get('X-Amz-Date');
  const missing: string[] = [];
  if (!credential) missing.push('X-Amz-Credential');
  if (!signature) missing.push('X-Amz-Signature');
  if (!signedHeaders) missing.push('X-Amz-SignedHeaders');
  if (!date) missing.push('X-Amz-Date');
  if (algorithm !== ALGORITHM) {
    return fail('IncompleteSignatureException', `X-Amz-Algorithm only supports '${ALGORITHM}', got '${echo(algorithm)}'.`);
  }
  if (missing.length > 0) {
    return fail(
      'IncompleteSignatureException',
      missing.map((m) => `AWS query-string parameters must include '${m}'.`).join(' '),
    );
  }
  // Reuse the header parser for the shared shape checks.
  const parsed = parseAuthorizationDetailed(
    `${ALGORITHM} Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  );
  if (!parsed.ok) return parsed;
  const amzDateMs = parseBasicDate(date as string);
  if (amzDateMs === null) {
    return fail(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${echo(date as string)}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  let expiresS: number | undefined;
  const expires = params.get('X-Amz-Expires');
  if (expires !== undefined) {
    if (!/^\d{1,7}$/.test(expires) || Number(expires) > MAX_PRESIGN_EXPIRES_S) {
      return fail(
        'IncompleteSignatureException',
        `X-Amz-Expires must be a whole number of seconds from 0 to ${MAX_PRESIGN_EXPIRES_S}, got '${echo(expires)}'.`,
      );
    }
    expiresS = Number(expires);
  }
  return {
    ok: true,
    input: { mode: 'query', parsed: parsed.value, echo: parsed.echo, amzDate: date as string, amzDateMs, expiresS },
  };
}

function verify(req: SignedRequest, opts: Sigv4Options): Sigv4Result {
  const headers = normalizeHeaders(req.headers);
  const rawQuery = typeof req.query === 'string' ? req.query.replace(/^\?/, '') : '';
  const queryPairs = parseQuery(rawQuery);
  const queryParams = new Map<string, string>();
  for (const [key, value] of queryPairs) if (!queryParams.has(key)) queryParams.set(key, value);

  const authHeader = headers.get('authorization');
  const hasHeaderAuth = authHeader !== undefined && authHeader.trim() !== '';
  const hasQueryAuth = queryParams.has('X-Amz-Algorithm');
  if (!hasHeaderAuth && !hasQueryAuth) {
    return fail('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
  if (hasHeaderAuth && hasQueryAuth) {
    return fail(
      'IncompleteSignatureException',
      'Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the Authorization header should be specified.',
    );
  }

  const got = hasHeaderAuth ? fromHeader(authHeader as string, headers) : fromQuery(queryParams);
  if (!got.ok) return got;
  const { parsed, amzDate, amzDateMs } = got.input;
  const service = opts.service ?? DEFAULT_SERVICE;

  // Credential scope.
  if (parsed.service !== service) {
    return fail('InvalidSignatureException', `Credential should be scoped to correct service: '${service}'.`);
  }
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(parsed.region)) {
    return fail(
      'InvalidSignatureException',
      parsed.region === ''
        ? 'Credential should be scoped to a valid region.'
        : `Credential should be scoped to a valid region, not '${echo(parsed.region)}'.`,
    );
  }
  if (parsed.date !== amzDate.slice(0, 8)) {
    return fail(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${echo(parsed.date)}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (!parsed.signedHeaders.includes('host') && !parsed.signedHeaders.includes(':authority')) {
    return fail('InvalidSignatureException', "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  }

  // Who is asking.
  const secret = opts.credentials.get(parsed.accessKeyId);
  if (typeof secret !== 'string') {
    return fail('UnrecognizedClientException', MSG_UNRECOGNIZED);
  }

  // When.
  const maxSkewMs = opts.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  const now = opts.nowMs;
  if (amzDateMs > now + maxSkewMs) {
    return fail(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${formatBasicDate(now + maxSkewMs)} (${formatBasicDate(now)} + ${formatSkew(maxSkewMs)})`,
    );
  }
  if (got.input.expiresS !== undefined) {
    const expiresAt = amzDateMs + got.input.expiresS * 1000;
    if (now > expiresAt) {
      return fail(
        'InvalidSignatureException',
        `Signature expired: ${amzDate} is now earlier than ${formatBasicDate(now - got.input.expiresS * 1000)} (${formatBasicDate(now)} - ${got.input.expiresS} sec.)`,
      );
    }
  } else if (amzDateMs < now - maxSkewMs) {
    return fail(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${formatBasicDate(now - maxSkewMs)} (${formatBasicDate(now)} - ${formatSkew(maxSkewMs)})`,
    );
  }

  // Payload. The SDK signs the body's real hash, and sends it in x-amz-content-sha256 too
  // unless told not to. When that header is present the client signed its value, so it must
  // describe this body; UNSIGNED-PAYLOAD is the client's own choice to leave the body out.
  const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const bodyHash = sha256Hex(body);
  let payloadHash = bodyHash;
  const contentSha = headers.get('x-amz-content-sha256');
  if (contentSha !== undefined) {
    const claimed = contentSha.trim();
    if (claimed === UNSIGNED_PAYLOAD) {
      payloadHash = UNSIGNED_PAYLOAD;
    } else if (claimed.toLowerCase() === bodyHash) {
      payloadHash = claimed;
    } else {
      return fail(
        'InvalidSignatureException',
        "The provided 'x-amz-content-sha256' header does not match what was computed.",
      );
    }
  }

  // Canonical request.
  const canonicalHeaders = parsed.signedHeaders
    .map((name) => `${name}:${canonicalHeaderValue(headerValue(headers, name.toLowerCase()) ?? '')}\n`)
    .join('');
  const canonicalRequest = [
    typeof req.method === 'string' ? req.method.toUpperCase() : '',
    canonicalUri(typeof req.path === 'string' ? req.path : '/'),
    canonicalQuery(queryPairs, got.input.mode === 'query' ? 'X-Amz-Signature' : undefined),
    canonicalHeaders,
    parsed.signedHeaders.join(';'),
    payloadHash,
  ].join('\n');

  const scope = `${parsed.date}/${parsed.region}/${parsed.service}/${TERMINATOR}`;
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequest)}`;
  const signingKey = deriveSigningKey(secret, parsed.date, parsed.region, parsed.service);
  const expected = createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');

  if (!signaturesEqual(expected, parsed.signature)) {
    return fail('InvalidSignatureException', MSG_MISMATCH);
  }
  return { ok: true, accessKeyId: parsed.accessKeyId, region: parsed.region };
}

/** Verify a SigV4-signed request. Never throws. */
export function verifySigV4(req: SignedRequest, opts: Sigv4Options): Sigv4Result {
  try {
    return verify(req, opts);
  } catch {
    // Only reachable on input no client could have signed (or broken options): refuse.
    return fail('InvalidSignatureException', MSG_MISMATCH);
  }
}
