// `userpool pools|clients|users` as an operator runs them: the built command in its own process
// against a real server, in table and --json output, with the documented exit codes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AdminGetUserCommand, type UserPoolClientType, type UserPoolType, type UserType } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { builtBin, tempDir, userEnv, userpool, type CliResult } from './built.js';

let server: TestServer;
let env: NodeJS.ProcessEnv;

before(async () => {
  builtBin();
  server = await startTestServer();
  // No AWS settings at all: a loopback server without --access-keys needs none.
  env = userEnv(tempDir(), { USERPOOL_ENDPOINT: server.url });
});
after(() => server.cleanup());

async function ok(args: string[], e = env): Promise<string> {
  const r = await userpool(args, e);
  assert.equal(r.code, 0, `userpool ${args.join(' ')}: ${r.stderr}`);
  assert.equal(r.stderr, '');
  return r.stdout;
}

async function okJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await ok([...args, '--json'])) as T;
}

/** A Cognito error: exit 1, nothing on stdout, one `Name: message` line on stderr. */
function assertCognitoError(r: CliResult, line: string): void {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `${line}\n`);
}

/** Value of a `Key  value` line of a show block. */
function field(block: string, key: string): string | undefined {
  const line = block.split('\n').find((l) => l.startsWith(key + '  '));
  return line?.slice(key.length).trim();
}

describe('userpool pools', () => {
  test('create, list, show and delete in tables and in JSON', async () => {
    const human = await ok(['pools', 'create', 'first']);
    const firstId = field(human, 'Id')!;
    assert.match(firstId, /^us-east-1_[0-9A-Za-z]+$/);
    assert.equal(field(human, 'Name'), 'first');

    const second = await okJson<UserPoolType>(['pools', 'create', 'second', '--username-attributes', 'email']);
    assert.equal(second.Name, 'second');
    assert.deepEqual(second.UsernameAttributes, ['email']);

    const table = (await ok(['pools', 'list'])).split('\n');
    assert.match(table[0]!, /^ID\s+NAME\s+CREATED$/);
    assert.ok(table.some((l) => l.startsWith(firstId) && /\sfirst\s/.test(l)), table.join('\n'));
    assert.ok(table.some((l) => l.startsWith(second.Id!) && /\ssecond\s/.test(l)));
    const listed = await okJson<UserPoolType[]>(['pools', 'list']);
    assert.deepEqual(new Set(listed.map((p) => p.Id)), new Set([firstId, second.Id]));

    const shown = await ok(['pools', 'show', second.Id!]);
    assert.equal(field(shown, 'Id'), second.Id);
    assert.equal(field(shown, 'Username attributes'), 'email');
    const described = await okJson<UserPoolType>(['pools', 'show', firstId]);
    assert.equal(described.Name, 'first');
    assert.equal(typeof described.CreationDate, 'string', 'dates are ISO strings in JSON');

    assert.equal(await ok(['pools', 'delete', firstId]), `deleted ${firstId}\n`);
    assert.deepEqual(await okJson(['pools', 'delete', second.Id!]), { UserPoolId: second.Id, Deleted: true });
    assertCognitoError(await userpool(['pools', 'show', firstId], env), `ResourceNotFoundException: User pool ${firstId} does not exist.`);
    assert.equal(await ok(['pools', 'list']), 'no user pools\n');
    assert.deepEqual(await okJson(['pools', 'list']), []);
  });
});

