// `userpool users list|create|show|disable|enable|delete|reset-password`: users of a pool on a
// running server, through the Admin* operations.
import type { Command } from 'commander';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminGetUserCommand,
  AdminResetUserPasswordCommand,
  ListUsersCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  type DeliveryMediumType,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import { attribute, json, keyValues, out, table, type Cell } from './output.js';
import { remoteCommand, runRemote, UsageError, type RemoteOptions } from './remote.js';

type PoolOptions = RemoteOptions & { pool: string };

const poolOption = ['--pool <poolId>', 'the user pool'] as const;

/** Every user of a pool matching a ListUsers filter, page by page. */
export async function* listAllUsers(client: CognitoIdentityProviderClient, poolId: string, filter?: string): AsyncGenerator<UserType[]> {
  let token: string | undefined;
  do {
    const page = await client.send(new ListUsersCommand({ UserPoolId: poolId, Filter: filter, PaginationToken: token }));
    yield page.Users ?? [];
    token = page.PaginationToken;
  } while (token);
}

function userSummary(u: { Username?: string; UserStatus?: string; Enabled?: boolean; UserCreateDate?: Date; UserLastModifiedDate?: Date; PreferredMfaSetting?: string }, attrs: AttributeType[]): string {
  const rows: Array<[string, Cell]> = [
    ['Username', u.Username],
    ['Status', u.UserStatus],
    ['Enabled', u.Enabled],
    ['Created', u.UserCreateDate],
    ['Modified', u.UserLastModifiedDate],
    ['Preferred MFA', u.PreferredMfaSetting],
  ];
  for (const a of attrs) rows.push([a.Name ?? '', a.Value]);
  return keyValues(rows);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Registers a `users <verb> <username> --pool` command that makes one Admin* call. */
function simple(
  users: Command,
  verb: string,
  description: string,
  call: (client: CognitoIdentityProviderClient, poolId: string, username: string) => Promise<unknown>,
  done: string,
): void {
  remoteCommand(users.command(`${verb} <username>`).description(description).requiredOption(...poolOption)).action(
    async (username: string, opts: PoolOptions) =>
      runRemote(`users ${verb}`, opts, async (client) => {
        await call(client, opts.pool, username);
        out(opts.json ? json({ UserPoolId: opts.pool, Username: username, Action: verb }) : `${done} ${username}\n`);
      }),
  );
}

export function registerUsersCommand(program: Command): void {
  const users = program.command('users').description('List, create, show, disable, enable, delete users and reset their passwords');

  remoteCommand(
    users
      .command('list')
      .description('The users of a pool (ListUsers), all pages')
      .requiredOption(...poolOption)
      .option('--filter <expression>', 'a ListUsers filter, e.g. \'email ^= "ann"\' or \'status = "RESET_REQUIRED"\''),
  ).action(async (opts: PoolOptions & { filter?: string }) =>
    runRemote('users list', opts, async (client) => {
      const all: UserType[] = [];
      for await (const page of listAllUsers(client, opts.pool, opts.filter)) all.push(...page);
      out(
        opts.json
          ? json(all)
          : table(
              ['USERNAME', 'STATUS', 'ENABLED', 'EMAIL', 'PHONE', 'CREATED'],
              all.map((u) => [u.Username, u.UserStatus, u.Enabled, attribute(u.Attributes, 'email'), attribute(u.Attributes, 'phone_number'), u.UserCreateDate]),
              'no users',
            ),
      );
    }),
  );

  remoteCommand(
    users
      .command('create <username>')
      .description('Create a user (AdminCreateUser); Cognito sends the invitation unless --suppress-message')
      .requiredOption(...poolOption)
      .option('--email <address>', 'the email attribute')
      .option('--phone <number>', 'the phone_number attribute, E.164 (+15555550100)')
      .option('--verified', 'mark the given email and phone as verified')
      .option('--attribute <name=value>', 'another attribute, repeatable (custom:plan=pro)', collect, [] as string[])
      .option('--temporary-password <password>', 'the temporary password (default: the server generates one)')
      .option('--suppress-message', 'send no invitation message'),
  ).action(
    async (
      username: string,
      opts: PoolOptions & { email?: string; phone?: string; verified?: boolean; attribute: string[]; temporaryPassword?: string; suppressMessage?: boolean },
    ) =>
      runRemote('users create', opts, async (client) => {
        const attrs: AttributeType[] = [];
        if (opts.email !== undefined) attrs.push({ Name: 'email', Value: opts.email });
        if (opts.phone !== undefined) attrs.push({ Name: 'phone_number', Value: opts.phone });
        if (opts.verified && opts.email !== undefined) attrs.push({ Name: 'email_verified', Value: 'true' });
        if (opts.verified && opts.phone !== undefined) attrs.push({ Name: 'phone_number_verified', Value: 'true' });
        for (const pair of opts.attribute) {
          const i = pair.indexOf('=');
          if (i <= 0) throw new UsageError(`--attribute takes name=value, not ${pair}`);
          attrs.push({ Name: pair.slice(0, i), Value: pair.slice(i + 1) });
        }
        const mediums: DeliveryMediumType[] = [];
        if (opts.email !== undefined) mediums.push('EMAIL');
        if (opts.phone !== undefined) mediums.push('SMS');
        const { User } = await client.send(
          new AdminCreateUserCommand({
            UserPoolId: opts.pool,
            Username: username,
            UserAttributes: attrs,
            ...(opts.temporaryPassword !== undefined && { TemporaryPassword: opts.temporaryPassword }),
            ...(opts.suppressMessage && { MessageAction: 'SUPPRESS' as const }),
            ...(mediums.length > 0 && { DesiredDeliveryMediums: mediums }),
          }),
        );
        out(opts.json ? json(User) : userSummary(User!, User!.Attributes ?? []));
      }),
  );

  remoteCommand(users.command('show <username>').description('One user with its attributes (AdminGetUser)').requiredOption(...poolOption)).action(
    async (username: string, opts: PoolOptions) =>
      runRemote('users show', opts, async (client) => {
        const { $metadata: _m, ...user } = await client.send(new AdminGetUserCommand({ UserPoolId: opts.pool, Username: username }));
        out(opts.json ? json(user) : userSummary(user, user.UserAttributes ?? []));
      }),
  );

  simple(users, 'disable', 'Disable a user: sign-in refused, tokens no longer accepted', (c, p, u) => c.send(new AdminDisableUserCommand({ UserPoolId: p, Username: u })), 'disabled');
  simple(users, 'enable', 'Enable a disabled user', (c, p, u) => c.send(new AdminEnableUserCommand({ UserPoolId: p, Username: u })), 'enabled');
  simple(users, 'delete', 'Delete a user', (c, p, u) => c.send(new AdminDeleteUserCommand({ UserPoolId: p, Username: u })), 'deleted');
  simple(
    users,
    'reset-password',
    'AdminResetUserPassword: the user is sent a code and must set a new password to sign in',
    (c, p, u) => c.send(new AdminResetUserPasswordCommand({ UserPoolId: p, Username: u })),
    'password reset for',
  );
}
