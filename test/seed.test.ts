// --seed: pools, clients and users declared in a file exist once the server listens, with the
// ids the file fixes; starting again with the same file changes nothing; a bad file is refused
// whole, naming the entry, and leaves the store as it was.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminGetUserCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { sdkClient, startTestServer, tempDataDir, type TestServer } from './helpers/server.js';
import { FAST_ARGON2 } from './helpers/users.js';
import { PROJECT_ROOT, runCli, startCli } from './helpers/cli.js';
import { SeedError } from '../src/seed.js';
import type { Store } from '../src/store/store.js';

const EXAMPLE = join(PROJECT_ROOT, 'examples', 'seed.json');
const example = JSON.parse(readFileSync(EXAMPLE, 'utf8'));
const POOL_ID = example.Pools[0].Id as string;
const WEB = example.Pools[0].Clients[0];
const BACKEND = example.Pools[0].Clients[1];
const ALICE = example.Pools[0].Users[0];

const scratch = mkdtempSync(join(tmpdir(), 'userpool-seed-'));
const dirs: string[] = [scratch];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let fileCount = 0;
function seedFile(doc: unknown): string {
  const file = join(scratch, `seed-${++fileCount}.json`);
  writeFileSync(file, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return file;
}

function seeded(seed: string, dataDir = tempDataDir()): Promise<TestServer> {
  if (!dirs.includes(dataDir)) dirs.push(dataDir);
  return startTestServer({ seedFile: seed, dataDir }, { argon2: FAST_ARGON2 });
}

/** Everything the store holds for the seeded resources, to compare two starts. */
async function snapshot(store: Store): Promise<unknown> {
  const pools = await store.pools.listPools(60);
  const out = [];
  for (const pool of pools) {
    const clients = await store.clients.listClients(pool.id, 60);
    const users = (await store.users.listUsers(pool.id, undefined, 60)).users;
    out.push({ pool, clients, users });
  }
  return out;
}

describe('the example seed', () => {
  test('creates the declared pool, clients and user', async () => {
    const server = await seeded(EXAMPLE);
    try {
      const pool = (await server.client.send(new DescribeUserPoolCommand({ UserPoolId: POOL_ID }))).UserPool!;
      assert.equal(pool.Name, 'example');
      assert.deepEqual(pool.UsernameAttributes, ['email']);
      assert.deepEqual(pool.AutoVerifiedAttributes, ['email']);

      const web = (await server.client.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: WEB.ClientId }))).UserPoolClient!;
      assert.equal(web.ClientName, 'web');
      assert.equal(web.ClientSecret, undefined);
      assert.deepEqual(web.ExplicitAuthFlows, WEB.ExplicitAuthFlows);
      assert.equal(web.PreventUserExistenceErrors, 'ENABLED');

      const backend = (await server.client.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: BACKEND.ClientId }))).UserPoolClient!;
      assert.equal(backend.ClientName, 'backend');
      assert.equal(backend.ClientSecret, BACKEND.ClientSecret);

      const alice = await server.client.send(new AdminGetUserCommand({ UserPoolId: POOL_ID, Username: ALICE.Username }));
      assert.equal(alice.UserStatus, 'CONFIRMED');
      assert.equal(alice.Enabled, true);
      const attrs = Object.fromEntries(alice.UserAttributes!.map((a) => [a.Name, a.Value]));
      assert.equal(attrs.email, 'alice@example.com');
      assert.equal(attrs.email_verified, 'true');
      assert.equal(attrs.name, 'Alice Example');

      // The password is the declared one (checked against the stored hash: sign-in is
      // another operation's business).
      const record = (await server.app.services.store.users.listUsers(POOL_ID, undefined, 10)).users[0]!;
      assert.ok(await server.app.services.passwords.verifyPassword(record.passwordHash!, ALICE.Password));
      assert.equal(await server.app.services.passwords.verifyPassword(record.passwordHash!, 'Not-The-Passw0rd!'), false);
    } finally {
      await server.stop();
    }
  });

  test('is idempotent: a second start on the same data changes nothing', async () => {
    const first = await seeded(EXAMPLE);
    const before = await snapshot(first.app.services.store);
    await first.stop();
    const second = await seeded(EXAMPLE, first.dataDir);
    try {
      assert.deepEqual(await snapshot(second.app.services.store), before);
    } finally {
      await second.stop();
    }
  });
});

