// Signing keys: one set per pool, made once and kept in the store (encrypted), surviving a
// restart, rotatable (the newest signs, older ones verify until retired).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetUserCommand, NotAuthorizedException } from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/users.js';
import { SigningKeyRing } from '../../src/operations/shared/signingKeys.js';
import { confirmedUser, headerOf, makeAuthPool, signIn, startAuthServer } from './fixture.js';

const servers: TestServer[] = [];
after(async () => {
  // Newest first: a restarted server shares its data directory with the one before it.
  for (const s of servers.reverse()) await s.cleanup();
});

async function server(overrides: { dataDir?: string; publicUrl?: string } = {}): Promise<TestServer> {
  const s = await startAuthServer(overrides);
  servers.push(s);
  return s;
}

async function kids(s: TestServer, poolId: string): Promise<string[]> {
  const jwks = (await (await fetch(`${s.url}/${poolId}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
  return jwks.keys.map((k) => k.kid);
}

function dbFiles(dataDir: string): string {
  return ['userpool.sqlite', 'userpool.sqlite-wal']
    .map((f) => {
      try {
        return readFileSync(join(dataDir, f)).toString('latin1');
      } catch {
        return '';
      }
    })
    .join('');
}

describe('signing keys', () => {
  test('each pool has its own key', async () => {
    const s = await server();
    const a = await makeAuthPool(s.client);
    const b = await makeAuthPool(s.client);
    const [ka, kb] = [await kids(s, a.poolId), await kids(s, b.poolId)];
    assert.equal(ka.length, 1);
    assert.equal(kb.length, 1);
    assert.notEqual(ka[0], kb[0]);
    // Asking again does not make another.
    assert.deepEqual(await kids(s, a.poolId), ka);
  });

  test('the private key is stored encrypted, under a key kept outside the database', async () => {
    const s = await server();
    const p = await makeAuthPool(s.client);
    await kids(s, p.poolId);
    const { key } = await s.app.services.signingKeys.signer(p.poolId);
    const d = (key.export({ format: 'jwk' }) as { d: string }).d;
    const pkcs8 = key.export({ format: 'der', type: 'pkcs8' });
    const content = dbFiles(s.dataDir);
    assert.ok(!content.includes(d), 'the private exponent is not in the database');
    assert.ok(!content.includes(pkcs8.toString('base64')) && !content.includes(pkcs8.toString('base64url')) && !content.includes('PRIVATE KEY'));
    const row = await s.app.services.store.db.selectFrom('signing_keys').selectAll().where('pool_id', '=', p.poolId).executeTakeFirstOrThrow();
    assert.match(row.private_key, /^v1\./);
  });

  test('keys survive a restart: the same JWKS, and tokens issued before still work', async () => {
    // A fixed public URL: the issuer must not change with the port a restart happens to get.
    const first = await server({ publicUrl: 'http://userpool.test' });
    const p = await makeAuthPool(first.client);
    await confirmedUser(first.client, p.poolId, 'kai');
    const r = await signIn(first.client, p.legacy, 'kai');
    const before = await kids(first, p.poolId);
    await first.stop();

    const second = await server({ dataDir: first.dataDir, publicUrl: 'http://userpool.test' });
    assert.deepEqual(await kids(second, p.poolId), before);
    const me = await second.client.send(new GetUserCommand({ AccessToken: r.AccessToken! }));
    assert.equal(me.Username, 'kai');
    assert.equal(headerOf((await signIn(second.client, p.legacy, 'kai')).IdToken!).kid, before[0]);
  });

  test('rotation: the new key signs, the old one verifies until retired', async () => {
    const s = await server();
    const p = await makeAuthPool(s.client);
    await confirmedUser(s.client, p.poolId, 'lou');
    const old = await signIn(s.client, p.legacy, 'lou');
    const oldKid = headerOf(old.AccessToken!).kid as string;

    const newKid = await s.app.services.signingKeys.rotate(p.poolId);
    assert.deepEqual((await kids(s, p.poolId)).sort(), [oldKid, newKid].sort());
    const fresh = await signIn(s.client, p.legacy, 'lou');
    assert.equal(headerOf(fresh.AccessToken!).kid, newKid);
    await s.client.send(new GetUserCommand({ AccessToken: old.AccessToken! }));

    assert.equal(await s.app.services.signingKeys.retire(p.poolId, oldKid), true);
    assert.deepEqual(await kids(s, p.poolId), [newKid]);
    await rejectsWith(s.client.send(new GetUserCommand({ AccessToken: old.AccessToken! })), NotAuthorizedException, 'Invalid Access Token');
    await s.client.send(new GetUserCommand({ AccessToken: fresh.AccessToken! }));
    assert.equal(await s.app.services.signingKeys.retire(p.poolId, oldKid), false);
  });

  test('a key made by another process is picked up as soon as a token names it', async () => {
    const s = await server();
    const p = await makeAuthPool(s.client);
    await confirmedUser(s.client, p.poolId, 'mo');
    await signIn(s.client, p.legacy, 'mo');
    // A second ring on the same store stands for another node sharing the database.
    const services = s.app.services;
    const otherNode = new SigningKeyRing(services.store, services.codeKeys, services.clock);
    const kid = await otherNode.rotate(p.poolId);
    const signer = await otherNode.signer(p.poolId);
    assert.equal(signer.kid, kid);
    // This node's cached list does not have it yet; verification looks again.
    const key = await services.signingKeys.verificationKey(p.poolId, kid);
    assert.ok(key);
    assert.equal(await services.signingKeys.verificationKey(p.poolId, 'no-such-kid'), undefined);
  });
});

