// CORS for browser callers (Amplify in a page): any origin may call, the x-amzn headers are
// readable by scripts, and the preflight is answered for every path.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const EXPOSED = 'x-amzn-RequestId,x-amzn-ErrorType,x-amzn-ErrorMessage,Date';
const ALLOWED_HEADERS = [
  'content-type',
  'x-amz-target',
  'x-amz-user-agent',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
  'authorization',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
  'cache-control',
].join(',');

export function applyCors(_req: FastifyRequest, reply: FastifyReply): void {
  reply.header('access-control-allow-origin', '*');
  reply.header('access-control-expose-headers', EXPOSED);
}

export function registerCors(app: FastifyInstance): void {
  app.options('*', async (req, reply) => {
    const requested = req.headers['access-control-request-headers'];
    // Echo what the browser asks for (SDKs add headers over time), restricted to header-name
    // characters; fall back to the list the AWS SDKs send.
    const allowHeaders = typeof requested === 'string' && /^[\w\-, ]{1,1000}$/.test(requested) ? requested : ALLOWED_HEADERS;
    return reply
      .code(204)
      .header('access-control-allow-methods', 'POST, GET, PUT, DELETE, OPTIONS')
      .header('access-control-allow-headers', allowHeaders)
      .header('access-control-max-age', '86400')
      .send();
  });
}
