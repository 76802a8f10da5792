// `userpool pools list|create|show|delete`: user pools on a running server.
import type { Command } from 'commander';
import {
  CreateUserPoolCommand,
  DeleteUserPoolCommand,
  DescribeUserPoolCommand,
  ListUserPoolsCommand,
  type UserPoolDescriptionType,
  type UserPoolType,
  type UsernameAttributeType,
} from '@aws-sdk/client-cognito-identity-provider';
import { json, keyValues, out, table, wire } from './output.js';
import { remoteCommand, runRemote, UsageError, type RemoteOptions } from './remote.js';

export function poolSummary(pool: UserPoolType): string {
  const policy = pool.Policies?.PasswordPolicy;
  return keyValues([
    ['Id', pool.Id],
    ['Name', pool.Name],
    ['Arn', pool.Arn],
    ['Created', pool.CreationDate],
    ['Modified', pool.LastModifiedDate],
    ['Users (estimated)', pool.EstimatedNumberOfUsers],
    ['Username attributes', pool.UsernameAttributes?.join(', ') || undefined],
    ['Alias attributes', pool.AliasAttributes?.join(', ') || undefined],
    ['Auto-verified', pool.AutoVerifiedAttributes?.join(', ') || undefined],
    ['MFA', pool.MfaConfiguration],
    ['Deletion protection', pool.DeletionProtection],
    [
      'Password policy',
      policy
        ? `min ${policy.MinimumLength ?? 8}${policy.RequireUppercase ? ', upper' : ''}${policy.RequireLowercase ? ', lower' : ''}${policy.RequireNumbers ? ', numbers' : ''}${policy.RequireSymbols ? ', symbols' : ''}`
        : undefined,
    ],
    ['Custom attributes', pool.SchemaAttributes?.filter((a) => a.Name?.startsWith('custom:')).map((a) => a.Name).join(', ') || undefined],
  ]);
}

const USERNAME_ATTRIBUTES = new Set(['email', 'phone_number']);

export function registerPoolsCommand(program: Command): void {
  const pools = program.command('pools').description('List, create, show and delete user pools on a running server');

  remoteCommand(pools.command('list').description('Every user pool, oldest first')).action(async (opts: RemoteOptions) =>
    runRemote('pools list', opts, async (client) => {
      const all: UserPoolDescriptionType[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(new ListUserPoolsCommand({ MaxResults: 60, NextToken: token }));
        all.push(...(page.UserPools ?? []));
        token = page.NextToken;
      } while (token);
      out(opts.json ? json(all) : table(['ID', 'NAME', 'CREATED'], all.map((p) => [p.Id, p.Name, p.CreationDate]), 'no user pools'));
    }),
  );

  remoteCommand(
    pools
      .command('create <name>')
      .description('Create a user pool; prints it (its Id is what the other commands take)')
      .option('--username-attributes <list>', 'sign in with email and/or phone_number instead of a username, comma-separated (also verified automatically)')
      .option('--auto-verify <list>', 'AutoVerifiedAttributes: email and/or phone_number, comma-separated (user import needs one)'),
  ).action(async (name: string, opts: RemoteOptions & { usernameAttributes?: string; autoVerify?: string }) =>
    runRemote('pools create', opts, async (client) => {
      const list = (option: string, value: string | undefined): UsernameAttributeType[] => {
        const items = value?.split(',').map((s) => s.trim()).filter(Boolean) ?? [];
        for (const a of items) if (!USERNAME_ATTRIBUTES.has(a)) throw new UsageError(`${option} takes email and phone_number, not ${a}`);
        return items as UsernameAttributeType[];
      };
      const usernameAttributes = list('--username-attributes', opts.usernameAttributes);
      const autoVerified = [...new Set([...usernameAttributes, ...list('--auto-verify', opts.autoVerify)])];
      const created = await client.send(
        new CreateUserPoolCommand({
          PoolName: name,
          ...(usernameAttributes.length > 0 && { UsernameAttributes: usernameAttributes }),
          ...(autoVerified.length > 0 && { AutoVerifiedAttributes: autoVerified }),
        }),
      );
      out(opts.json ? json(wire(created).UserPool) : poolSummary(created.UserPool!));
    }),
  );

  remoteCommand(pools.command('show <poolId>').description('Describe one user pool')).action(async (poolId: string, opts: RemoteOptions) =>
    runRemote('pools show', opts, async (client) => {
      const { UserPool } = await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
      out(opts.json ? json(UserPool) : poolSummary(UserPool!));
    }),
  );

  remoteCommand(pools.command('delete <poolId>').description('Delete a user pool with its clients and users')).action(
    async (poolId: string, opts: RemoteOptions) =>
      runRemote('pools delete', opts, async (client) => {
        await client.send(new DeleteUserPoolCommand({ UserPoolId: poolId }));
        out(opts.json ? json({ UserPoolId: poolId, Deleted: true }) : `deleted ${poolId}\n`);
      }),
  );
}
