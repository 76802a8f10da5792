// `userpool backup` and `userpool restore`: an online backup taken while a server writes,
// restored and served again; the keys travel with it; refusals leave the data alone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  AdminCreateUserCommand,
  AdminGetUserCommand,
  ConfirmForgotPasswordCommand,
  CreateUserPoolClientCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  InitiateAuthCommand,
  ListUsersCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { FAST_ARGON2 } from '../helpers/users.js';
import { lastCode, makePool, makeUser } from '../reset/helpers.js';
import { builtBin, tempDir, userEnv, userpool } from './built.js';

let env: NodeJS.ProcessEnv;
let dir: string;
const servers: TestServer[] = [];

async function server(dataDir?: string): Promise<TestServer> {
  // One public URL for all: tokens name it as their issuer, and a restored server runs on
  // another port.
  const s = await startTestServer({ dev: true, publicUrl: 'http://userpool.test', ...(dataDir && { dataDir }) }, { argon2: FAST_ARGON2 });
  servers.push(s);
  return s;
}

before(() => {
  builtBin();
  dir = tempDir();
  env = userEnv(tempDir());
});
after(async () => {
  for (const s of servers) await s.cleanup();
});

async function listAll(client: CognitoIdentityProviderClient, poolId: string): Promise<string[]> {
  const names: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListUsersCommand({ UserPoolId: poolId, PaginationToken: token }));
    names.push(...page.Users!.map((u) => u.Username!));
    token = page.PaginationToken;
  } while (token);
  return names;
}

function integrity(file: string): string {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
  } finally {
    db.close();
  }
}

describe('backup under write load', () => {
  test('restores to a consistent database: every listed user readable, nothing acknowledged before it lost, codes and tokens still valid', async () => {
    const live = await server();
    const fixture = await makePool(live.client);
    const pool = fixture.poolId;
    const create = (username: string) =>
      live.client.send(new AdminCreateUserCommand({ UserPoolId: pool, Username: username, MessageAction: 'SUPPRESS', UserAttributes: [{ Name: 'email', Value: `${username}@example.com` }] }));

    // Outstanding state that needs the data directory's keys: a reset code and an access token.
    await makeUser(live.client, pool, 'carol', 'carol@example.com');
    const app = await live.client.send(new CreateUserPoolClientCommand({ UserPoolId: pool, ClientName: 'app', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }));
    const clientId = app.UserPoolClient!.ClientId!;
    const auth = await live.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'carol', PASSWORD: 'Original-Pass1' } }));
    const accessToken = auth.AuthenticationResult!.AccessToken!;
    await live.client.send(new ForgotPasswordCommand({ ClientId: clientId, Username: 'carol' }));
    const code = await lastCode(live, 'carol@example.com');

    const attempted = new Set<string>(['carol']);
    const acknowledged = new Set<string>(['carol']);
    for (let i = 0; i < 100; i++) {
      attempted.add(`pre${i}`);
      await create(`pre${i}`);
      acknowledged.add(`pre${i}`);
    }
    const ackedBeforeBackup = new Set(acknowledged);

    // Four writers keep creating users until the backup is done.
    let writing = true;
    let duringBackup = 0;
    let backupRunning = false;
    const writer = async (w: number): Promise<void> => {
      for (let i = 0; writing; i++) {
        const name = `load${w}-${i}`;
        attempted.add(name);
        await create(name);
        acknowledged.add(name);
        if (backupRunning) duringBackup++;
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 300));
    const file = join(dir, 'under-load.tar');
    backupRunning = true;
    const backup = await userpool(['backup', '--data-dir', live.dataDir, '--out', file], env);
    backupRunning = false;
    writing = false;
    await Promise.all(writers);
    assert.equal(backup.code, 0, backup.stderr);
    assert.equal(backup.stderr, '');
    assert.match(backup.stdout, /^backed up .* to .*under-load\.tar: 1 pools, \d+ users; files userpool\.sqlite, code-mac-keys\.json\n$/);
    assert.ok(duringBackup > 0, 'users were written while the backup ran');

    const restoredDir = join(dir, 'restored-under-load');
    const restore = await userpool(['restore', '--from', file, '--data-dir', restoredDir], env);
    assert.equal(restore.code, 0, restore.stderr);
    assert.match(restore.stdout, /: 1 pools, \d+ users; integrity ok\n$/);
    assert.equal(integrity(join(restoredDir, 'userpool.sqlite')), 'ok');

    const restored = await server(restoredDir);
    const listed = await listAll(restored.client, pool);
    assert.equal(new Set(listed).size, listed.length, 'no user listed twice');
    assert.ok(listed.length >= ackedBeforeBackup.size, `${listed.length} users restored, ${ackedBeforeBackup.size} acknowledged before the backup`);
    for (const name of ackedBeforeBackup) assert.ok(listed.includes(name), `${name} was acknowledged before the backup began`);
    for (const name of listed) {
      assert.ok(attempted.has(name), `${name} was never created`);
      const user = await restored.client.send(new AdminGetUserCommand({ UserPoolId: pool, Username: name }));
      assert.equal(user.UserAttributes!.find((a) => a.Name === 'email')!.Value, `${name}@example.com`);
    }

    // The keys came along: the token still verifies, the code issued before still works.
    assert.equal((await restored.client.send(new GetUserCommand({ AccessToken: accessToken }))).Username, 'carol');
    await restored.client.send(new ConfirmForgotPasswordCommand({ ClientId: clientId, Username: 'carol', ConfirmationCode: code, Password: 'Restored-Pass1' }));
    const signIn = await restored.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'carol', PASSWORD: 'Restored-Pass1' } }));
    assert.ok(signIn.AuthenticationResult?.AccessToken);
  });
});

