// Sign-in leaves SignIn audit events, listed by AdminListUserAuthEvents: Pass for a sign-in
// that proved the password, Fail for a wrong one and for a locked identity; an unknown name is
// recorded under a keyed hash of it. No event holds the password.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AdminListUserAuthEventsCommand, InitiateAuthCommand, NotAuthorizedException, type AuthEventType } from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from '../helpers/server.js';
import { rejectsWith } from '../helpers/users.js';
import { confirmedUser, makeAuthPool, PASSWORD, signIn, startAuthServer, TestClock, type AuthPool } from './fixture.js';

let server: TestServer;
let p: AuthPool;
const clock = new TestClock();

before(async () => {
  server = await startAuthServer({}, clock);
  p = await makeAuthPool(server.client);
});
after(() => server.cleanup());

async function events(username: string): Promise<AuthEventType[]> {
  const out = await server.client.send(new AdminListUserAuthEventsCommand({ UserPoolId: p.poolId, Username: username }));
  return (out.AuthEvents ?? []).filter((e) => e.EventType === 'SignIn');
}

function wrong(clientId: string, username: string, password: string) {
  return server.client.send(new InitiateAuthCommand({ ClientId: clientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }));
}

test('a sign-in is a Pass event, a wrong password and a locked identity are Fail events', async () => {
  await confirmedUser(server.client, p.poolId, 'eve');
  await signIn(server.client, p.legacy, 'eve');
  assert.deepEqual((await events('eve')).map((e) => e.EventResponse), ['Pass']);
  for (let i = 0; i < 5; i++) {
    clock.advance(1000);
    await rejectsWith(wrong(p.legacy, 'eve', `Wrong-Secret-${i}`), NotAuthorizedException, 'Incorrect username or password.');
  }
  clock.advance(1000);
  await rejectsWith(wrong(p.legacy, 'eve', PASSWORD), NotAuthorizedException, 'Password attempts exceeded');
  const list = await events('eve');
  assert.deepEqual(
    list.map((e) => e.EventResponse),
    ['Fail', 'Fail', 'Fail', 'Fail', 'Fail', 'Fail', 'Pass'],
  );
  assert.equal(list[0]!.EventContextData?.IpAddress, '127.0.0.1');

  const rows = await server.app.services.store.db.selectFrom('audit_events').selectAll().where('event_type', '=', 'SignIn').execute();
  const eveRows = rows.filter((r) => r.sub !== null);
  assert.deepEqual(
    eveRows.map((r) => r.reason).sort(),
    ['not_authorized', 'not_authorized', 'not_authorized', 'not_authorized', 'not_authorized', 'success', 'too_many_failed_attempts'].sort(),
  );
  assert.ok(!JSON.stringify(rows).includes('Wrong-Secret') && !JSON.stringify(rows).includes(PASSWORD), 'no password in the audit trail');
});

test('an unknown name under PreventUserExistenceErrors is recorded under a keyed hash, not the name', async () => {
  await rejectsWith(wrong(p.enabled, 'nobody-here', 'Whatever-Pass1'), NotAuthorizedException, 'Incorrect username or password.');
  const rows = await server.app.services.store.db.selectFrom('audit_events').selectAll().where('event_type', '=', 'SignIn').where('sub', 'is', null).execute();
  assert.equal(rows.length, 1);
  assert.equal(rows[0]!.outcome, 'Fail');
  assert.ok(rows[0]!.subject_key && rows[0]!.subject_key.length >= 20);
  assert.ok(!JSON.stringify(rows).includes('nobody-here'));
});
