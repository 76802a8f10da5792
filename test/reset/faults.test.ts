// A store failure in the middle of a reset: InternalErrorException with no internals, and
// nothing half-applied (the code still works, the password is unchanged).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { ConfirmForgotPasswordCommand, ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { rawCall, startTestServer, type TestServer } from '../helpers/server.js';
import { lastCode, makePool, makeUser, passwordWorks, type ResetFixture } from './helpers.js';

let server: TestServer;
let f: ResetFixture;

before(async () => {
  server = await startTestServer({ dev: true });
  f = await makePool(server.client);
});
after(async () => {
  await server.cleanup();
});

test('a failing write inside the reset transaction rolls everything back', async () => {
  await makeUser(server.client, f.poolId, 'fragile', 'fragile@example.com');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'fragile' }));
  const code = await lastCode(server, 'fragile@example.com');
  const db = server.app.services.store.db;
  // A database-level fault: the audit insert, the last write of the reset transaction (after
  // the code is consumed and the password written), fails.
  await sql`CREATE TRIGGER fail_audit BEFORE INSERT ON audit_events BEGIN SELECT RAISE(ABORT, 'injected fault'); END`.execute(db);
  try {
    const raw = await rawCall(
      server.url,
      'AWSCognitoIdentityProviderService.ConfirmForgotPassword',
      JSON.stringify({ ClientId: f.legacyClientId, Username: 'fragile', ConfirmationCode: code, Password: 'Never-Applied-1' }),
    );
    assert.equal(raw.status, 500);
    assert.deepEqual(raw.json, { __type: 'InternalErrorException', message: 'An internal error occurred.' });
    assert.ok(!raw.text.includes('injected') && !raw.text.includes('audit_events'));
    assert.ok(await passwordWorks(server, f.poolId, 'fragile', 'Original-Pass1'));
    assert.ok(!(await passwordWorks(server, f.poolId, 'fragile', 'Never-Applied-1')));
    const user = await server.app.services.store.users.findUserByUsername(f.poolId, 'fragile');
    const live = await server.app.services.store.codes.latestCode(user!.sub, 'reset');
    assert.equal(live?.consumedAt, null, 'the code was not consumed');
  } finally {
    await sql`DROP TRIGGER fail_audit`.execute(db);
  }
  // With the fault gone, the same code completes the reset.
  await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'fragile', ConfirmationCode: code, Password: 'Finally-Set-1' }));
  assert.ok(await passwordWorks(server, f.poolId, 'fragile', 'Finally-Set-1'));
});