describe('backup and restore', () => {
  let source: TestServer;
  let file: string;
  before(async () => {
    source = await server();
    await makePool(source.client);
    file = join(dir, 'plain.tar');
  });

  test('--json prints the manifest; the file is a tar anyone can list, readable by its owner only', async () => {
    const r = await userpool(['backup', '--data-dir', source.dataDir, '--out', file, '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const manifest = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(manifest.format, 'userpool-backup');
    assert.deepEqual(manifest.files, ['userpool.sqlite', 'code-mac-keys.json']);
    assert.equal(manifest.pools, 1);
    assert.equal(manifest.file, file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const listing = await new Promise<string>((resolve) => {
      const tar = spawn('tar', ['-tf', file]);
      let out = '';
      tar.stdout.on('data', (d: Buffer) => (out += d.toString()));
      tar.on('exit', () => resolve(out));
    });
    assert.deepEqual(listing.trim().split('\n'), ['userpool-backup.json', 'userpool.sqlite', 'code-mac-keys.json']);
  });

  test('restore refuses a data directory that is not empty unless --force, then replaces its database and keys', async () => {
    const target = join(dir, 'occupied');
    mkdirSync(target);
    writeFileSync(join(target, 'code-mac-keys.json'), '[]');
    writeFileSync(join(target, 'userpool.sqlite-wal'), 'stale');
    const refused = await userpool(['restore', '--from', file, '--data-dir', target], env);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /is not empty; stop the server using it and pass --force/);
    assert.equal(readFileSync(join(target, 'code-mac-keys.json'), 'utf8'), '[]', 'untouched');

    const forced = await userpool(['restore', '--from', file, '--data-dir', target, '--force', '--json'], env);
    assert.equal(forced.code, 0, forced.stderr);
    const result = JSON.parse(forced.stdout) as Record<string, unknown>;
    assert.equal(result.integrity, 'ok');
    assert.equal(result.pools, 1);
    assert.deepEqual(readdirSync(target).sort(), ['code-mac-keys.json', 'userpool.sqlite']);
    assert.equal(readFileSync(join(target, 'code-mac-keys.json'), 'utf8'), readFileSync(join(source.dataDir, 'code-mac-keys.json'), 'utf8'));
  });

  test('a damaged backup fails integrity_check and changes nothing; other refusals', async () => {
    const damaged = join(dir, 'damaged.tar');
    const bytes = readFileSync(file);
    // The database starts after the manifest's header, body and the database's own header;
    // zero a stretch of its b-tree pages well past the first.
    const dbStart = bytes.indexOf(Buffer.from('SQLite format 3\0'));
    assert.ok(dbStart > 0);
    bytes.fill(0, dbStart + 4096 * 2 + 100, dbStart + 4096 * 6);
    writeFileSync(damaged, bytes);
    const target = join(dir, 'from-damaged');
    const r = await userpool(['restore', '--from', damaged, '--data-dir', target], env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /^userpool restore: .*(integrity_check|malformed)/);
    assert.deepEqual(readdirSync(target), [], 'nothing left behind');

    const notTar = join(dir, 'not.tar');
    writeFileSync(notTar, 'hello'.repeat(300));
    const bad = await userpool(['restore', '--from', notTar, '--data-dir', join(dir, 'x')], env);
    assert.equal(bad.code, 3);
    assert.match(bad.stderr, /is not a userpool backup/);

    const exists = await userpool(['backup', '--data-dir', source.dataDir, '--out', file], env);
    assert.equal(exists.code, 2);
    assert.match(exists.stderr, /exists; a backup never overwrites a file/);
    const empty = await userpool(['backup', '--data-dir', tempDir(), '--out', join(dir, 'empty.tar')], env);
    assert.equal(empty.code, 3);
    assert.match(empty.stderr, /holds no userpool database/);
    const pg = await userpool(['backup', '--database-url', 'postgres://localhost/x', '--out', join(dir, 'pg.tar')], env);
    assert.equal(pg.code, 2);
    assert.match(pg.stderr, /pg_dump/);
    assert.equal(existsSync(join(dir, 'pg.tar')), false);
    const usage = await userpool(['restore', '--data-dir', target], env);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /required option '--from <file>'/);
  });
});
