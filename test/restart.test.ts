// State survives a restart: a new server on the same data directory answers exactly what the
// old one did, for pools, clients (secret included) and users (password included).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, tempDataDir, type TestServer } from './helpers/server.js';
import { FAST_ARGON2 } from './helpers/users.js';

const dataDir = tempDataDir();
after(() => rmSync(dataDir, { recursive: true, force: true }));

/** The SDK output without the per-request metadata. */
function body<T extends { $metadata?: unknown }>(out: T): Omit<T, '$metadata'> {
  const { $metadata: _, ...rest } = out;
  return rest;
}

async function readAll(server: TestServer, poolId: string, clientId: string, username: string): Promise<unknown> {
  const c = server.client;
  return {
    pool: body(await c.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))),
    pools: body(await c.send(new ListUserPoolsCommand({ MaxResults: 60 }))),
    client: body(await c.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))),
    clients: body(await c.send(new ListUserPoolClientsCommand({ UserPoolId: poolId }))),
    user: body(await c.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: username }))),
    users: body(await c.send(new ListUsersCommand({ UserPoolId: poolId }))),
  };
}

test('pools, clients and users read back identically after a restart', async () => {
  const first = await startTestServer({ dataDir }, { argon2: FAST_ARGON2 });
  let poolId: string;
  let clientId: string;
  let before: unknown;
  let passwordHash: string | null;
  const password = 'Restart-Passw0rd!';
  try {
    const pool = await first.client.send(
      new CreateUserPoolCommand({
        PoolName: 'durable',
        UsernameAttributes: ['email'],
        AutoVerifiedAttributes: ['email'],
        Policies: { PasswordPolicy: { MinimumLength: 10, RequireSymbols: false } },
        UserPoolTags: { team: 'identity' },
      }),
    );
    poolId = pool.UserPool!.Id!;
    const client = await first.client.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'backend', GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
    );
    clientId = client.UserPoolClient!.ClientId!;
    assert.ok(client.UserPoolClient!.ClientSecret, 'the client has a secret');
    await first.client.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: 'erin@example.com',
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }, { Name: 'name', Value: 'Erin' }],
        MessageAction: 'SUPPRESS',
      }),
    );
    await first.client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'erin@example.com', Password: password, Permanent: true }));
    before = await readAll(first, poolId, clientId, 'erin@example.com');
    passwordHash = (await first.app.services.store.users.listUsers(poolId, undefined, 10)).users[0]!.passwordHash;
  } finally {
    await first.stop();
  }

  const second = await startTestServer({ dataDir }, { argon2: FAST_ARGON2 });
  try {
    const after = await readAll(second, poolId, clientId, 'erin@example.com');
    assert.deepEqual(after, before);
    // Spot checks, so "identical" cannot mean "identically empty".
    const read = after as { pool: { UserPool: { Name: string } }; client: { UserPoolClient: { ClientSecret: string } }; user: { UserStatus: string } };
    assert.equal(read.pool.UserPool.Name, 'durable');
    assert.match(read.client.UserPoolClient.ClientSecret, /^\w+$/);
    assert.equal(read.user.UserStatus, 'CONFIRMED');
    const user = (await second.app.services.store.users.listUsers(poolId, undefined, 10)).users[0]!;
    assert.equal(user.passwordHash, passwordHash);
    assert.ok(await second.app.services.passwords.verifyPassword(user.passwordHash!, password));
  } finally {
    await second.stop();
  }
});
