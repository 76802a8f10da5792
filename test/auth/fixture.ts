// Shared setup for the sign-in and token tests: a fast server (on a clock the test can move,
// when asked), a pool with app clients in the shapes the tests need, users made through the
// SDK, and password sign-in in one call.
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  InitiateAuthCommand,
  type AuthenticationResultType,
  type CognitoIdentityProviderClient,
  type CreateUserPoolClientRequest,
  type CreateUserPoolRequest,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2 } from '../helpers/users.js';
import type { ServerConfig } from '../../src/config/config.js';
import { computeSecretHash } from '../../src/operations/shared/secretHash.js';

export const PASSWORD = 'Correct-Horse1';

/** A clock the test moves (epoch ms). Starts at the real time so real JWT verifiers agree. */
export class TestClock {
  constructor(public t = Date.now()) {}
  now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

export function startAuthServer(overrides: Partial<ServerConfig> = {}, clock?: TestClock): Promise<TestServer> {
  return startTestServer({ dev: true, ...overrides }, { argon2: FAST_ARGON2, ...(clock && { clock }) });
}

export const ALL_FLOWS: CreateUserPoolClientRequest['ExplicitAuthFlows'] = [
  'ALLOW_USER_PASSWORD_AUTH',
  'ALLOW_ADMIN_USER_PASSWORD_AUTH',
  'ALLOW_USER_SRP_AUTH',
  'ALLOW_REFRESH_TOKEN_AUTH',
];

export interface AuthPool {
  poolId: string;
  /** Every password flow, PreventUserExistenceErrors LEGACY, no secret. */
  legacy: string;
  /** Every password flow, PreventUserExistenceErrors ENABLED. */
  enabled: string;
  /** Every password flow and a secret. */
  secretClient: string;
  secret: string;
  /** Cognito's default flows: SRP, refresh and custom, no plain password. */
  srpOnly: string;
}

export async function makeClient(client: CognitoIdentityProviderClient, poolId: string, extra: Partial<CreateUserPoolClientRequest> = {}): Promise<string> {
  const out = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'c', ExplicitAuthFlows: ALL_FLOWS, ...extra }));
  return out.UserPoolClient!.ClientId!;
}

export async function makeAuthPool(client: CognitoIdentityProviderClient, extra: Partial<CreateUserPoolRequest> = {}): Promise<AuthPool> {
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'auth', ...extra }));
  const poolId = pool.UserPool!.Id!;
  const secret = await client.send(
    new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'secret', ExplicitAuthFlows: ALL_FLOWS, GenerateSecret: true }),
  );
  return {
    poolId,
    legacy: await makeClient(client, poolId, { PreventUserExistenceErrors: 'LEGACY' }),
    enabled: await makeClient(client, poolId, { PreventUserExistenceErrors: 'ENABLED' }),
    secretClient: secret.UserPoolClient!.ClientId!,
    secret: secret.UserPoolClient!.ClientSecret!,
    srpOnly: await makeClient(client, poolId, { ExplicitAuthFlows: undefined }),
  };
}

/** A CONFIRMED user with a verified email and a permanent password. */
export async function confirmedUser(
  client: CognitoIdentityProviderClient,
  poolId: string,
  username: string,
  attributes: Record<string, string> = {},
  password = PASSWORD,
): Promise<void> {
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
    }),
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
}

/** USER_PASSWORD_AUTH that must succeed with tokens. */
export async function signIn(
  client: CognitoIdentityProviderClient,
  clientId: string,
  username: string,
  password = PASSWORD,
  secret?: string,
): Promise<AuthenticationResultType> {
  const out = await client.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: 'USER_PASSWORD_AUTH',
      AuthParameters: { USERNAME: username, PASSWORD: password, ...(secret && { SECRET_HASH: computeSecretHash(secret, username, clientId) }) },
    }),
  );
  assert.ok(out.AuthenticationResult?.AccessToken, `signed in without a challenge (got ${out.ChallengeName})`);
  return out.AuthenticationResult;
}

/** The payload of a JWT, unverified (the tests verify with aws-jwt-verify where it matters). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function headerOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
