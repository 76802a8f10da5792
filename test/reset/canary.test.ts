// Canary run: the journey and its error paths with unique secrets, the log captured at trace
// level. No secret may appear in the log, the error bodies or the audit rows, in any encoding.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { ConfirmForgotPasswordCommand, ForgotPasswordCommand } from '@aws-sdk/client-cognito-identity-provider';
import { rawCall, startTestServer, type TestServer } from '../helpers/server.js';
import { computeSecretHash } from '../../src/operations/shared/secretHash.js';
import { lastCode, makePool, makeUser, type ResetFixture } from './helpers.js';

let server: TestServer;
let f: ResetFixture;
let log = '';

before(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      log += chunk.toString('utf8');
      done();
    },
  });
  server = await startTestServer({ dev: true, logLevel: 'trace' }, { logStream: stream });
  f = await makePool(server.client);
});
after(async () => {
  await server.cleanup();
});

function encodings(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  return [secret, b.toString('base64'), b.toString('base64url'), b.toString('hex'), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)];
}

test('no password, code, client secret or SecretHash reaches the log, an error body or the audit rows', async () => {
  const canary = `Cn-${randomBytes(6).toString('hex')}-A1!`;
  const newPassword = `Nw-${randomBytes(6).toString('hex')}-B2!`;
  await makeUser(server.client, f.poolId, 'canary-user', 'canary@example.com', canary);
  const secretHash = computeSecretHash(f.secret, 'canary-user', f.secretClientId);
  const bodies: string[] = [];
  const call = async (op: string, body: object) => {
    const r = await rawCall(server.url, `AWSCognitoIdentityProviderService.${op}`, JSON.stringify(body));
    bodies.push(r.text);
    return r;
  };
  await call('ForgotPassword', { ClientId: f.secretClientId, Username: 'canary-user', SecretHash: secretHash });
  await call('ForgotPassword', { ClientId: f.secretClientId, Username: 'canary-user', SecretHash: secretHash.slice(2) + 'AA' });
  const code = await lastCode(server, 'canary@example.com');
  const wrongCode = code === '424242' ? '242424' : '424242';
  await call('ConfirmForgotPassword', { ClientId: f.secretClientId, Username: 'canary-user', SecretHash: secretHash, ConfirmationCode: wrongCode, Password: newPassword });
  await call('ConfirmForgotPassword', { ClientId: f.secretClientId, Username: 'canary-user', SecretHash: secretHash, ConfirmationCode: code, Password: 'weak' });
  await call('ConfirmForgotPassword', { ClientId: f.secretClientId, Username: 'canary-user', SecretHash: secretHash, ConfirmationCode: code, Password: newPassword + ' x' });
  await call('ConfirmForgotPassword', { ClientId: f.secretClientId, Username: 'canary-user', SecretHash: secretHash, ConfirmationCode: code, Password: newPassword.repeat(20) });
  const ok = await call('ConfirmForgotPassword', { ClientId: f.secretClientId, Username: 'canary-user', SecretHash: secretHash, ConfirmationCode: code, Password: newPassword });
  assert.equal(ok.status, 200);
  await call('ConfirmForgotPassword', { ClientId: f.secretClientId, Username: 'canary-user', SecretHash: secretHash, ConfirmationCode: code, Password: newPassword });
  await call('AdminGetUser', { UserPoolId: f.poolId, Username: 'x' });
  await call('ConfirmForgotPassword', '{"broken' as unknown as object);

  const audit = JSON.stringify(await server.app.services.store.db.selectFrom('audit_events').selectAll().execute());
  assert.ok(log.length > 0, 'the log was captured');
  const places = { log, bodies: bodies.join('\n'), audit };
  for (const [name, secret] of Object.entries({ canary, newPassword, code, clientSecret: f.secret, secretHash })) {
    for (const form of encodings(secret)) {
      for (const [where, text] of Object.entries(places)) {
        assert.ok(!text.includes(form), `${name} found in ${where}`);
      }
    }
  }
});

test('the SDK path: the same secrets stay out of the log', async () => {
  const before = log.length;
  await makeUser(server.client, f.poolId, 'sdk-user', 'sdk@example.com');
  await server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'sdk-user' }));
  const code = await lastCode(server, 'sdk@example.com');
  const pw = `Sd-${randomBytes(6).toString('hex')}-C3!`;
  await server.client.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'sdk-user', ConfirmationCode: code, Password: pw }));
  const added = log.slice(before);
  assert.ok(added.includes('ConfirmForgotPassword'), 'requests are logged by operation name');
  for (const form of [...encodings(pw), ...encodings(code)]) assert.ok(!added.includes(form));
});
