// PreTokenGeneration: the V1_0 event from a local module handler (claims added, overridden and
// suppressed in the id token, groups in both, protected claims kept), the V2_0 event from a
// webhook (access token claims and scopes), on sign-in, refresh and NEW_PASSWORD_REQUIRED,
// and failures answered as Cognito answers them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AdminCreateUserCommand,
  InitiateAuthCommand,
  InvalidLambdaResponseException,
  RespondToAuthChallengeCommand,
  UserLambdaValidationException,
  type AuthenticationResultType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { rejects } from '../helpers/pools.js';
import { claimsOf, confirmedUser, makeAuthPool, PASSWORD, signIn, startAuthServer, type AuthPool } from '../auth/fixture.js';
import { answerWith, moduleDir, routes, startHookServer, type HookRequest, type HookServer } from './helpers.js';

const V1_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:mod-claims';
const V2_ARN = 'arn:aws:lambda:us-east-1:000000000000:function:hook-claims';
const handlers = moduleDir();
const outFile = join(handlers.dir, 'event.json');
let hook: HookServer;
let server: TestServer;
let v1: AuthPool;
let v2: AuthPool;

handlers.write(
  'claims.mjs',
  `import { writeFileSync } from 'node:fs';
   export async function handler(event) {
     writeFileSync(process.env.OUT_FILE, JSON.stringify(event));
     if (event.request.clientMetadata.fail) throw new Error('No tokens today');
     if (event.request.clientMetadata.garbage) { event.response = { claimsOverrideDetails: { claimsToSuppress: 'email' } }; return event; }
     event.response = { claimsOverrideDetails: {
       claimsToAddOrOverride: { tier: 'gold', given_name: 'Overridden', sub: 'forged', iss: 'https://evil.example.com', dropped: 'x' },
       claimsToSuppress: ['email', 'dropped', 'token_use'],
       groupOverrideDetails: { groupsToOverride: ['admins', 'staff'], iamRolesToOverride: ['arn:aws:iam::000000000000:role/admin'], preferredRole: 'arn:aws:iam::000000000000:role/admin' },
     } };
     return event;
   }`,
);

function v2Function(req: HookRequest): ReturnType<HookServer['handler']> {
  return answerWith(req, {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: { permissions: { read: true, write: ['docs'] } }, claimsToSuppress: ['phone_number'] },
      accessTokenGeneration: {
        claimsToAddOrOverride: { tenant: 'acme', client_id: 'forged' },
        claimsToSuppress: ['username'],
        scopesToAdd: ['api/read', 'api/write'],
        scopesToSuppress: ['api/write'],
      },
    },
  });
}

before(async () => {
  hook = await startHookServer(v2Function);
  server = await startAuthServer({
    triggerRoutes: routes({
      [V1_ARN]: { type: 'module', path: join(handlers.dir, 'claims.mjs'), env: { OUT_FILE: outFile } },
      'arn:aws:lambda:*:*:function:hook-*': { type: 'webhook', url: hook.url },
    }),
  });
  v1 = await makeAuthPool(server.client, { LambdaConfig: { PreTokenGeneration: V1_ARN } });
  v2 = await makeAuthPool(server.client, { LambdaConfig: { PreTokenGenerationConfig: { LambdaVersion: 'V2_0', LambdaArn: V2_ARN } } });
  for (const p of [v1, v2]) await confirmedUser(server.client, p.poolId, 'carol', { email: 'carol@example.com', given_name: 'Carol', phone_number: '+15555550100' });
});
after(async () => {
  await server.cleanup();
  await hook.close();
  handlers.remove();
});

const recorded = (): Record<string, any> => JSON.parse(readFileSync(outFile, 'utf8')) as Record<string, any>;
const auth = (clientId: string, metadata?: Record<string, string>) =>
  server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'carol', PASSWORD }, ClientMetadata: metadata }));

function checkV1Tokens(tokens: AuthenticationResultType): void {
  const id = claimsOf(tokens.IdToken!);
  assert.equal(id.tier, 'gold');
  assert.equal(id.given_name, 'Overridden');
  assert.equal(id.email, undefined, 'suppressed');
  assert.equal(id.dropped, undefined, 'suppressed wins over added');
  assert.equal(id.token_use, 'id', 'protected claims cannot be suppressed');
  assert.match(String(id.sub), /^[0-9a-f-]{36}$/, 'nor overridden');
  assert.notEqual(id.iss, 'https://evil.example.com');
  assert.deepEqual(id['cognito:groups'], ['admins', 'staff']);
  assert.deepEqual(id['cognito:roles'], ['arn:aws:iam::000000000000:role/admin']);
  assert.equal(id['cognito:preferred_role'], 'arn:aws:iam::000000000000:role/admin');
  const access = claimsOf(tokens.AccessToken!);
  assert.deepEqual(access['cognito:groups'], ['admins', 'staff']);
  assert.equal(access.tier, undefined, 'V1 changes only the id token (and groups)');
  assert.equal(access.scope, 'aws.cognito.signin.user.admin');
}

