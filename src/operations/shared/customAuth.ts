// CUSTOM_AUTH: sign-in driven by the pool's three challenge functions.
//
//   InitiateAuth CUSTOM_AUTH ─> DefineAuthChallenge(session=[]) ─┬─ issueTokens  -> tokens
//                                                                ├─ failAuthentication -> NotAuthorizedException
//                                                                └─ CUSTOM_CHALLENGE -> CreateAuthChallenge
//        -> {ChallengeName: CUSTOM_CHALLENGE, Session, ChallengeParameters: public + USERNAME}
//   RespondToAuthChallenge CUSTOM_CHALLENGE {USERNAME, ANSWER}
//        -> VerifyAuthChallengeResponse(privateChallengeParameters, challengeAnswer)
//        -> DefineAuthChallenge(session += {CUSTOM_CHALLENGE, answerCorrect, challengeMetadata}) ...
//
// Each challenge gets its own single-use Session (authSessions.ts); the functions' session
// list, the private challenge parameters (the expected answer) and the challenge metadata
// travel with it, sealed (triggers/sealing.ts). A login that matches nobody goes through the
// same steps with userNotFound: true when the client hides user existence (so the functions
// can imitate a real challenge), and can never get tokens.
//
// Not built: AuthParameters CHALLENGE_NAME=SRP_A (password verification inside the custom
// flow); it is refused with InvalidParameterException.
import type { OperationContext } from '../context.js';
import type { UserRecord } from '../../store/records.js';
import { eventWithoutUser, triggerEvent, type TriggerEvent } from '../../triggers/events.js';
import { sealJson, unsealJson } from '../../triggers/sealing.js';
import { InvalidLambdaResponseException, InvalidParameterException, NotAuthorizedException, UserNotFoundException } from '../exceptions.js';
import { AUTH_MESSAGES, required, type AuthResponse, type Params } from './authParams.js';
import { consumeAuthSession, peekAuthSession, SESSION_MESSAGES, startAuthSession } from './authSessions.js';
import { checkSecretHash } from './secretHash.js';
import { findUserByLogin } from './users.js';
import { preAuthentication, type ClientMetadata } from './signInTriggers.js';
import { afterPassword } from './auth.js';
import type { Client, Pool } from './pools.js';

interface ChallengeResult {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata: string | null;
}

/** What waits, sealed, in a CUSTOM_CHALLENGE session. */
interface SealedState {
  login: string;
  session: ChallengeResult[];
  privateChallengeParameters: Record<string, string>;
  challengeMetadata: string | null;
}

/** The ceiling on one sign-in's challenges, so a function that never decides cannot loop forever. */
const MAX_CHALLENGES = 16;

function lambdaConfigOf(pool: Pool): Record<string, unknown> | undefined {
  return pool.settings.LambdaConfig as Record<string, unknown> | undefined;
}

/** InitiateAuth / AdminInitiateAuth with AuthFlow CUSTOM_AUTH. */
export async function customSignIn(ctx: OperationContext, pool: Pool, client: Client, params: Params | undefined, metadata: ClientMetadata): Promise<AuthResponse> {
  if (!ctx.triggers.arnOf(lambdaConfigOf(pool), 'DefineAuthChallenge')) throw new InvalidParameterException(AUTH_MESSAGES.noCustomAuth);
  const login = required(params, 'USERNAME');
  // Cognito differs: password verification inside the custom flow (SRP_A) is not built.
  if (params?.CHALLENGE_NAME === 'SRP_A') throw new InvalidParameterException('CHALLENGE_NAME SRP_A is not supported in CUSTOM_AUTH.');
  const user = await findUserByLogin(ctx, pool, login);
  checkSecretHash(client, params?.SECRET_HASH, [login, user?.username]);
  if (!user && client.settings.PreventUserExistenceErrors !== 'ENABLED') throw new UserNotFoundException(AUTH_MESSAGES.userNotFound);
  if (user && !user.enabled) throw new NotAuthorizedException(AUTH_MESSAGES.disabled);
  await preAuthentication(ctx, pool, client, login, user, metadata);
  return nextStep(ctx, pool, client, user, login, [], metadata);
}

/** RespondToAuthChallenge / AdminRespondToAuthChallenge with CUSTOM_CHALLENGE {USERNAME, ANSWER}. */
export async function answerCustomChallenge(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  responses: Params | undefined,
  session: string | undefined,
  metadata: ClientMetadata,
): Promise<AuthResponse> {
  const login = required(responses, 'USERNAME');
  const answer = required(responses, 'ANSWER');
  const record = await peekAuthSession(ctx, client, session, 'CUSTOM_CHALLENGE');
  const state = (record.data?.sealed ? unsealJson(ctx.codeKeys, sealContext(pool, client, record.sub), record.data.sealed) : undefined) as SealedState | undefined;
  if (!state) throw new NotAuthorizedException(SESSION_MESSAGES.invalid);
  const user = record.sub ? await ctx.store.users.findUserBySub(pool.id, record.sub) : undefined;
  if (record.sub && !user) throw new NotAuthorizedException(SESSION_MESSAGES.invalid);
  // The name answered must be the one challenged (or, for a real user, any of their names).
  const named = user ? await findUserByLogin(ctx, pool, login) : undefined;
  if (user ? named?.sub !== user.sub : login !== state.login) throw new NotAuthorizedException(SESSION_MESSAGES.invalid);
  checkSecretHash(client, responses?.SECRET_HASH, [user?.username ?? state.login, login]);
  await consumeAuthSession(ctx, record);

  const verified = await run(ctx, pool, 'VerifyAuthChallengeResponse', user, state.login, client, {
    triggerSource: 'VerifyAuthChallengeResponse_Authentication',
    request: { privateChallengeParameters: state.privateChallengeParameters, challengeAnswer: answer, clientMetadata: metadata ?? {} },
    response: { answerCorrect: null },
  });
  const correct = verified?.response?.answerCorrect;
  if (correct !== undefined && correct !== null && typeof correct !== 'boolean') throw unrecognizable();
  const results = [...state.session, { challengeName: 'CUSTOM_CHALLENGE', challengeResult: correct === true, challengeMetadata: state.challengeMetadata }];
  return nextStep(ctx, pool, client, user, state.login, results, metadata);
}