describe('userpool clients', () => {
  test('create with and without a secret, list, show and delete', async () => {
    const pool = await okJson<UserPoolType>(['pools', 'create', 'apps']);
    const human = await ok(['clients', 'create', 'web', '--pool', pool.Id!, '--secret']);
    const webId = field(human, 'ClientId')!;
    assert.match(field(human, 'ClientSecret')!, /^[a-z0-9]{40,}$/);
    const mobile = await okJson<UserPoolClientType>(['clients', 'create', 'mobile', '--pool', pool.Id!, '--auth-flows', 'ALLOW_USER_SRP_AUTH,ALLOW_REFRESH_TOKEN_AUTH']);
    assert.equal(mobile.ClientSecret, undefined);
    assert.deepEqual(mobile.ExplicitAuthFlows, ['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);

    const table = await ok(['clients', 'list', '--pool', pool.Id!]);
    assert.match(table, /^CLIENT ID\s+NAME\n/);
    assert.match(table, new RegExp(`^${webId}\\s+web$`, 'm'));
    assert.deepEqual((await okJson<Array<{ ClientName: string }>>(['clients', 'list', '--pool', pool.Id!])).map((c) => c.ClientName).sort(), ['mobile', 'web']);

    assert.equal(field(await ok(['clients', 'show', webId, '--pool', pool.Id!]), 'Name'), 'web');
    assert.equal((await okJson<UserPoolClientType>(['clients', 'show', mobile.ClientId!, '--pool', pool.Id!])).ClientName, 'mobile');

    assert.equal(await ok(['clients', 'delete', webId, '--pool', pool.Id!]), `deleted ${webId}\n`);
    assert.equal((await okJson<{ Deleted: boolean }>(['clients', 'delete', mobile.ClientId!, '--pool', pool.Id!])).Deleted, true);
    const gone = await userpool(['clients', 'show', webId, '--pool', pool.Id!], env);
    assert.equal(gone.code, 1);
    assert.match(gone.stderr, /^ResourceNotFoundException: .+\n$/);
    assert.equal(await ok(['clients', 'list', '--pool', pool.Id!]), 'no app clients\n');
  });
});

describe('userpool users', () => {
  test('create, list with a filter, show, disable, enable, reset-password and delete', async () => {
    const pool = await okJson<UserPoolType>(['pools', 'create', 'people']);
    const p = ['--pool', pool.Id!];
    const ann = await ok(['users', 'create', 'ann', ...p, '--email', 'ann@example.com', '--verified', '--suppress-message', '--attribute', 'name=Ann Lee']);
    assert.equal(field(ann, 'Username'), 'ann');
    assert.equal(field(ann, 'Status'), 'FORCE_CHANGE_PASSWORD');
    assert.equal(field(ann, 'email_verified'), 'true');
    assert.equal(field(ann, 'name'), 'Ann Lee');
    const bob = await okJson<UserType>(['users', 'create', 'bob', ...p, '--email', 'bob@example.com', '--temporary-password', 'Temp-Passw0rd!', '--suppress-message']);
    assert.equal(bob.Username, 'bob');
    assert.equal(bob.Attributes!.find((a) => a.Name === 'email')!.Value, 'bob@example.com');

    const table = (await ok(['users', 'list', ...p])).split('\n');
    assert.match(table[0]!, /^USERNAME\s+STATUS\s+ENABLED\s+EMAIL\s+PHONE\s+CREATED$/);
    assert.match(table.find((l) => l.startsWith('ann '))!, /^ann\s+FORCE_CHANGE_PASSWORD\s+true\s+ann@example\.com\s+-\s+\d{4}-/);
    const filtered = await okJson<UserType[]>(['users', 'list', ...p, '--filter', 'email ^= "bob"']);
    assert.deepEqual(filtered.map((u) => u.Username), ['bob']);

    assert.equal(field(await ok(['users', 'show', 'ann', ...p]), 'email'), 'ann@example.com');
    const shown = await okJson<{ Username: string; UserAttributes: Array<{ Name: string }> }>(['users', 'show', 'bob', ...p]);
    assert.equal(shown.Username, 'bob');
    assert.ok(shown.UserAttributes.some((a) => a.Name === 'sub'));

    const get = () => server.client.send(new AdminGetUserCommand({ UserPoolId: pool.Id!, Username: 'ann' }));
    assert.equal(await ok(['users', 'disable', 'ann', ...p]), 'disabled ann\n');
    assert.equal((await get()).Enabled, false);
    assert.deepEqual(await okJson(['users', 'enable', 'ann', ...p]), { UserPoolId: pool.Id, Username: 'ann', Action: 'enable' });
    assert.equal((await get()).Enabled, true);
    assert.equal(await ok(['users', 'reset-password', 'ann', ...p]), 'password reset for ann\n');
    assert.equal((await get()).UserStatus, 'RESET_REQUIRED');

    assert.equal(await ok(['users', 'delete', 'ann', ...p]), 'deleted ann\n');
    assertCognitoError(await userpool(['users', 'show', 'ann', ...p], env), 'UserNotFoundException: User does not exist.');
    assertCognitoError(await userpool(['users', 'delete', 'ann', ...p, '--json'], env), 'UserNotFoundException: User does not exist.');
    assert.deepEqual((await okJson<UserType[]>(['users', 'list', ...p])).map((u) => u.Username), ['bob']);
  });
});

describe('exit codes', () => {
  test('a pool that does not exist: 1 with the exception name and message on stderr', async () => {
    for (const args of [['pools', 'show', 'us-east-1_missing'], ['users', 'list', '--pool', 'us-east-1_missing'], ['clients', 'list', '--pool', 'us-east-1_missing', '--json']]) {
      assertCognitoError(await userpool(args, env), 'ResourceNotFoundException: User pool us-east-1_missing does not exist.');
    }
  });

  test('bad usage: 2, with the reason on stderr and nothing sent', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['users', 'list'], /required option '--pool <poolId>' not specified/],
      [['pools', 'create'], /missing required argument 'name'/],
      [['pools', 'list', '--no-such-option'], /unknown option '--no-such-option'/],
      [['pools', 'frobnicate'], /unknown command 'frobnicate'/],
      [['pools', 'create', 'x', '--username-attributes', 'nickname'], /--username-attributes takes email and phone_number, not nickname/],
      [['users', 'create', 'x', '--pool', 'us-east-1_x', '--attribute', 'novalue'], /--attribute takes name=value, not novalue/],
      [['pools', 'list', '--endpoint-url', 'not a url'], /--endpoint-url must be a URL/],
    ];
    for (const [args, message] of cases) {
      const r = await userpool(args, env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stdout, '');
    }
    assert.deepEqual(await okJson(['pools', 'list']), (await okJson<UserPoolType[]>(['pools', 'list'])), 'still answers');
  });

  test('an endpoint nobody listens on: 3, naming the endpoint', async () => {
    const r = await userpool(['pools', 'list', '--endpoint-url', 'http://127.0.0.1:9'], env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^userpool pools list: cannot reach http:\/\/127\.0\.0\.1:9: ECONNREFUSED/);
    assert.equal(r.stdout, '');
  });
});

