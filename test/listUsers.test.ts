// ListUsers through the real SDK: filters, pagination, AttributesToGet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminSetUserPasswordCommand,
  InvalidParameterException,
  ListUsersCommand,
  ResourceNotFoundException,
  type ListUsersRequest,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from './helpers/server.js';
import { attrList, attrs, createPool, rejectsWith, startFastServer } from './helpers/users.js';

let server: TestServer;
before(async () => {
  server = await startFastServer();
});
after(async () => {
  await server.cleanup();
});

async function create(poolId: string, username: string, values: Record<string, string> = {}): Promise<UserType> {
  const out = await server.client.send(
    new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, UserAttributes: attrList(values), MessageAction: 'SUPPRESS' }),
  );
  return out.User!;
}

async function list(poolId: string, extra: Partial<ListUsersRequest> = {}) {
  return server.client.send(new ListUsersCommand({ UserPoolId: poolId, ...extra }));
}

async function names(poolId: string, filter: string): Promise<string[]> {
  return ((await list(poolId, { Filter: filter })).Users ?? []).map((u) => u.Username!).sort();
}

/** Every page of a listing, following PaginationToken. */
async function allPages(poolId: string, extra: Partial<ListUsersRequest>): Promise<UserType[][]> {
  const pages: UserType[][] = [];
  let token: string | undefined;
  do {
    const out = await list(poolId, { ...extra, PaginationToken: token });
    pages.push(out.Users ?? []);
    token = out.PaginationToken;
  } while (token && pages.length < 100);
  return pages;
}

describe('ListUsers filters', () => {
  let poolId: string;
  let subOfBea: string;
  before(async () => {
    poolId = await createPool(server.client);
    await create(poolId, 'amy', { email: 'amy@example.com', given_name: 'Amy', phone_number: '+15550000001' });
    subOfBea = attrs((await create(poolId, 'bea', { email: 'bea@example.org', given_name: 'Beatrice', family_name: 'Smith' })).Attributes).sub!;
    await create(poolId, 'amelia', { email: 'amelia@example.com', family_name: 'Smith', phone_number: '+15550000002' });
    await create(poolId, 'carl', { email: 'carl@other.net', name: 'Carl "the" Quote' });
    await create(poolId, 'Amos');
    await server.client.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'carl' }));
    await server.client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'bea', Password: 'Perm-Pass-123', Permanent: true }));
  });

  test('no filter (or an empty one) lists everyone in username order', async () => {
    const out = await list(poolId);
    assert.deepEqual(out.Users!.map((u) => u.Username), ['Amos', 'amelia', 'amy', 'bea', 'carl']);
    assert.equal(out.PaginationToken, undefined);
    assert.equal((await list(poolId, { Filter: '' })).Users!.length, 5);
    const amy = out.Users!.find((u) => u.Username === 'amy')!;
    assert.equal(amy.UserStatus, 'FORCE_CHANGE_PASSWORD');
    assert.equal(amy.Enabled, true);
    assert.ok(amy.UserCreateDate instanceof Date);
    assert.equal(attrs(amy.Attributes).email, 'amy@example.com');
  });

  test('= matches exactly and ^= by prefix', async () => {
    assert.deepEqual(await names(poolId, 'email = "amy@example.com"'), ['amy']);
    assert.deepEqual(await names(poolId, 'email ^= "am"'), ['amelia', 'amy']);
    assert.deepEqual(await names(poolId, 'email^="a"'), ['amelia', 'amy']);
    assert.deepEqual(await names(poolId, 'email = "am"'), []);
    assert.deepEqual(await names(poolId, 'family_name = "Smith"'), ['amelia', 'bea']);
    assert.deepEqual(await names(poolId, 'given_name ^= "Bea"'), ['bea']);
    assert.deepEqual(await names(poolId, 'phone_number ^= "+1555"'), ['amelia', 'amy']);
    assert.deepEqual(await names(poolId, `sub = "${subOfBea}"`), ['bea']);
    assert.deepEqual(await names(poolId, 'name = "Carl \\"the\\" Quote"'), ['carl']);
  });

  test('usernames are matched case-sensitively in a case-sensitive pool', async () => {
    assert.deepEqual(await names(poolId, 'username ^= "Am"'), ['Amos']);
    assert.deepEqual(await names(poolId, 'username ^= "am"'), ['amelia', 'amy']);
    assert.deepEqual(await names(poolId, 'username = "amy"'), ['amy']);
  });

  test('status is Enabled or Disabled; cognito:user_status is the UserStatus', async () => {
    assert.deepEqual(await names(poolId, 'status = "Disabled"'), ['carl']);
    assert.deepEqual(await names(poolId, 'status = "Enabled"'), ['Amos', 'amelia', 'amy', 'bea']);
    assert.deepEqual(await names(poolId, 'cognito:user_status = "CONFIRMED"'), ['bea']);
    assert.deepEqual(await names(poolId, 'cognito:user_status = "FORCE_CHANGE_PASSWORD"'), ['Amos', 'amelia', 'amy', 'carl']);
  });

  test('bad filters are InvalidParameterException', async () => {
    for (const filter of ['email = amy@example.com', 'email != "x"', 'email ~ "x"', 'email = "x" and name = "y"', '= "x"', 'email = "unterminated']) {
      await rejectsWith(list(poolId, { Filter: filter }), InvalidParameterException, 'Error while parsing filter.');
    }
    await rejectsWith(list(poolId, { Filter: 'custom:tier = "gold"' }), InvalidParameterException, 'Invalid search attribute: custom:tier');
    await rejectsWith(list(poolId, { Filter: 'locale = "en"' }), InvalidParameterException, 'Invalid search attribute: locale');
  });

  test('AttributesToGet limits the attributes returned', async () => {
    const emailOnly = await list(poolId, { Filter: 'username = "amy"', AttributesToGet: ['email'] });
    assert.deepEqual(emailOnly.Users![0]!.Attributes, [{ Name: 'email', Value: 'amy@example.com' }]);
    const subOnly = await list(poolId, { Filter: 'username = "amy"', AttributesToGet: ['sub', 'given_name'] });
    assert.deepEqual(Object.keys(attrs(subOnly.Users![0]!.Attributes)).sort(), ['given_name', 'sub']);
    const none = await list(poolId, { Filter: 'username = "amy"', AttributesToGet: [] });
    assert.deepEqual(none.Users![0]!.Attributes ?? [], []);
    assert.equal(none.Users![0]!.Username, 'amy');
    await rejectsWith(
      list(poolId, { AttributesToGet: ['email', 'custom:nope'] }),
      InvalidParameterException,
      'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.',
    );
  });

  test('an unknown pool is ResourceNotFoundException', async () => {
    await rejectsWith(list('us-east-1_nothere00'), ResourceNotFoundException, 'User pool us-east-1_nothere00 does not exist.');
  });
});

