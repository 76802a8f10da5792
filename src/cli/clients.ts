// `userpool clients list|create|show|delete`: app clients of a user pool on a running server.
import type { Command } from 'commander';
import {
  CreateUserPoolClientCommand,
  DeleteUserPoolClientCommand,
  DescribeUserPoolClientCommand,
  ListUserPoolClientsCommand,
  type ExplicitAuthFlowsType,
  type UserPoolClientDescription,
  type UserPoolClientType,
} from '@aws-sdk/client-cognito-identity-provider';
import { json, keyValues, out, table, wire } from './output.js';
import { remoteCommand, runRemote, type RemoteOptions } from './remote.js';

type PoolOptions = RemoteOptions & { pool: string };

function clientSummary(c: UserPoolClientType): string {
  return keyValues([
    ['ClientId', c.ClientId],
    ['Name', c.ClientName],
    ['UserPoolId', c.UserPoolId],
    // Shown because this is the operator's own tool and a secret is needed to configure an app.
    ['ClientSecret', c.ClientSecret],
    ['Auth flows', c.ExplicitAuthFlows?.join(', ') || undefined],
    ['Prevent user existence errors', c.PreventUserExistenceErrors],
    ['Created', c.CreationDate],
    ['Modified', c.LastModifiedDate],
  ]);
}

const poolOption = ['--pool <poolId>', 'the user pool'] as const;

export function registerClientsCommand(program: Command): void {
  const clients = program.command('clients').description('List, create, show and delete app clients of a user pool');

  remoteCommand(clients.command('list').description('The app clients of a pool').requiredOption(...poolOption)).action(async (opts: PoolOptions) =>
    runRemote('clients list', opts, async (client) => {
      const all: UserPoolClientDescription[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListUserPoolClientsCommand({ UserPoolId: opts.pool, MaxResults: 60, NextToken: token }));
        all.push(...(page.UserPoolClients ?? []));
        token = page.NextToken;
      } while (token);
      out(opts.json ? json(all) : table(['CLIENT ID', 'NAME'], all.map((c) => [c.ClientId, c.ClientName]), 'no app clients'));
    }),
  );

  remoteCommand(
    clients
      .command('create <name>')
      .description('Create an app client; prints it, with its secret if it has one')
      .requiredOption(...poolOption)
      .option('--secret', 'generate a client secret (confidential clients then send SecretHash)')
      .option('--auth-flows <list>', 'ExplicitAuthFlows, comma-separated (default ALLOW_USER_SRP_AUTH,ALLOW_USER_PASSWORD_AUTH,ALLOW_REFRESH_TOKEN_AUTH)'),
  ).action(async (name: string, opts: PoolOptions & { secret?: boolean; authFlows?: string }) =>
    runRemote('clients create', opts, async (client) => {
      const flows = (opts.authFlows ?? 'ALLOW_USER_SRP_AUTH,ALLOW_USER_PASSWORD_AUTH,ALLOW_REFRESH_TOKEN_AUTH')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean) as ExplicitAuthFlowsType[];
      const { UserPoolClient } = await client.send(
        new CreateUserPoolClientCommand({ UserPoolId: opts.pool, ClientName: name, GenerateSecret: opts.secret === true, ExplicitAuthFlows: flows }),
      );
      out(opts.json ? json(UserPoolClient) : clientSummary(UserPoolClient!));
    }),
  );

  remoteCommand(clients.command('show <clientId>').description('Describe one app client').requiredOption(...poolOption)).action(
    async (clientId: string, opts: PoolOptions) =>
      runRemote('clients show', opts, async (client) => {
        const { UserPoolClient } = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: opts.pool, ClientId: clientId }));
        out(opts.json ? json(UserPoolClient) : clientSummary(UserPoolClient!));
      }),
  );

  remoteCommand(clients.command('delete <clientId>').description('Delete an app client').requiredOption(...poolOption)).action(
    async (clientId: string, opts: PoolOptions) =>
      runRemote('clients delete', opts, async (client) => {
        const res = await client.send(new DeleteUserPoolClientCommand({ UserPoolId: opts.pool, ClientId: clientId }));
        out(opts.json ? json({ ...wire(res), UserPoolId: opts.pool, ClientId: clientId, Deleted: true }) : `deleted ${clientId}\n`);
      }),
  );
}
