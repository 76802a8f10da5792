// `userpool keys` on the data directory of a running server: rotate publishes a new key at
// once and it signs once the server's key cache lapses; retire stops the old one verifying.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetUserCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/users.js';
import { runCli } from '../helpers/cli.js';
import { confirmedUser, headerOf, makeAuthPool, signIn, startAuthServer, TestClock, type AuthPool } from './fixture.js';

let server: TestServer;
let p: AuthPool;
const clock = new TestClock();

before(async () => {
  server = await startAuthServer({}, clock);
  p = await makeAuthPool(server.client);
  await confirmedUser(server.client, p.poolId, 'kit');
});
after(() => server.cleanup());

async function jwksKids(): Promise<string[]> {
  const jwks = (await (await fetch(`${server.url}/${p.poolId}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  return jwks.keys.map((k) => k.kid);
}

test('list, rotate and retire a pool\'s keys', async () => {
  const old = await signIn(server.client, p.legacy, 'kit');
  const oldKid = headerOf(old.AccessToken!).kid as string;
  const cli = (args: string[]) => runCli(['keys', ...args, '--data-dir', server.dataDir]);

  const listed = await cli(['list', p.poolId]);
  assert.equal(listed.code, 0, listed.stderr);
  assert.equal(listed.stdout, `${oldKid}\n`);

  const refused = await cli(['retire', p.poolId, oldKid]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /^userpool keys: the last key of a pool cannot be retired: rotate first$/m);

  const rotated = await cli(['rotate', p.poolId]);
  assert.equal(rotated.code, 0, rotated.stderr);
  const newKid = rotated.stdout.trim();
  assert.match(newKid, /^[A-Za-z0-9_-]{32}$/);
  assert.deepEqual(await jwksKids(), [newKid, oldKid], 'published at once, newest first');
  assert.equal((await cli(['list', p.poolId])).stdout, `${newKid}\n${oldKid}\n`);

  clock.advance(11_000);
  const fresh = await signIn(server.client, p.legacy, 'kit');
  assert.equal(headerOf(fresh.AccessToken!).kid, newKid);
  await server.client.send(new GetUserCommand({ AccessToken: old.AccessToken! }));

  const retired = await cli(['retire', p.poolId, oldKid]);
  assert.equal(retired.code, 0, retired.stderr);
  assert.equal(retired.stdout, `retired ${oldKid}\n`);
  assert.deepEqual(await jwksKids(), [newKid]);
  clock.advance(11_000);
  await rejectsWith(server.client.send(new GetUserCommand({ AccessToken: old.AccessToken! })), NotAuthorizedException, 'Invalid Access Token');
  await server.client.send(new GetUserCommand({ AccessToken: fresh.AccessToken! }));

  const unknown = await cli(['list', 'us-east-1_nopool000']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /user pool us-east-1_nopool000 does not exist/);
});
