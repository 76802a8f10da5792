// The hosted password-reset pages, at Cognito's managed-login paths:
//   GET/POST /forgotPassword?client_id=...[&redirect_uri=...]         ask for a code
//   GET/POST /confirmForgotPassword?client_id=...[&redirect_uri=...]  code + new password
//
// They run the API's own operations (forgotPassword, confirmForgotPassword) with a context
// built from the request, after the same model validation the API applies, so every limit,
// PreventUserExistenceErrors answer, masked destination and audit event is the API's. For a
// client with a secret the server computes the SecretHash itself, as the pages are its own.
//
// The redirect_uri must be one of the client's CallbackURLs exactly, or the page refuses to
// go on (no open redirect); without one the client's DefaultRedirectURI, if any, is used.
// Between the two steps the username and the masked destination travel in a sealed cookie;
// the code never leaves the form body, and nothing of the form is logged.
//
// Cognito differs: its managed login needs a domain and an OAuth client, requires redirect_uri
// and carries the username to the second page in the URL. Here any client has the pages, the
// redirect_uri is optional, and the username rides in the sealed cookie.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { OperationContext, Services } from '../operations/context.js';
import { CognitoException, InvalidParameterException, InvalidPasswordException } from '../operations/exceptions.js';
import { forgotPassword } from '../operations/forgotPassword.js';
import { confirmForgotPassword } from '../operations/confirmForgotPassword.js';
import { loadClient, type Client, type Pool } from '../operations/shared/pools.js';
import { computeSecretHash } from '../operations/shared/secretHash.js';
import { passwordPolicyOf } from '../operations/shared/passwords.js';
import { checkPasswordPolicy, policyMessage } from '../domain/passwordPolicy.js';
import { validateInput } from '../protocol/validate.js';
import { queryParam, readCookies, readForm, secureCookies, securityHeaders, sendHtml, setCookie } from './html.js';
import { csrfToken, csrfValid, sameOrigin, seal, unseal } from './csrf.js';
import { shellBranding } from './branding.js';
import { confirmForgotPasswordError, forgotPasswordError, isCognitoError, type PageError } from './resetErrors.js';
import { confirmForgotPasswordPage, forgotPasswordPage, resetDonePage, stopPage, type Branding } from './resetViews.js';
import { MAILBOX_PATH } from './mailbox.js';

export const FORGOT_PATH = '/forgotPassword';
export const CONFIRM_PATH = '/confirmForgotPassword';
const FLOW_COOKIE = 'userpool_reset';
const FLOW_PURPOSE = 'hosted-reset-flow';
/** As long as a reset code lives at most. */
const FLOW_TTL_MS = 3_600_000;

/** What the forgot step hands to the confirm step (sealed: the browser cannot read or change it). */
interface Flow {
  clientId: string;
  username: string;
  medium?: string;
  destination?: string;
}

interface Target {
  client: Client;
  pool: Pool;
  /** The registered URI to link back to, if any. */
  backHref?: string;
  /** client_id and redirect_uri as given, for the pages' own links and form actions. */
  query: string;
  branding: Branding;
}

function contextOf(services: Services, req: FastifyRequest): OperationContext {
  return { ...services, request: { requestId: String(req.id), sourceIp: req.ip, userAgent: req.headers['user-agent'], accessKeyId: undefined } };
}

