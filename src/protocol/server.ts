// The AWS JSON 1.1 edge: POST / with X-Amz-Target. A request goes through a short, linear
// lifecycle: read the body (size-capped) -> resolve the target -> authorize -> validate
// against the model -> run the operation -> serialize. Every failure on the way is a
// Cognito-shaped error written by one serializer (errors.ts).
import { randomUUID } from 'node:crypto';
import Fastify, { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { OperationContext, Services } from '../operations/context.js';
import { ProtocolException, InvalidParameterException } from '../operations/exceptions.js';
import { operations } from '../operations/registry.js';
import { isKnownOperation, operationFacts, validateInput } from './validate.js';
import { parseAuthorization, verifySigV4 } from './sigv4.js';
import { sendError, sendJson, toWireError } from './errors.js';
import { applyCors, registerCors } from './cors.js';
import { REDACTED_PATHS } from './redact.js';
import { exceedsJsonDepth, MAX_JSON_DEPTH } from './jsonDepth.js';
import { startSenderInvocations } from '../operations/shared/customSender.js';

export const TARGET_PREFIX = 'AWSCognitoIdentityProviderService.';
const JSON_CONTENT_TYPES = new Set(['application/x-amz-json-1.1', 'application/x-amz-json-1.0', 'application/json']);

declare module 'fastify' {
  interface FastifyRequest {
    awsRequestId: string;
  }
}

/** Extra route groups (dev endpoints, token endpoints, pages) mount here, given the app. */
export type RouteModule = (app: FastifyInstance, services: Services) => void | Promise<void>;

export async function buildServer(
  services: Services,
  modules: RouteModule[] = [],
  logStream?: NodeJS.WritableStream,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: services.config.logLevel,
      ...(logStream ? { stream: logStream } : {}),
      // Bodies are never logged; these paths are a second line of defence for anything that
      // logs a request-shaped object.
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: services.config.maxBodyBytes,
    genReqId: () => randomUUID(),
    trustProxy: false,
    return503OnClosing: true,
  });
  app.decorateRequest('awsRequestId', '');

  // Every body is read raw: SigV4 needs the exact bytes and we want our own JSON errors.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (req, reply) => {
    req.awsRequestId = String(req.id);
    reply.header('x-amzn-RequestId', req.awsRequestId);
    applyCors(req, reply);
  });

  app.setErrorHandler((err, req, reply) => {
    const wire = toWireError(err);
    if (wire.internal) req.log.error({ err, requestId: req.awsRequestId }, 'unexpected error');
    return sendError(reply, wire);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(reply, { type: 'UnknownOperationException', message: `No route for ${req.method} ${req.url.split('?')[0]}`, status: 404 }),
  );

  registerCors(app);
  app.post('/', (req, reply) => handleAwsJson(services, req, reply));
  for (const mod of modules) await mod(app, services);
  return app;
}

async function handleAwsJson(services: Services, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const started = process.hrtime.bigint();
  let opName = '-';
  let outcome = 'ok';
  try {
    opName = resolveTarget(req.headers['x-amz-target']);
    const contentType = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!JSON_CONTENT_TYPES.has(contentType)) {
      throw new ProtocolException('SerializationException', `Content-Type must be application/x-amz-json-1.1, got '${contentType || '(none)'}'`);
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const accessKeyId = authorize(services, opName, req, raw);
    const input = parseBody(raw);
    const violations = validateInput(opName, input);
    if (violations) throw new InvalidParameterException(violations);

    const operation = operations[opName];
    if (!operation) throw new ProtocolException('UnknownOperationException', `userpool does not implement ${opName} yet`);
    const ctx: OperationContext = {
      ...services,
      request: { requestId: req.awsRequestId, sourceIp: req.ip, userAgent: req.headers['user-agent'], accessKeyId },
    };
    const output = await operation(ctx, input);
    // Custom sender functions run once the operation has succeeded (never for a rollback).
    startSenderInvocations(ctx);
    return sendJson(reply, output);
  } catch (err) {
    const wire = toWireError(err);
    outcome = wire.type;
    if (wire.internal) req.log.error({ err, requestId: req.awsRequestId, operation: opName }, 'unexpected error');
    return sendError(reply, wire);
  } finally {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    req.log.info({ requestId: req.awsRequestId, operation: opName, outcome, ms: Math.round(ms * 10) / 10 }, 'request');
    services.metrics?.recordRequest(opName, outcome, ms / 1000);
  }
}

function resolveTarget(header: string | string[] | undefined): string {
  const target = Array.isArray(header) ? header[0] : header;
  if (!target) throw new ProtocolException('UnknownOperationException', 'Missing X-Amz-Target header');
  if (!target.startsWith(TARGET_PREFIX)) {
    throw new ProtocolException('UnknownOperationException', `Unknown target service in X-Amz-Target; expected ${TARGET_PREFIX}<Operation>`);
  }
  const name = target.slice(TARGET_PREFIX.length);
  if (!isKnownOperation(name)) {
    // The name is not echoed in full: it is caller-controlled text.
    throw new ProtocolException('UnknownOperationException', `Unknown operation ${name.slice(0, 64).replace(/[^\w]/g, '?')}`);
  }
  return name;
}

function parseBody(raw: Buffer): unknown {
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  if (exceedsJsonDepth(text)) {
    throw new ProtocolException('SerializationException', `The request body nests objects or arrays deeper than ${MAX_JSON_DEPTH} levels`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new ProtocolException('SerializationException', 'The request body is not valid JSON');
  }
}

/**
 * Admin operations need SigV4. With access keys configured the signature is verified for
 * real; without keys (local development) any well-formed SigV4 header is accepted, as the AWS
 * SDKs always send one. Unauthenticated operations (ForgotPassword, SignUp, ...) ignore it.
 */
function authorize(services: Services, opName: string, req: FastifyRequest, raw: Buffer): string | undefined {
  if (operationFacts(opName)?.unauthenticated) return undefined;
  const header = req.headers.authorization;
  if (services.config.accessKeys.size === 0) {
    if (!header) throw new ProtocolException('MissingAuthenticationTokenException', 'Missing Authentication Token');
    const parsed = parseAuthorization(header);
    if (!parsed) throw new ProtocolException('IncompleteSignatureException', 'The Authorization header is not a well-formed AWS4-HMAC-SHA256 signature');
    return parsed.accessKeyId;
  }
  const [path, query = ''] = req.url.split('?', 2) as [string, string?];
  const result = verifySigV4(
    { method: req.method, path, query, headers: req.headers, body: raw },
    // Wall-clock time, not the injected clock: skew is measured against the caller's clock.
    { credentials: services.config.accessKeys, nowMs: Date.now() },
  );
  if (!result.ok) throw new ProtocolException(result.errorType as ProtocolException['errorType'], result.message);
  return result.accessKeyId;
}
