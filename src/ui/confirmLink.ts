// GET /confirmUser: where the link of a CONFIRM_WITH_LINK sign-up email leads (Cognito's
// hosted page of the same name). It confirms the user through ConfirmSignUp itself, so the
// code is counted, checked and consumed with every rule and limit of the API, and answers a
// small page. Only links this server signed are acted on (operations/shared/confirmLink.ts).
//
// The page never echoes a parameter, is not cached, and sends no Referer onwards (the URL
// holds a code). Like Cognito's, the link works once: a mail scanner that follows it
// confirms the user, which is what the user would have done.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { OperationContext, Services } from '../operations/context.js';
import { CognitoException } from '../operations/exceptions.js';
import { confirmSignUp } from '../operations/confirmSignUp.js';
import { loadClient } from '../operations/shared/pools.js';
import { computeSecretHash } from '../operations/shared/secretHash.js';
import { CONFIRM_LINK_PATH, confirmLinkSigned } from '../operations/shared/confirmLink.js';

const PAGES = {
  confirmed: [200, 'Your registration has been confirmed!'],
  invalid: [400, 'This confirmation link is not valid.'],
  used: [400, 'This confirmation link has expired or has already been used. Request a new code from the app.'],
  already: [400, 'This account is already confirmed.'],
  limited: [429, 'Too many attempts. Please try again later.'],
  failed: [500, 'The account could not be confirmed. Please try again later.'],
} as const;

function page(reply: FastifyReply, which: keyof typeof PAGES): FastifyReply {
  const [status, text] = PAGES[which];
  return reply
    .code(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'no-referrer')
    .header('content-security-policy', "default-src 'none'")
    .send(`<!doctype html><html><head><meta charset="utf-8"><title>Account confirmation</title></head><body><p>${text}</p></body></html>`);
}

export function confirmLinkRoutes(app: FastifyInstance, services: Services): void {
  app.get(CONFIRM_LINK_PATH, async (req, reply) => {
    const q = req.query as Record<string, unknown>;
    const [clientId, userName, code, sig] = [q.client_id, q.user_name, q.confirmation_code, q.sig];
    if (![clientId, userName, code, sig].every((v) => typeof v === 'string' && v.length > 0 && v.length <= 256)) return page(reply, 'invalid');
    if (!confirmLinkSigned(services, clientId as string, userName as string, code as string, sig as string)) return page(reply, 'invalid');
    const ctx: OperationContext = {
      ...services,
      request: { requestId: randomUUID(), sourceIp: req.ip, userAgent: req.headers['user-agent'], accessKeyId: undefined },
    };
    try {
      const { client } = await loadClient(ctx, clientId as string);
      // The server made this link for this client, so it answers the client's secret itself.
      const secretHash = client.secret ? computeSecretHash(client.secret, userName as string, client.id) : undefined;
      await confirmSignUp(ctx, { ClientId: client.id, Username: userName as string, ConfirmationCode: code as string, SecretHash: secretHash });
      return page(reply, 'confirmed');
    } catch (err) {
      if (!(err instanceof CognitoException)) {
        req.log.error({ err, requestId: ctx.request.requestId }, 'confirmation link failed');
        return page(reply, 'failed');
      }
      if (err.name === 'LimitExceededException' || err.name === 'TooManyRequestsException') return page(reply, 'limited');
      if (err.name === 'NotAuthorizedException' && /Current status is CONFIRMED/.test(err.message)) return page(reply, 'already');
      if (err.name === 'CodeMismatchException' || err.name === 'ExpiredCodeException') return page(reply, 'used');
      return page(reply, 'invalid');
    }
  });
}
