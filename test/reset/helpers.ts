// Shared setup for the reset-journey tests: a pool, clients and users made through the SDK,
// and the code read back from the development message log over HTTP.
import {
  AdminCreateUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  type CognitoIdentityProviderClient,
  type CreateUserPoolRequest,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';

export interface ResetFixture {
  poolId: string;
  /** PreventUserExistenceErrors LEGACY, no secret. */
  legacyClientId: string;
  /** PreventUserExistenceErrors ENABLED, no secret. */
  enabledClientId: string;
  secretClientId: string;
  secret: string;
}

export async function makePool(client: CognitoIdentityProviderClient, extra: Partial<CreateUserPoolRequest> = {}): Promise<ResetFixture> {
  const pool = await client.send(new CreateUserPoolCommand({ PoolName: 'reset', AutoVerifiedAttributes: ['email'], ...extra }));
  const poolId = pool.UserPool!.Id!;
  const legacy = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'legacy', PreventUserExistenceErrors: 'LEGACY' }));
  const enabled = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'enabled', PreventUserExistenceErrors: 'ENABLED' }));
  const secret = await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'secret', GenerateSecret: true }));
  return {
    poolId,
    legacyClientId: legacy.UserPoolClient!.ClientId!,
    enabledClientId: enabled.UserPoolClient!.ClientId!,
    secretClientId: secret.UserPoolClient!.ClientId!,
    secret: secret.UserPoolClient!.ClientSecret!,
  };
}

/** A CONFIRMED user with a verified email and a known password. */
export async function makeUser(
  client: CognitoIdentityProviderClient,
  poolId: string,
  username: string,
  email: string,
  password = 'Original-Pass1',
): Promise<void> {
  await client.send(
    new AdminCreateUserCommand({
      UserPoolId: poolId,
      Username: username,
      MessageAction: 'SUPPRESS',
      UserAttributes: [
        { Name: 'email', Value: email },
        { Name: 'email_verified', Value: 'true' },
      ],
    }),
  );
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: username, Password: password, Permanent: true }));
}

interface SesMessage {
  Destination: { ToAddresses: string[] };
  Subject: string | null;
  Body: { text_part: string };
}

/** The newest message to `email` in the development mailbox. */
export async function lastEmail(server: TestServer, email: string): Promise<SesMessage | undefined> {
  const res = await fetch(`${server.url}/_aws/ses?email=${encodeURIComponent(email)}`);
  const { messages } = (await res.json()) as { messages: SesMessage[] };
  return messages[messages.length - 1];
}

export async function emailCount(server: TestServer, email: string): Promise<number> {
  const res = await fetch(`${server.url}/_aws/ses?email=${encodeURIComponent(email)}`);
  return ((await res.json()) as { messages: unknown[] }).messages.length;
}

/** The code in the newest reset message to `email`. */
export async function lastCode(server: TestServer, email: string): Promise<string> {
  const m = await lastEmail(server, email);
  const code = /\b(\d{6,10})\b/.exec(m?.Body.text_part ?? '')?.[1];
  if (!code) throw new Error(`no code in the newest message to ${email}`);
  return code;
}

/** Whether the stored password hash of the user verifies `password` (until sign-in exists). */
export async function passwordWorks(server: TestServer, poolId: string, username: string, password: string): Promise<boolean> {
  const user = await server.app.services.store.users.findUserByUsername(poolId, username);
  if (!user?.passwordHash) return false;
  return server.app.services.passwords.verifyPassword(user.passwordHash, password);
}