/** Resolves client_id and redirect_uri, or answers the refusal page itself (undefined). */
async function target(services: Services, req: FastifyRequest, reply: FastifyReply): Promise<Target | undefined> {
  const clientId = queryParam(req, 'client_id');
  const redirectUri = queryParam(req, 'redirect_uri');
  if (!clientId || !/^[\w+]{1,128}$/.test(clientId)) {
    sendHtml(reply, 400, stopPage('This link is not valid', 'The link does not name an app. Return to the app and open the link again.'));
    return undefined;
  }
  let loaded: { client: Client; pool: Pool };
  try {
    loaded = await loadClient(contextOf(services, req), clientId);
  } catch (err) {
    if (!(err instanceof CognitoException)) throw err;
    sendHtml(reply, 400, stopPage('This link is not valid', 'The app in this link is not known here. Return to the app and open the link again.'));
    return undefined;
  }
  const branding = shellBranding(services, loaded.pool.id);
  const callbacks = loaded.client.settings.CallbackURLs ?? [];
  // Exact match only: no prefix, no normalisation, so a look-alike URI never passes.
  if (redirectUri !== undefined && !callbacks.includes(redirectUri)) {
    sendHtml(reply, 400, stopPage('This link is not valid', 'The return address in this link is not registered for this app.', branding));
    return undefined;
  }
  const back = redirectUri ?? loaded.client.settings.DefaultRedirectURI;
  const query = `?client_id=${encodeURIComponent(clientId)}${redirectUri !== undefined ? `&redirect_uri=${encodeURIComponent(redirectUri)}` : ''}`;
  return { ...loaded, backHref: back && /^https?:\/\//i.test(back) ? back : undefined, query, branding };
}

/** Refuses a post that is not a form from this site carrying this browser's token. */
function formOf(services: Services, req: FastifyRequest, reply: FastifyReply, t: Target, path: string): Map<string, string> | undefined {
  const form = readForm(req);
  if (!form || !sameOrigin(services, req) || !csrfValid(services, req, form)) {
    sendHtml(reply, 403, stopPage('Please try again', 'This form has expired or was not sent from this page. Open the page again and resend it.', t.branding, path + t.query));
    return undefined;
  }
  return form;
}

function statusOf(err: PageError[], cause?: CognitoException): number {
  if (!cause) return err.length ? 400 : 200;
  if (cause.name === 'LimitExceededException' || cause.name === 'TooManyRequestsException' || cause.name === 'TooManyFailedAttemptsException') return 429;
  if (cause.name === 'ForbiddenException') return 403;
  return 400;
}

/** Runs an operation as the API would: model validation first, then the operation, measured. */
async function run<T>(services: Services, req: FastifyRequest, name: string, input: Record<string, unknown>, op: (ctx: OperationContext, input: never) => Promise<T>): Promise<T> {
  const started = process.hrtime.bigint();
  let outcome = 'ok';
  try {
    const violations = validateInput(name, input);
    if (violations) throw new InvalidParameterException(violations);
    return await op(contextOf(services, req), input as never);
  } catch (err) {
    outcome = err instanceof CognitoException ? err.name : 'InternalErrorException';
    throw err;
  } finally {
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    req.log.info({ requestId: String(req.id), operation: name, page: true, outcome, ms: Math.round(ms * 10) / 10 }, 'request');
    services.metrics?.recordRequest(name, outcome, ms / 1000);
  }
}

function secretHashFor(client: Client, username: string): string | undefined {
  return client.secret ? computeSecretHash(client.secret, username, client.id) : undefined;
}

export function resetPageRoutes(app: FastifyInstance, services: Services): void {
  const mailboxHref = services.config.dev ? MAILBOX_PATH : undefined;

  const flowOf = (req: FastifyRequest, t: Target): Flow | undefined => {
    const flow = unseal<Flow>(services, FLOW_PURPOSE, readCookies(req).get(FLOW_COOKIE));
    return flow && flow.clientId === t.client.id ? flow : undefined;
  };

  app.get(FORGOT_PATH, async (req, reply) => {
    const t = await target(services, req, reply);
    if (!t) return reply;
    return sendHtml(reply, 200, forgotPasswordPage({ action: FORGOT_PATH + t.query, csrf: csrfToken(services, req, reply), errors: [], branding: t.branding }));
  });

  app.post(FORGOT_PATH, async (req, reply) => {
    const t = await target(services, req, reply);
    if (!t) return reply;
    const form = formOf(services, req, reply, t, FORGOT_PATH);
    if (!form) return reply;
    const username = (form.get('username') ?? '').trim();
    const again = (errors: PageError[], cause?: CognitoException, status = statusOf(errors, cause)): FastifyReply =>
      sendHtml(reply, status, forgotPasswordPage({ action: FORGOT_PATH + t.query, csrf: csrfToken(services, req, reply), username, errors, branding: t.branding }));
    if (!username) return again([{ field: 'username', text: 'Enter your username or email address.' }]);
    try {
      const out = await run(services, req, 'ForgotPassword', { ClientId: t.client.id, Username: username, SecretHash: secretHashFor(t.client, username) }, forgotPassword);
      const flow: Flow = { clientId: t.client.id, username, medium: out.CodeDeliveryDetails?.DeliveryMedium, destination: out.CodeDeliveryDetails?.Destination };
      setCookie(reply, FLOW_COOKIE, seal(services, FLOW_PURPOSE, flow, FLOW_TTL_MS), { path: CONFIRM_PATH, maxAgeSeconds: FLOW_TTL_MS / 1000, secure: secureCookies(req, services.publicUrl()) });
      // Post/redirect/get: reloading the next page does not send another code.
      return securityHeaders(reply).code(303).header('location', CONFIRM_PATH + t.query).send();
    } catch (err) {
      if (!isCognitoError(err)) {
        req.log.error({ err, requestId: String(req.id) }, 'forgot password page failed');
        return again([{ field: 'form', text: 'Something went wrong on our side. Please try again in a few minutes.' }], undefined, 500);
      }
      return again([forgotPasswordError(err)], err);
    }
  });

  app.get(CONFIRM_PATH, async (req, reply) => {
    const t = await target(services, req, reply);
    if (!t) return reply;
    const flow = flowOf(req, t);
    return sendHtml(
      reply,
      200,
      confirmForgotPasswordPage({
        action: CONFIRM_PATH + t.query,
        forgotHref: FORGOT_PATH + t.query,
        csrf: csrfToken(services, req, reply),
        username: flow?.username,
        sentTo: flow?.destination && flow.medium ? { medium: flow.medium, destination: flow.destination } : undefined,
        errors: [],
        policy: passwordPolicyOf(t.pool),
        branding: t.branding,
        mailboxHref,
      }),
    );
  });

  app.post(CONFIRM_PATH, async (req, reply) => {
    const t = await target(services, req, reply);
    if (!t) return reply;
    const form = formOf(services, req, reply, t, CONFIRM_PATH);
    if (!form) return reply;
    const username = (form.get('username') ?? '').trim();
    // People paste codes with spaces or a line break around them.
    const code = (form.get('code') ?? '').replace(/\s+/g, '');
    const password = form.get('password') ?? '';
    const confirm = form.get('confirm-password') ?? '';
    const policy = passwordPolicyOf(t.pool);
    const flow = flowOf(req, t);
    const again = (errors: PageError[], opts: { keepCode: boolean; tried: boolean; cause?: CognitoException; status?: number }): FastifyReply =>
      sendHtml(
        reply,
        opts.status ?? statusOf(errors, opts.cause),
        confirmForgotPasswordPage({
          action: CONFIRM_PATH + t.query,
          forgotHref: FORGOT_PATH + t.query,
          csrf: csrfToken(services, req, reply),
          username,
          code: opts.keepCode ? code : undefined,
          sentTo: flow?.username === username && flow.destination && flow.medium ? { medium: flow.medium, destination: flow.destination } : undefined,
          errors,
          policy,
          triedPassword: opts.tried && password ? password : undefined,
          branding: t.branding,
          mailboxHref,
        }),
      );

    // What the page itself can tell before asking the operation (nothing is counted for these).
    const local: PageError[] = [];
    if (!username) local.push({ field: 'username', text: 'Enter your username or email address.' });
    if (!code) local.push({ field: 'code', text: 'Enter the code from the message we sent you.' });
    if (!password) local.push({ field: 'password', text: 'Enter a new password.' });
    else if (password !== confirm) {
      const weak = checkPasswordPolicy(policy, password);
      if (weak) local.push(confirmForgotPasswordError(new InvalidPasswordException(policyMessage(weak, 'passwordChange')), policy));
      local.push({ field: 'confirmPassword', text: confirm ? 'The passwords do not match. Type the same new password twice.' : 'Type your new password again.' });
    }
    if (local.length) return again(local, { keepCode: true, tried: true });

    try {
      const input = { ClientId: t.client.id, Username: username, ConfirmationCode: code, Password: password, SecretHash: secretHashFor(t.client, username) };
      await run(services, req, 'ConfirmForgotPassword', input, confirmForgotPassword);
      setCookie(reply, FLOW_COOKIE, '', { path: CONFIRM_PATH, maxAgeSeconds: 0, secure: secureCookies(req, services.publicUrl()) });
      return sendHtml(reply, 200, resetDonePage({ backHref: t.backHref, appName: t.client.name, branding: t.branding }));
    } catch (err) {
      if (!isCognitoError(err)) {
        req.log.error({ err, requestId: String(req.id) }, 'reset password page failed');
        return again([{ field: 'form', text: 'Something went wrong on our side. Please try again in a few minutes.' }], { keepCode: true, tried: false, status: 500 });
      }
      const error = confirmForgotPasswordError(err, policy);
      return again([error], { keepCode: error.field !== 'code', tried: error.field === 'password', cause: err });
    }
  });
}