test('V1_0 from a module handler: TokenGeneration_Authentication event, claims applied to the id token', async () => {
  const out = await auth(v1.legacy, { app: 'web' });
  checkV1Tokens(out.AuthenticationResult!);
  const event = recorded();
  const attrs = event.request.userAttributes as Record<string, string>;
  assert.deepEqual(event, {
    version: '1',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'us-east-1',
    userPoolId: v1.poolId,
    userName: 'carol',
    callerContext: { awsSdkVersion: event.callerContext.awsSdkVersion, clientId: v1.legacy },
    request: {
      userAttributes: { sub: attrs.sub, email: 'carol@example.com', given_name: 'Carol', phone_number: '+15555550100', 'cognito:user_status': 'CONFIRMED' },
      groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null },
      clientMetadata: { app: 'web' },
    },
    response: { claimsOverrideDetails: null },
  });
});

test('V1_0 on refresh (TokenGeneration_RefreshTokens) and after NEW_PASSWORD_REQUIRED', async () => {
  const tokens = await signIn(server.client, v1.legacy, 'carol');
  const refreshed = await server.client.send(new InitiateAuthCommand({ ClientId: v1.legacy, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } }));
  assert.equal(recorded().triggerSource, 'TokenGeneration_RefreshTokens');
  checkV1Tokens(refreshed.AuthenticationResult!);

  await server.client.send(new AdminCreateUserCommand({ UserPoolId: v1.poolId, Username: 'newbie', TemporaryPassword: 'Temp-Pass-123', MessageAction: 'SUPPRESS' }));
  const start = await server.client.send(new InitiateAuthCommand({ ClientId: v1.legacy, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'newbie', PASSWORD: 'Temp-Pass-123' } }));
  assert.equal(start.ChallengeName, 'NEW_PASSWORD_REQUIRED');
  const done = await server.client.send(
    new RespondToAuthChallengeCommand({
      ClientId: v1.legacy,
      ChallengeName: 'NEW_PASSWORD_REQUIRED',
      Session: start.Session,
      ChallengeResponses: { USERNAME: 'newbie', NEW_PASSWORD: 'Chosen-Pass-123' },
      ClientMetadata: { step: 'new-password' },
    }),
  );
  const event = recorded();
  assert.equal(event.triggerSource, 'TokenGeneration_NewPasswordChallenge');
  assert.deepEqual(event.request.clientMetadata, { step: 'new-password' });
  assert.equal(claimsOf(done.AuthenticationResult!.IdToken!).tier, 'gold');
});

test('a failing or malformed PreTokenGeneration answer gives no tokens', async () => {
  await rejects(auth(v1.legacy, { fail: '1' }), UserLambdaValidationException, 'PreTokenGeneration failed with error No tokens today.');
  await rejects(auth(v1.legacy, { garbage: '1' }), InvalidLambdaResponseException, 'Unrecognizable lambda output');
});

test('V2_0 from a webhook: version "2" with scopes; id and access tokens both customized', async () => {
  hook.calls.length = 0;
  const tokens = (await auth(v2.legacy)).AuthenticationResult!;
  const event = hook.calls[0]!.event;
  assert.equal(event.version, '2');
  assert.equal(event.triggerSource, 'TokenGeneration_Authentication');
  assert.deepEqual(event.request.scopes, ['aws.cognito.signin.user.admin']);
  assert.deepEqual(event.request.groupConfiguration, { groupsToOverride: [], iamRolesToOverride: [], preferredRole: null });
  assert.deepEqual(event.response, { claimsAndScopeOverrideDetails: null });

  const id = claimsOf(tokens.IdToken!);
  assert.deepEqual(id.permissions, { read: true, write: ['docs'] });
  assert.equal(id.phone_number, undefined);
  assert.equal(id.email, 'carol@example.com');
  const access = claimsOf(tokens.AccessToken!);
  assert.equal(access.tenant, 'acme');
  assert.equal(access.client_id, v2.legacy, 'client_id is not the function\'s to change');
  assert.equal(access.username, 'carol', 'nor is username');
  assert.equal(access.scope, 'aws.cognito.signin.user.admin api/read');

  // An answer keeping version "1" is not a V2_0 answer.
  hook.handler = (req) => ({ body: JSON.stringify({ ...req.event, version: '1' }) });
  await rejects(auth(v2.legacy), InvalidLambdaResponseException, 'Invalid version. Version should be 2');
  hook.handler = v2Function;
});
