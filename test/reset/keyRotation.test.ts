// The code MAC key lives outside the database and can be rotated: codes made under the
// previous key still verify, new codes use the new key, and a retired key's codes die.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodeMismatchException, ConfirmForgotPasswordCommand, ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, tempDataDir } from '../helpers/server.js';
import { lastCode, makePool, makeUser, passwordWorks } from './helpers.js';

test('rotating the code key: old codes verify until the old key is retired', async () => {
  const dataDir = tempDataDir();
  let server = await startTestServer({ dev: true, dataDir });
  const f = await makePool(server.client);
  await makeUser(server.client, f.poolId, 'rot', 'rot@example.com');
  await makeUser(server.client, f.poolId, 'ret', 'ret@example.com');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'rot' }));
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'ret' }));
  const oldCode = await lastCode(server, 'rot@example.com');
  const retiredCode = await lastCode(server, 'ret@example.com');
  await server.stop();

  const file = join(dataDir, 'code-mac-keys.json');
  assert.equal(statSync(file).mode & 0o777, 0o600, 'the key file is readable by its owner only');
  const [first] = JSON.parse(readFileSync(file, 'utf8')) as Array<{ id: string; key: string }>;
  // The key is not in the database.
  const dbFiles = ['userpool.sqlite', 'userpool.sqlite-wal'].map((n) => join(dataDir, n)).filter((p) => existsSync(p));
  const dbText = dbFiles.map((p) => readFileSync(p).toString('latin1')).join('');
  assert.ok(!dbText.includes(first!.key));
  writeFileSync(file, JSON.stringify([{ id: 'k2', key: randomBytes(32).toString('base64') }, first]));

  server = await startTestServer({ dev: true, dataDir });
  try {
    await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'rot', ConfirmationCode: oldCode, Password: 'Rotated-Pass1' }));
    assert.ok(await passwordWorks(server, f.poolId, 'rot', 'Rotated-Pass1'));
    await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'rot' }));
    const user = await server.app.services.store.users.findUserByUsername(f.poolId, 'rot');
    assert.equal((await server.app.services.store.codes.latestCode(user!.sub, 'reset'))?.keyId, 'k2');
    await server.stop();

    // Retire the first key: a code made under it no longer verifies.
    writeFileSync(file, JSON.stringify([JSON.parse(readFileSync(file, 'utf8'))[0]]));
    server = await startTestServer({ dev: true, dataDir });
    await assert.rejects(
      server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'ret', ConfirmationCode: retiredCode, Password: 'Retired-Pass1' })),
      CodeMismatchException,
    );
  } finally {
    await server.cleanup();
  }
});