describe('ListUsers pagination', () => {
  let poolId: string;
  const TOTAL = 75;
  before(async () => {
    poolId = await createPool(server.client);
    for (let i = 0; i < TOTAL; i++) {
      const n = String(i).padStart(3, '0');
      // Every third user shares a domain, so the filtered listing spans pages too.
      await create(poolId, `user${n}`, { email: i % 3 === 0 ? `u${n}@shared.example` : `u${n}@solo${n}.example` });
    }
  });

  test('the default page is 60 and pages never repeat or skip a user', async () => {
    const first = await list(poolId);
    assert.equal(first.Users!.length, 60);
    assert.ok(first.PaginationToken);
    const pages = await allPages(poolId, { Limit: 20 });
    assert.deepEqual(pages.map((p) => p.length), [20, 20, 20, 15]);
    const seen = pages.flat().map((u) => u.Username!);
    assert.equal(new Set(seen).size, TOTAL);
    assert.deepEqual(seen, [...seen].sort());
  });

  test('a filtered listing pages the same way', async () => {
    const pages = await allPages(poolId, { Filter: 'email ^= "u0"', Limit: 7 });
    const seen = pages.flat().map((u) => attrs(u.Attributes).email!);
    // u000 .. u074 all start with "u0".
    assert.equal(seen.length, TOTAL);
    assert.equal(new Set(seen).size, TOTAL);
    assert.ok(pages.slice(0, -1).every((p) => p.length === 7));
    const shared = (await allPages(poolId, { Filter: 'email ^= "u0"', Limit: 60 })).flat().filter((u) => attrs(u.Attributes).email!.endsWith('@shared.example'));
    assert.equal(shared.length, 25);
  });

  test('a garbled token, or a token from another filter, is InvalidParameterException', async () => {
    const page = await list(poolId, { Limit: 5 });
    const token = page.PaginationToken!;
    for (const bad of ['garbage', token.slice(0, -3), Buffer.from('{"v":2}').toString('base64url'), `${token}!`]) {
      await rejectsWith(list(poolId, { Limit: 5, PaginationToken: bad }), InvalidParameterException, 'Invalid pagination token.');
    }
    await rejectsWith(list(poolId, { Limit: 5, Filter: 'email ^= "u"', PaginationToken: token }), InvalidParameterException, 'Invalid pagination token.');
    // The token itself still works where it belongs.
    assert.equal((await list(poolId, { Limit: 5, PaginationToken: token })).Users![0]!.Username, 'user005');
  });
});

describe('ListUsers in a case-insensitive pool', () => {
  test('username filters match any case', async () => {
    const poolId = await createPool(server.client, { UsernameConfiguration: { CaseSensitive: false } });
    await create(poolId, 'Alice');
    await create(poolId, 'alfred');
    assert.deepEqual(await names(poolId, 'username = "ALICE"'), ['Alice']);
    assert.deepEqual(await names(poolId, 'username ^= "AL"'), ['Alice', 'alfred']);
  });
});