describe('matching what exists', () => {
  const byName = {
    Pools: [
      {
        PoolName: 'by-name',
        Clients: [{ ClientName: 'app' }],
        Users: [{ Username: 'carol', Password: 'Temp-Passw0rd!', Permanent: false, UserAttributes: [{ Name: 'email', Value: 'carol@example.com' }] }],
      },
    ],
  };

  test('a pool and client without ids are found again by name', async () => {
    const dataDir = tempDataDir();
    const plain = await startTestServer({ dataDir });
    const existing = await plain.client.send(new CreateUserPoolCommand({ PoolName: 'by-name' }));
    const poolId = existing.UserPool!.Id!;
    const client = await plain.client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'app' }));
    await plain.stop();

    const server = await seeded(seedFile(byName), dataDir);
    try {
      const store = server.app.services.store;
      assert.deepEqual((await store.pools.listPools(60)).map((p) => p.id), [poolId]);
      assert.deepEqual((await store.clients.listClients(poolId, 60)).map((c) => c.id), [client.UserPoolClient!.ClientId]);
      // The user did not exist: created, with a temporary password.
      const carol = await server.client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'carol' }));
      assert.equal(carol.UserStatus, 'FORCE_CHANGE_PASSWORD');
      const record = (await store.users.listUsers(poolId, undefined, 10)).users[0]!;
      assert.ok(await server.app.services.passwords.verifyPassword(record.passwordHash!, 'Temp-Passw0rd!'));
    } finally {
      await server.stop();
    }
  });

  test('an existing user is left alone, password included', async () => {
    const file = seedFile(byName);
    const first = await seeded(file);
    const store = first.app.services.store;
    const poolId = (await store.pools.listPools(60))[0]!.id;
    const before = (await store.users.listUsers(poolId, undefined, 10)).users;
    await first.stop();
    const changed = seedFile({ Pools: [{ ...byName.Pools[0], Users: [{ ...byName.Pools[0]!.Users[0], Password: 'Other-Passw0rd!' }] }] });
    const second = await seeded(changed, first.dataDir);
    try {
      assert.deepEqual((await second.app.services.store.users.listUsers(poolId, undefined, 10)).users, before);
    } finally {
      await second.stop();
    }
  });
});

