// Codes across 4 `userpool serve` processes on one PostgreSQL database, clients round-robin:
// one valid code confirmed once however many race for it, a guess budget that is not
// multiplied by the number of nodes, and the per-user ForgotPassword cap tripping at the same
// count on 1 process and on 4.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ConfirmForgotPasswordCommand,
  CodeMismatchException,
  CreateUserPoolClientCommand,
  ExpiredCodeException,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  LimitExceededException,
  NotAuthorizedException,
} from '@aws-sdk/client-cognito-identity-provider';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { makePool, makeUser, type ResetFixture } from '../reset/helpers.js';
import { lastCodeFrom, startNodes, type Nodes } from './nodes.js';

const availability = await postgresForTests();

describe('codes across 4 processes on PostgreSQL', { skip: availability.skip }, () => {
  let database: TestDatabase;
  let nodes: Nodes;
  let f: ResetFixture;
  let signInClientId: string;

  before(async () => {
    database = await createTestDatabase(availability.url);
    nodes = await startNodes(4, database.url, {
      // Only the limits under test may refuse: not the pool rate, not the per-user failures.
      USERPOOL_RECOVERY_REQUESTS_PER_SECOND: '100000',
      USERPOOL_RESET_FAILED_CONFIRMS_PER_HOUR: '1000',
      USERPOOL_RESET_FAILED_CONFIRMS_PER_DAY: '10000',
    });
    f = await makePool(nodes.clients[0]!);
    const signIn = await nodes.clients[0]!.send(
      new CreateUserPoolClientCommand({ UserPoolId: f.poolId, ClientName: 'sign-in', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
    );
    signInClientId = signIn.UserPoolClient!.ClientId!;
  });
  after(async () => {
    await nodes?.stop();
    await database?.drop();
  });

  const signIn = (node: number, username: string, password: string) =>
    nodes.clients[node % 4]!.send(
      new InitiateAuthCommand({ ClientId: signInClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: username, PASSWORD: password } }),
    );

  test('50 concurrent confirms of one valid code: exactly one 200 and only its password works (20 rounds)', async () => {
    for (let round = 0; round < 20; round++) {
      const username = `race-${round}`;
      const email = `${username}@example.com`;
      await makeUser(nodes.clients[0]!, f.poolId, username, email);
      await nodes.next(round).send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: username }));
      const code = await lastCodeFrom(nodes.urls[(round + 1) % 4]!, email);
      const passwordOf = (i: number) => `Winner-${round}-${i}-Aa1`;
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          nodes.next(i).send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: username, ConfirmationCode: code, Password: passwordOf(i) })),
        ),
      );
      const winners = results.flatMap((r, i) => (r.status === 'fulfilled' ? [i] : []));
      assert.equal(winners.length, 1, `round ${round}: ${winners.length} confirms succeeded`);
      for (const r of results) {
        if (r.status === 'rejected') {
          // Losers either were refused before comparing (the code's attempts were spent) or
          // compared and then lost the single consumption.
          assert.ok(r.reason instanceof LimitExceededException || r.reason instanceof ExpiredCodeException, `round ${round}: ${String(r.reason)}`);
        }
      }
      const winner = winners[0]!;
      const tokens = await signIn(round + 2, username, passwordOf(winner));
      assert.ok(tokens.AuthenticationResult?.AccessToken, `round ${round}: the winner's password signs in`);
      const loser = (winner + 1) % 50;
      await assert.rejects(signIn(round + 3, username, passwordOf(loser)), (e: unknown) => e instanceof NotAuthorizedException);
      await assert.rejects(signIn(round, username, 'Original-Pass1'), (e: unknown) => e instanceof NotAuthorizedException);
    }
  });

  test('200 concurrent wrong codes for one issued code: 5 comparisons in total over all processes', async () => {
    await makeUser(nodes.clients[0]!, f.poolId, 'guessed', 'guessed@example.com');
    await nodes.next(1).send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'guessed' }));
    const code = await lastCodeFrom(nodes.urls[2]!, 'guessed@example.com');
    const wrong = code === '000000' ? '000001' : '000000';
    const comparedBefore = await nodes.metricSum('userpool_code_comparisons_total');
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        nodes.next(i).send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'guessed', ConfirmationCode: wrong, Password: 'Guess-Pass-123' })),
      ),
    );
    const compared = (await nodes.metricSum('userpool_code_comparisons_total')) - comparedBefore;
    assert.equal(compared, 5, 'the per-code cap holds across processes');
    const mismatches = results.filter((r) => r.status === 'rejected' && r.reason instanceof CodeMismatchException).length;
    const refused = results.filter((r) => r.status === 'rejected' && r.reason instanceof LimitExceededException).length;
    assert.deepEqual({ mismatches, refused, total: results.length }, { mismatches: 5, refused: 195, total: 200 });
    // The code is dead now, even the right one; the password is unchanged.
    await assert.rejects(
      nodes.next(3).send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'guessed', ConfirmationCode: code, Password: 'Guess-Pass-123' })),
      (e: unknown) => e instanceof LimitExceededException,
    );
    assert.ok((await signIn(0, 'guessed', 'Original-Pass1')).AuthenticationResult);
  });

  async function forgotBurst(username: string, clientId: string, spread: number): Promise<{ ok: number; limited: number }> {
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, (_, i) => nodes.clients[i % spread]!.send(new ForgotPasswordCommand({ ClientId: clientId, Username: username }))),
    );
    for (const r of results) if (r.status === 'rejected') assert.ok(r.reason instanceof LimitExceededException, String(r.reason));
    return { ok: results.filter((r) => r.status === 'fulfilled').length, limited: results.filter((r) => r.status === 'rejected').length };
  }

  test('the per-user ForgotPassword cap (10 an hour) trips at the same count on 1 process and on 4', async () => {
    await makeUser(nodes.clients[0]!, f.poolId, 'cap-one', 'cap-one@example.com');
    await makeUser(nodes.clients[0]!, f.poolId, 'cap-four', 'cap-four@example.com');
    assert.deepEqual(await forgotBurst('cap-one', f.legacyClientId, 1), { ok: 10, limited: 15 });
    assert.deepEqual(await forgotBurst('cap-four', f.legacyClientId, 4), { ok: 10, limited: 15 });
    // An unknown name under PreventUserExistenceErrors trips at the same count too (B7).
    assert.deepEqual(await forgotBurst('nobody-at-all', f.enabledClientId, 4), { ok: 10, limited: 15 });
  });

  test('a code issued on one node is confirmed on another, and the new password signs in on a third', async () => {
    await makeUser(nodes.clients[0]!, f.poolId, 'roamer', 'roamer@example.com');
    await nodes.clients[1]!.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'roamer' }));
    const code = await lastCodeFrom(nodes.urls[0]!, 'roamer@example.com');
    await nodes.clients[2]!.send(new ConfirmForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'roamer', ConfirmationCode: code, Password: 'Roamed-Pass-1' }));
    const tokens = await signIn(3, 'roamer', 'Roamed-Pass-1');
    assert.ok(tokens.AuthenticationResult?.AccessToken);
  });
});