describe('credentials like the AWS CLI', () => {
  const KEY = 'AKIACLIADMINTEST0001';
  const SECRET = 'cli-admin-test-secret-0000000000000';
  let keyed: TestServer;
  let home: string;
  before(async () => {
    keyed = await startTestServer({ accessKeys: new Map([[KEY, SECRET]]) });
    home = tempDir();
    mkdirSync(join(home, '.aws'));
    writeFileSync(join(home, '.aws', 'credentials'), `[ops]\naws_access_key_id = ${KEY}\naws_secret_access_key = ${SECRET}\n\n[stale]\naws_access_key_id = ${KEY}\naws_secret_access_key = not-the-secret\n`);
  });
  after(() => keyed.cleanup());

  test('from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, --profile and AWS_PROFILE; a server with keys verifies them', async () => {
    const base = { USERPOOL_ENDPOINT: keyed.url };
    await ok(['pools', 'list'], userEnv(home, { ...base, AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET }));
    await ok(['pools', 'list', '--profile', 'ops'], userEnv(home, base));
    await ok(['pools', 'list'], userEnv(home, { ...base, AWS_PROFILE: 'ops' }));

    const stale = await userpool(['pools', 'list', '--profile', 'stale'], userEnv(home, base));
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /^InvalidSignatureException: /);
    const none = await userpool(['pools', 'list'], userEnv(home, base));
    assert.equal(none.code, 1, 'the loopback fallback credentials are not keys this server knows');
    assert.match(none.stderr, /^UnrecognizedClientException: /);
    const missingProfile = await userpool(['pools', 'list', '--profile', 'nobody'], userEnv(home, base));
    assert.equal(missingProfile.code, 3);
    assert.match(missingProfile.stderr, /^userpool pools list: no AWS credentials: /);
  });
});
