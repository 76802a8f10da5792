// The token endpoints Cognito serves per pool: the JWKS that verifies the pool's tokens and
// the OpenID discovery document pointing at it.
//
// Cognito differs: its discovery document also names the hosted-UI OAuth endpoints
// (authorization, token, userInfo, revocation, end session) and what they support
// (response types, scopes, token_endpoint_auth_methods_supported). This server serves none of
// those endpoints, so the document lists only what it does serve.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Services } from '../operations/context.js';
import { issuerFor, jwksUrl } from '../operations/shared/tokens.js';
import { SIGNING_ALG } from '../crypto/jwt.js';

const POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;

function sendJsonDocument(reply: FastifyReply, status: number, body: object): FastifyReply {
  return reply.code(status).header('content-type', 'application/json').send(JSON.stringify(body));
}

/** The pool, or a 404 already sent. */
async function poolExists(services: Services, poolId: string, reply: FastifyReply): Promise<boolean> {
  if (POOL_ID.test(poolId) && (await services.store.pools.findPool(poolId))) return true;
  sendJsonDocument(reply, 404, { message: `User pool ${poolId.slice(0, 64).replace(/[^\w-]/g, '?')} does not exist.` });
  return false;
}

export function tokenRoutes(app: FastifyInstance, services: Services): void {
  app.get<{ Params: { poolId: string } }>('/:poolId/.well-known/jwks.json', async (req, reply) => {
    const { poolId } = req.params;
    if (!(await poolExists(services, poolId, reply))) return reply;
    return sendJsonDocument(reply, 200, { keys: await services.signingKeys.jwks(poolId) });
  });

  app.get<{ Params: { poolId: string } }>('/:poolId/.well-known/openid-configuration', async (req, reply) => {
    const { poolId } = req.params;
    if (!(await poolExists(services, poolId, reply))) return reply;
    return sendJsonDocument(reply, 200, {
      id_token_signing_alg_values_supported: [SIGNING_ALG],
      issuer: issuerFor(services, poolId),
      jwks_uri: jwksUrl(services, poolId),
      subject_types_supported: ['public'],
    });
  });
}
