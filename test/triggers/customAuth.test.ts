// CUSTOM_AUTH through a real webhook: DefineAuthChallenge, CreateAuthChallenge and
// VerifyAuthChallengeResponse with Cognito's events, the CUSTOM_CHALLENGE loop over
// RespondToAuthChallenge, tokens or failure as DefineAuthChallenge decides, single-use
// sessions, and the expected answer kept out of the store.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminInitiateAuthCommand,
  CreateUserPoolClientCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  UserLambdaValidationException,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { rejects } from '../helpers/pools.js';
import { claimsOf, confirmedUser, makeAuthPool, startAuthServer, type AuthPool } from '../auth/fixture.js';
import { answerWith, routes, startHookServer, wholeStore, type HookRequest, type HookServer } from './helpers.js';

const arn = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:hook-${name}`;
let hook: HookServer;
let server: TestServer;
let p: AuthPool;
let custom: string;

interface Result {
  challengeName: string;
  challengeResult: boolean;
  challengeMetadata: string | null;
}

/** A quiz: three tries at the capital of France. */
function quiz(req: HookRequest): ReturnType<HookServer['handler']> {
  const e = req.event;
  const session = (e.request.session ?? []) as Result[];
  switch (e.triggerSource) {
    case 'DefineAuthChallenge_Authentication':
      if (session.at(-1)?.challengeResult === true) return answerWith(req, { issueTokens: true, failAuthentication: false });
      if (session.length >= 3) return answerWith(req, { issueTokens: false, failAuthentication: true });
      return answerWith(req, { challengeName: 'CUSTOM_CHALLENGE', issueTokens: false, failAuthentication: false });
    case 'CreateAuthChallenge_Authentication':
      return answerWith(req, { publicChallengeParameters: { question: 'Capital of France?', attempt: session.length + 1 }, privateChallengeParameters: { answer: 'Paris-7261' }, challengeMetadata: 'QUIZ' });
    case 'VerifyAuthChallengeResponse_Authentication': {
      const priv = e.request.privateChallengeParameters as Record<string, string>;
      return answerWith(req, { answerCorrect: e.request.challengeAnswer === priv.answer });
    }
    default:
      return { body: req.body };
  }
}

before(async () => {
  hook = await startHookServer(quiz);
  server = await startAuthServer({ triggerRoutes: routes({ 'arn:aws:lambda:*:*:function:hook-*': { type: 'webhook', url: hook.url } }) });
  p = await makeAuthPool(server.client, {
    LambdaConfig: { DefineAuthChallenge: arn('define'), CreateAuthChallenge: arn('create'), VerifyAuthChallengeResponse: arn('verify') },
  });
  custom = (
    await server.client.send(
      new CreateUserPoolClientCommand({ UserPoolId: p.poolId, ClientName: 'custom', ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], PreventUserExistenceErrors: 'ENABLED' }),
    )
  ).UserPoolClient!.ClientId!;
  await confirmedUser(server.client, p.poolId, 'dave', { email: 'dave@example.com' });
});
after(async () => {
  await server.cleanup();
  await hook.close();
});

const start = (username: string, clientId = custom) =>
  server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: username }, ClientMetadata: { via: 'quiz' } }));
const respond = (session: string | undefined, answer: string, username = 'dave') =>
  server.client.send(
    new RespondToAuthChallengeCommand({ ClientId: custom, ChallengeName: 'CUSTOM_CHALLENGE', Session: session, ChallengeResponses: { USERNAME: username, ANSWER: answer }, ClientMetadata: { via: 'answer' } }),
  );

test('the challenge loop: Define -> Create -> answer -> Verify -> Define, tokens after a right answer', async () => {
  hook.calls.length = 0;
  const first = await start('dave');
  assert.equal(first.ChallengeName, 'CUSTOM_CHALLENGE');
  assert.deepEqual(first.ChallengeParameters, { question: 'Capital of France?', attempt: '1', USERNAME: 'dave' });
  const [define, create] = hook.calls.map((c) => c.event);
  const attrs = define!.request.userAttributes as Record<string, string>;
  assert.deepEqual(define, {
    version: '1',
    triggerSource: 'DefineAuthChallenge_Authentication',
    region: 'us-east-1',
    userPoolId: p.poolId,
    userName: 'dave',
    callerContext: { awsSdkVersion: define!.callerContext.awsSdkVersion, clientId: custom },
    request: { userAttributes: { sub: attrs.sub, email: 'dave@example.com', 'cognito:user_status': 'CONFIRMED' }, session: [], clientMetadata: { via: 'quiz' }, userNotFound: false },
    response: { challengeName: null, issueTokens: null, failAuthentication: null },
  });
  assert.deepEqual(create, {
    ...define,
    triggerSource: 'CreateAuthChallenge_Authentication',
    request: { userAttributes: attrs, challengeName: 'CUSTOM_CHALLENGE', session: [], clientMetadata: { via: 'quiz' }, userNotFound: false },
    response: { publicChallengeParameters: null, privateChallengeParameters: null, challengeMetadata: null },
  });
  assert.ok(!(await wholeStore(server)).includes('Paris-7261'), 'the expected answer is not in the store');

  hook.calls.length = 0;
  const second = await respond(first.Session, 'Lyon');
  assert.equal(second.ChallengeName, 'CUSTOM_CHALLENGE');
  assert.equal(second.ChallengeParameters?.attempt, '2');
  const [verify, define2] = hook.calls.map((c) => c.event);
  assert.deepEqual(verify!.request, { userAttributes: attrs, privateChallengeParameters: { answer: 'Paris-7261' }, challengeAnswer: 'Lyon', clientMetadata: { via: 'answer' }, userNotFound: false });
  assert.deepEqual(verify!.response, { answerCorrect: null });
  assert.equal(verify!.triggerSource, 'VerifyAuthChallengeResponse_Authentication');
  assert.deepEqual(define2!.request.session, [{ challengeName: 'CUSTOM_CHALLENGE', challengeResult: false, challengeMetadata: 'QUIZ' }]);

  // A session answers once.
  await rejects(respond(first.Session, 'Paris-7261'), NotAuthorizedException, 'Invalid session for the user, session is expired.');
  const done = await respond(second.Session, 'Paris-7261');
  assert.ok(done.AuthenticationResult?.IdToken);
  assert.equal(claimsOf(done.AuthenticationResult.IdToken).email, 'dave@example.com');
});

test('three wrong answers: DefineAuthChallenge fails the sign-in', async () => {
  let out = await start('dave');
  out = await respond(out.Session, 'a');
  out = await respond(out.Session, 'b');
  await rejects(respond(out.Session, 'c'), NotAuthorizedException, 'Incorrect username or password.');
});

test('an unknown name under PreventUserExistenceErrors gets a challenge (userNotFound) but never tokens', async () => {
  hook.calls.length = 0;
  const out = await start('ghost');
  assert.equal(out.ChallengeName, 'CUSTOM_CHALLENGE');
  assert.deepEqual(hook.calls[0]!.event.request, { userAttributes: {}, session: [], clientMetadata: { via: 'quiz' }, userNotFound: true });
  hook.handler = (req) => (req.event.triggerSource === 'DefineAuthChallenge_Authentication' ? answerWith(req, { issueTokens: true }) : quiz(req));
  await rejects(respond(out.Session, 'Paris-7261', 'ghost'), NotAuthorizedException, 'Incorrect username or password.');
  hook.handler = quiz;
});

test('refusals: a client without ALLOW_CUSTOM_AUTH, a pool without DefineAuthChallenge, a failing function', async () => {
  await rejects(start('dave', p.legacy), InvalidParameterException, 'CUSTOM_AUTH flow not enabled for this client');
  const bare = await makeAuthPool(server.client);
  const bareClient = (await server.client.send(new CreateUserPoolClientCommand({ UserPoolId: bare.poolId, ClientName: 'c', ExplicitAuthFlows: ['ALLOW_CUSTOM_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
  await rejects(start('dave', bareClient), InvalidParameterException, 'Custom auth lambda trigger is not configured for the user pool.');
  hook.handler = (req) => ({ headers: { 'x-amz-function-error': 'Unhandled' }, body: JSON.stringify({ errorMessage: `no ${req.event.triggerSource}` }) });
  await rejects(
    server.client.send(new AdminInitiateAuthCommand({ UserPoolId: p.poolId, ClientId: custom, AuthFlow: 'CUSTOM_AUTH', AuthParameters: { USERNAME: 'dave' } })),
    UserLambdaValidationException,
    'DefineAuthChallenge failed with error no DefineAuthChallenge_Authentication.',
  );
  hook.handler = quiz;
});
