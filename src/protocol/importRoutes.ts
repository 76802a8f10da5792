// The HTTP side of user import jobs:
// - PUT /_import/<JobId>?expires=..&signature=..: the upload URL CreateUserImportJob hands out
//   (our stand-in for Cognito's pre-signed S3 URL; operations/shared/importJobs.ts signs it).
//   The body is streamed into the store in chunks as it arrives, never held whole, and capped
//   at UPLOAD_MAX_BYTES. Refusals are S3-shaped XML, as a client uploading to S3 expects.
// - GET /_import/<JobId>/log: the job's log (our stand-in for its CloudWatch log stream), the
//   failed rows with their row numbers and reasons. An admin route: with --access-keys it
//   needs a SigV4 signature (service cognito-idp) like the admin API; without keys (local
//   development) it is open like the rest of the admin surface.
// These routes live in their own plugin so their bodies bypass the buffering parser of POST /.
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../operations/context.js';
import { checkUploadUrl, effectiveStatus, IMPORT_PATH_PREFIX } from '../operations/shared/importJobs.js';
import { verifySigV4 } from './sigv4.js';
import { sendError } from './errors.js';

/** Cognito's limit on an import file: 100 MiB. */
export const UPLOAD_MAX_BYTES = 100 * 1024 * 1024;
/** The size of a stored piece of the file. */
const CHUNK_BYTES = 1024 * 1024;
const JOB_ID = /^import-[0-9a-zA-Z-]{1,48}$/;
const LOG_PAGE_DEFAULT = 1000;
const LOG_PAGE_MAX = 10_000;

function s3Error(reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  return reply
    .code(status)
    .header('content-type', 'application/xml')
    .header('connection', 'close')
    .send(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

export async function importRoutes(app: FastifyInstance, services: Services): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    // The body is handed over unread: the upload route streams it itself.
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.put(`${IMPORT_PATH_PREFIX}:jobId`, (req, reply) => upload(services, req, reply));
    scope.get(`${IMPORT_PATH_PREFIX}:jobId/log`, (req, reply) => jobLog(services, req, reply));
  });
}

async function upload(services: Services, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const { jobId } = req.params as { jobId: string };
  const q = req.query as Record<string, unknown>;
  const [expires, signature] = [q.expires, q.signature];
  if (!JOB_ID.test(jobId) || typeof expires !== 'string' || typeof signature !== 'string' || signature.length > 128) {
    return s3Error(reply, 403, 'AccessDenied', 'Query-string authentication requires the expires and signature parameters');
  }
  const check = checkUploadUrl(services, jobId, expires, signature);
  if (check === 'bad-signature') return s3Error(reply, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  if (check === 'expired') return s3Error(reply, 403, 'AccessDenied', 'Request has expired');
  const job = await services.store.imports.findJob(jobId);
  if (!job) return s3Error(reply, 404, 'NoSuchKey', 'The import job does not exist.');
  if (effectiveStatus(services, job) !== 'Created') return s3Error(reply, 403, 'AccessDenied', 'The import job no longer accepts a file.');
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > UPLOAD_MAX_BYTES) return s3Error(reply, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
  if (!(await services.store.imports.beginUpload(job.id))) return s3Error(reply, 403, 'AccessDenied', 'The import job no longer accepts a file.');

  const body = req.body as Readable | undefined;
  const md5 = createHash('md5');
  let total = 0;
  let seq = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    const data = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    await services.store.imports.appendChunk(job.id, seq++, data);
  };
  if (body && typeof body[Symbol.asyncIterator] === 'function') {
    for await (const piece of body) {
      const buf = piece as Buffer;
      total += buf.length;
      if (total > UPLOAD_MAX_BYTES) {
        // What was stored stays unusable (the upload never completes) and goes with the next upload.
        body.destroy();
        return s3Error(reply, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
      }
      md5.update(buf);
      pending.push(buf);
      pendingBytes += buf.length;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
  }
  await flush();
  if (!(await services.store.imports.finishUpload(job.id, total))) return s3Error(reply, 403, 'AccessDenied', 'The import job no longer accepts a file.');
  return reply.code(200).header('etag', `"${md5.digest('hex')}"`).send();
}

async function jobLog(services: Services, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  if (services.config.accessKeys.size > 0) {
    const [path, query = ''] = req.url.split('?', 2) as [string, string?];
    const result = verifySigV4({ method: req.method, path, query, headers: req.headers, body: Buffer.alloc(0) }, { credentials: services.config.accessKeys, nowMs: Date.now() });
    if (!result.ok) return sendError(reply, { type: result.errorType, message: result.message, status: 403 });
  }
  const { jobId } = req.params as { jobId: string };
  const q = req.query as Record<string, unknown>;
  const after = typeof q.after === 'string' && /^\d{1,15}$/.test(q.after) ? Number(q.after) : -1;
  const limit = typeof q.limit === 'string' && /^\d{1,6}$/.test(q.limit) ? Math.min(Math.max(Number(q.limit), 1), LOG_PAGE_MAX) : LOG_PAGE_DEFAULT;
  const job = JOB_ID.test(jobId) ? await services.store.imports.findJob(jobId) : undefined;
  if (!job) return sendError(reply, { type: 'ResourceNotFoundException', message: `Import job ${jobId.slice(0, 64).replace(/[^\w-]/g, '?')} does not exist.`, status: 404 });
  const entries = await services.store.imports.listLog(job.id, after, limit + 1);
  const events = entries.slice(0, limit).map((e) => ({
    row: e.row,
    level: e.level,
    ...(e.username !== null && { username: e.username }),
    message: e.message,
    timestamp: new Date(e.createdAt).toISOString(),
  }));
  return reply.code(200).header('content-type', 'application/json').send({
    jobId: job.id,
    userPoolId: job.poolId,
    status: effectiveStatus(services, job),
    events,
    ...(entries.length > limit && { nextAfter: events[events.length - 1]!.row }),
  });
}