/** Asks DefineAuthChallenge what comes next, and does it. */
async function nextStep(
  ctx: OperationContext,
  pool: Pool,
  client: Client,
  user: UserRecord | undefined,
  login: string,
  results: ChallengeResult[],
  metadata: ClientMetadata,
): Promise<AuthResponse> {
  const defined = await run(ctx, pool, 'DefineAuthChallenge', user, login, client, {
    triggerSource: 'DefineAuthChallenge_Authentication',
    request: { session: results, clientMetadata: metadata ?? {} },
    response: { challengeName: null, issueTokens: null, failAuthentication: null },
  });
  const r = responseOf(defined);
  const flag = (v: unknown): boolean => {
    if (v === undefined || v === null) return false;
    if (typeof v !== 'boolean') throw unrecognizable();
    return v;
  };
  if (flag(r.failAuthentication)) throw new NotAuthorizedException(AUTH_MESSAGES.incorrect);
  if (flag(r.issueTokens)) {
    // A name that matches nobody never gets tokens, whatever the function says.
    if (!user) throw new NotAuthorizedException(AUTH_MESSAGES.incorrect);
    return afterPassword(ctx, pool, client, user, metadata);
  }
  if (r.challengeName !== 'CUSTOM_CHALLENGE') throw unrecognizable();
  if (results.length >= MAX_CHALLENGES) throw new NotAuthorizedException(AUTH_MESSAGES.incorrect);

  const created = await run(ctx, pool, 'CreateAuthChallenge', user, login, client, {
    triggerSource: 'CreateAuthChallenge_Authentication',
    request: { challengeName: 'CUSTOM_CHALLENGE', session: results, clientMetadata: metadata ?? {} },
    response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  });
  const c = responseOf(created);
  const state: SealedState = {
    login,
    session: results,
    privateChallengeParameters: stringMap(c.privateChallengeParameters),
    challengeMetadata: c.challengeMetadata === undefined || c.challengeMetadata === null ? null : stringOf(c.challengeMetadata),
  };
  const sub = user?.sub ?? null;
  const session = await startAuthSession(ctx, pool, client, sub, 'CUSTOM_CHALLENGE', { sealed: sealJson(ctx.codeKeys, sealContext(pool, client, sub), state) });
  return {
    ChallengeName: 'CUSTOM_CHALLENGE',
    Session: session,
    ChallengeParameters: { ...stringMap(c.publicChallengeParameters), USERNAME: user?.username ?? login },
  };
}

function sealContext(pool: Pool, client: Client, sub: string | null): string[] {
  return [pool.id, client.id, sub ?? ''];
}

/** One challenge function, with the common request fields (userAttributes, userNotFound). */
async function run(
  ctx: OperationContext,
  pool: Pool,
  name: 'DefineAuthChallenge' | 'CreateAuthChallenge' | 'VerifyAuthChallengeResponse',
  user: UserRecord | undefined,
  login: string,
  client: Client,
  e: { triggerSource: string; request: Record<string, unknown>; response: Record<string, unknown> },
): Promise<TriggerEvent | undefined> {
  const lambdaConfig = lambdaConfigOf(pool);
  const request: Record<string, unknown> = { ...e.request };
  if (client.settings.PreventUserExistenceErrors === 'ENABLED') request.userNotFound = !user;
  const common = { triggerSource: e.triggerSource, poolId: pool.id, clientId: client.id, userAgent: ctx.request.userAgent, request, response: e.response };
  const event = user ? triggerEvent({ ...common, user }) : eventWithoutUser({ ...common, userName: login, request: { userAttributes: {}, ...request } });
  // A pool without the function: the challenge cannot be made or checked.
  if (!ctx.triggers.arnOf(lambdaConfig, name)) throw new InvalidParameterException(AUTH_MESSAGES.noCustomAuth);
  return ctx.triggers.run(lambdaConfig, name, event);
}

function responseOf(event: TriggerEvent | undefined): Record<string, unknown> {
  const response: unknown = event?.response;
  if (response === undefined || response === null) return {};
  if (typeof response !== 'object' || Array.isArray(response)) throw unrecognizable();
  return response as Record<string, unknown>;
}

function stringMap(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw unrecognizable();
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = stringOf(v);
  return out;
}

function stringOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw unrecognizable();
}

function unrecognizable(): InvalidLambdaResponseException {
  return new InvalidLambdaResponseException('Unrecognizable lambda output');
}
