// Every `userpool` command answers --help, and the older direct commands (messages, keys,
// migrate) keep working from the built package beside the admin ones.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { AdminResetUserPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2 } from '../helpers/users.js';
import { makePool, makeUser } from '../reset/helpers.js';
import { builtBin, tempDir, userEnv, userpool } from './built.js';

let env: NodeJS.ProcessEnv;
before(() => {
  builtBin();
  env = userEnv(tempDir());
});

const COMMANDS: Array<{ path: string[]; shows: RegExp[] }> = [
  { path: [], shows: [/^ {2}serve /m, /^ {2}pools/m, /^ {2}clients/m, /^ {2}users/m, /^ {2}import /m, /^ {2}export /m, /^ {2}backup /m, /^ {2}restore /m, /^ {2}messages /m, /^ {2}keys/m, /^ {2}migrate /m] },
  { path: ['pools'], shows: [/^ {2}list /m, /^ {2}create /m, /^ {2}show /m, /^ {2}delete /m] },
  { path: ['pools', 'list'], shows: [/--endpoint-url <url>/, /--region <region>/, /--profile <name>/, /--json/] },
  { path: ['pools', 'create'], shows: [/--username-attributes/, /--auto-verify/] },
  { path: ['pools', 'show'], shows: [/<poolId>/] },
  { path: ['pools', 'delete'], shows: [/<poolId>/] },
  { path: ['clients'], shows: [/^ {2}list /m, /^ {2}create /m, /^ {2}show /m, /^ {2}delete /m] },
  { path: ['clients', 'list'], shows: [/--pool <poolId>/] },
  { path: ['clients', 'create'], shows: [/--secret/, /--auth-flows/] },
  { path: ['clients', 'show'], shows: [/<clientId>/] },
  { path: ['clients', 'delete'], shows: [/<clientId>/] },
  { path: ['users'], shows: ['list', 'create', 'show', 'disable', 'enable', 'delete', 'reset-password'].map((c) => new RegExp(`^ {2}${c} `, 'm')) },
  { path: ['users', 'list'], shows: [/--filter <expression>/] },
  { path: ['users', 'create'], shows: [/--email/, /--phone/, /--attribute/, /--temporary-password/, /--suppress-message/, /--verified/] },
  { path: ['users', 'show'], shows: [/<username>/] },
  { path: ['users', 'disable'], shows: [/<username>/] },
  { path: ['users', 'enable'], shows: [/<username>/] },
  { path: ['users', 'delete'], shows: [/<username>/] },
  { path: ['users', 'reset-password'], shows: [/AdminResetUserPassword/] },
  { path: ['import'], shows: [/<file>/, /--pool <poolId>/, /--job-name/, /--json/] },
  { path: ['export'], shows: [/--format <format>/, /"csv"/, /"jsonl"/, /--out <file>/] },
  { path: ['backup'], shows: [/--out <file>/, /--data-dir <dir>/] },
  { path: ['restore'], shows: [/--from <file>/, /--force/] },
  { path: ['messages'], shows: [/--endpoint-url <url>/, /--json/] },
  { path: ['keys'], shows: [/rotate/] },
  { path: ['migrate'], shows: [/--data-dir/] },
  { path: ['serve'], shows: [/--port/] },
];

test('every command answers --help with its options, exit 0', async () => {
  for (const { path, shows } of COMMANDS) {
    const r = await userpool([...path, '--help'], env);
    assert.equal(r.code, 0, `${path.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^Usage: userpool${path.length ? ' ' + path.join(' ') : ''}`));
    for (const re of shows) assert.match(r.stdout, re, `userpool ${path.join(' ')} --help`);
  }
  const bare = await userpool([], env);
  assert.equal(bare.code, 2, 'no command is a usage error');
  assert.match(bare.stderr, /^Usage: userpool/);
});

test('messages, keys and migrate work from the built package', async () => {
  const server: TestServer = await startTestServer({ dev: true }, { argon2: FAST_ARGON2 });
  after(() => server.cleanup());
  const { poolId } = await makePool(server.client);
  await makeUser(server.client, poolId, 'mia', 'mia@example.com');
  await server.client.send(new AdminResetUserPasswordCommand({ UserPoolId: poolId, Username: 'mia' }));

  const messages = await userpool(['messages', '--endpoint-url', server.url, '--email', 'mia@example.com', '--json'], env);
  assert.equal(messages.code, 0, messages.stderr);
  assert.equal((JSON.parse(messages.stdout) as unknown[]).length, 1);
  const unreachable = await userpool(['messages', '--endpoint-url', 'http://127.0.0.1:59999'], env);
  assert.equal(unreachable.code, 3);
  assert.match(unreachable.stderr, /cannot reach http:\/\/127\.0\.0\.1:59999/);

  const keys = await userpool(['keys', 'list', poolId, '--data-dir', server.dataDir], env);
  assert.equal(keys.code, 0, keys.stderr);
  assert.match(keys.stdout, /^\S+\n$/);

  const fresh = join(tempDir(), 'data');
  const migrate = await userpool(['migrate', '--data-dir', fresh], env);
  assert.equal(migrate.code, 0, migrate.stderr);
  assert.match(migrate.stdout, /userpool: database migrated \(\d+ applied\)\n$/);
});