describe('a bad seed', () => {
  const pool = (extra: object): object => ({ Pools: [{ PoolName: 'p', ...extra }] });
  const cases: Array<{ name: string; doc: unknown; says: RegExp; secret?: string }> = [
    { name: 'not JSON', doc: '{"Pools": [', says: /: the file is not valid JSON$/ },
    { name: 'no Pools list', doc: { pools: [] }, says: /: the top level: unknown key 'pools'$/ },
    { name: 'a misspelt setting', doc: pool({ UsernameAttribute: ['email'] }), says: /: Pools\[0\] \(p\): unknown key 'UsernameAttribute'$/ },
    {
      name: 'a setting the model refuses',
      doc: pool({ Policies: { PasswordPolicy: { MinimumLength: 2 } } }),
      says: /: Pools\[0\] \(p\): 1 validation error detected: Value '2' at 'policies\.passwordPolicy\.minimumLength' failed to satisfy constraint: Member must have value greater than or equal to 6$/,
    },
    { name: 'an Id of another region', doc: pool({ Id: 'eu-west-1_Abc123' }), says: /: Pools\[0\] \(p\): Id must be 'us-east-1_' followed by 1 to 40 letters or digits/ },
    {
      name: 'a malformed ClientId',
      doc: pool({ Clients: [{ ClientName: 'c', ClientId: 'has-a-dash-secretish' }] }),
      says: /: Pools\[0\] \(p\)\.Clients\[0\] \(c\): ClientId must be 1 to 128 letters, digits, '_' or '\+'$/,
      secret: 'has-a-dash-secretish',
    },
    {
      name: 'a ClientSecret without GenerateSecret',
      doc: pool({ Clients: [{ ClientName: 'c', ClientSecret: 'abcdef0123456789' }] }),
      says: /Clients\[0\] \(c\): ClientSecret is given but GenerateSecret is not true$/,
      secret: 'abcdef0123456789',
    },
    {
      name: 'a ClientSecret too long',
      doc: pool({ Clients: [{ ClientName: 'c', GenerateSecret: true, ClientSecret: 'x'.repeat(65) }] }),
      says: /Clients\[0\] \(c\): ClientSecret must be 1 to 64 letters, digits, '_' or '\+'$/,
    },
    {
      name: 'the same ClientId twice',
      doc: { Pools: [{ PoolName: 'a', Clients: [{ ClientName: 'c', ClientId: 'sameclientid' }] }, { PoolName: 'b', Clients: [{ ClientName: 'd', ClientId: 'sameclientid' }] }] },
      says: /Pools\[1\] \(b\)\.Clients\[0\] \(d\): another client declares the same ClientId$/,
    },
    { name: 'two pools of one name without ids', doc: { Pools: [{ PoolName: 'a' }, { PoolName: 'a' }] }, says: /Pools\[1\] \(a\): another pool without an Id has the same PoolName/ },
    { name: 'a user without a password', doc: pool({ Users: [{ Username: 'dave' }] }), says: /Pools\[0\] \(p\)\.Users\[0\]: Password is required$/ },
    {
      name: 'a password with a space',
      doc: pool({ Users: [{ Username: 'dave', Password: 'my secret pw' }] }),
      says: /Users\[0\]: 1 validation error detected: Value at 'password' failed to satisfy constraint: Member must satisfy regular expression pattern/,
      secret: 'my secret pw',
    },
    {
      // Checked by the operation, after the first pool was already created: all of it is undone.
      name: 'a password the pool policy refuses',
      doc: { Pools: [{ PoolName: 'fine', Clients: [{ ClientName: 'c' }] }, { PoolName: 'p', Users: [{ Username: 'dave', Password: 'weakpassword' }] }] },
      says: /: Pools\[1\] \(p\)\.Users\[0\]: InvalidPasswordException: Password does not conform to policy: /,
      secret: 'weakpassword',
    },
  ];
  for (const c of cases) {
    test(`${c.name} stops the start and changes nothing`, async () => {
      const file = seedFile(c.doc);
      const dataDir = tempDataDir();
      dirs.push(dataDir);
      await assert.rejects(startTestServer({ seedFile: file, dataDir }, { argon2: FAST_ARGON2 }), (err: unknown) => {
        assert.ok(err instanceof SeedError, String(err));
        assert.ok(err.message.startsWith(`--seed ${file}: `), err.message);
        assert.match(err.message, c.says);
        if (c.secret) assert.ok(!err.message.includes(c.secret), err.message);
        return true;
      });
      const after = await startTestServer({ dataDir });
      try {
        assert.deepEqual(await snapshot(after.app.services.store), []);
      } finally {
        await after.stop();
      }
    });
  }

  test('a missing file is named', async () => {
    const file = join(scratch, 'does-not-exist.json');
    await assert.rejects(seeded(file), (err: unknown) => err instanceof SeedError && err.message === `--seed ${file}: cannot read the file (ENOENT)`);
  });

  test('a declared ClientId already used by another pool is refused', async () => {
    const file = seedFile({ Pools: [{ PoolName: 'one', Clients: [{ ClientName: 'c', ClientId: 'sharedclient0001' }] }] });
    const first = await seeded(file);
    await first.stop();
    const other = seedFile({ Pools: [{ PoolName: 'two', Clients: [{ ClientName: 'c', ClientId: 'sharedclient0001' }] }] });
    await assert.rejects(seeded(other, first.dataDir), /Pools\[0\] \(two\)\.Clients\[0\] \(c\): the ClientId belongs to a client of another pool$/);
  });
});

describe('userpool serve --seed', () => {
  test('seeds before it reports listening', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const running = await startCli(['--port', '0', '--data-dir', dataDir, '--seed', 'examples/seed.json', '--log-level', 'warn']);
    try {
      const client = sdkClient(running.url);
      try {
        const described = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: POOL_ID, ClientId: BACKEND.ClientId }));
        assert.equal(described.UserPoolClient!.ClientSecret, BACKEND.ClientSecret);
      } finally {
        client.destroy();
      }
    } finally {
      assert.deepEqual(await running.stop(), { code: 0, signal: null });
    }
  });

  test('a bad seed file stops the command with a message naming it', async () => {
    const file = seedFile(pool({ Nonsense: true }));
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const { code, stdout, stderr } = await runCli(['serve', '--port', '0', '--data-dir', dataDir, '--seed', file]);
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`^userpool: could not start: --seed ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: Pools\\[0\\] \\(p\\): unknown key 'Nonsense'$`, 'm'));
    assert.doesNotMatch(stdout, /listening/);
  });

  function pool(extra: object): object {
    return { Pools: [{ PoolName: 'p', ...extra }] };
  }
});
