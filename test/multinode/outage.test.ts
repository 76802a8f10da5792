// PostgreSQL unavailable for 5 s in the middle of load on 2 processes. The outage is made by
// refusing connections to the test's own database and ending its sessions (what a restart
// does to userpool's connections), so PostgreSQL itself, shared with other work, keeps
// running. During it: only well-formed InternalErrorException answers; after it: full service
// from the same processes; every write acknowledged with a 200 is in the database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  CreateUserPoolCommand,
  DescribeUserPoolCommand,
  InternalErrorException,
} from '@aws-sdk/client-cognito-identity-provider';
import { createTestDatabase, postgresForTests, queryDatabase, type TestDatabase } from '../helpers/postgres.js';
import { rawCall } from '../helpers/server.js';
import { startNodes, type Nodes } from './nodes.js';

const availability = await postgresForTests();

interface Outcome {
  at: number;
  kind: 'ok' | string;
  created?: string;
}

describe('PostgreSQL unavailable for 5 s under load', { skip: availability.skip }, () => {
  let database: TestDatabase;
  let nodes: Nodes;
  let poolId: string;

  before(async () => {
    database = await createTestDatabase(availability.url);
    nodes = await startNodes(2, database.url);
    poolId = (await nodes.clients[0]!.send(new CreateUserPoolCommand({ PoolName: 'outage' }))).UserPool!.Id!;
  });
  after(async () => {
    await queryDatabase(availability.url, `alter database ${database.name} allow_connections true`).catch(() => undefined);
    await nodes?.stop();
    await database?.drop();
  });

  async function setAvailable(available: boolean): Promise<void> {
    await queryDatabase(availability.url, `alter database ${database.name} allow_connections ${available}`);
    if (!available) await queryDatabase(availability.url, 'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [database.name]);
  }

  test('only InternalErrorException during the outage, full service after, no acknowledged write lost', async () => {
    const start = Date.now();
    const OUTAGE_FROM = 3000;
    const OUTAGE_TO = 8000;
    const END = 12_000;
    const outcomes: Outcome[] = [];
    let seq = 0;
    let rawDuringOutage: Awaited<ReturnType<typeof rawCall>> | undefined;

    const worker = async (w: number) => {
      while (Date.now() - start < END) {
        const i = seq++;
        const client = nodes.next(i);
        const at = Date.now() - start;
        try {
          if (i % 2 === 0) {
            const username = `load-${w}-${i}`;
            await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temp-Pass-123' }));
            outcomes.push({ at, kind: 'ok', created: username });
          } else {
            await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
            outcomes.push({ at, kind: 'ok' });
          }
        } catch (err) {
          outcomes.push({ at, kind: err instanceof InternalErrorException ? `InternalErrorException:${err.message}` : `other:${(err as Error).name}:${(err as Error).message}` });
          // A failing request answers fast; do not spin.
          await new Promise((r) => setTimeout(r, 20));
        }
      }
    };
    const control = async () => {
      await new Promise((r) => setTimeout(r, OUTAGE_FROM));
      await setAvailable(false);
      await new Promise((r) => setTimeout(r, 1000));
      rawDuringOutage = await rawCall(nodes.urls[1]!, 'AWSCognitoIdentityProviderService.DescribeUserPool', JSON.stringify({ UserPoolId: poolId }), {
        authorization: 'AWS4-HMAC-SHA256 Credential=AKIATESTTESTTEST0001/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00',
      });
      await new Promise((r) => setTimeout(r, OUTAGE_TO - OUTAGE_FROM - 1000));
      await setAvailable(true);
    };
    await Promise.all([control(), ...Array.from({ length: 6 }, (_, w) => worker(w))]);

    const kinds = new Set(outcomes.map((o) => o.kind));
    for (const k of kinds) assert.ok(k === 'ok' || k === 'InternalErrorException:An internal error occurred.', `unexpected answer ${k}`);
    const during = outcomes.filter((o) => o.at > OUTAGE_FROM + 500 && o.at < OUTAGE_TO - 200);
    assert.ok(during.length > 0 && during.every((o) => o.kind !== 'ok'), 'nothing succeeds while the database is unreachable');
    assert.equal(rawDuringOutage!.status, 500);
    assert.deepEqual(rawDuringOutage!.json, { __type: 'InternalErrorException', message: 'An internal error occurred.' });
    const before = outcomes.filter((o) => o.at < OUTAGE_FROM - 200);
    const after = outcomes.filter((o) => o.at > OUTAGE_TO + 2000);
    assert.ok(before.length > 10 && before.every((o) => o.kind === 'ok'), 'full service before');
    assert.ok(after.length > 10 && after.every((o) => o.kind === 'ok'), `full service after (${after.filter((o) => o.kind !== 'ok').length} failed)`);
    for (const r of nodes.running) assert.equal(r.child.exitCode, null, 'the same processes serve throughout');

    const acknowledged = outcomes.flatMap((o) => (o.created ? [o.created] : []));
    const stored = new Set((await queryDatabase<{ username: string }>(database.url, 'select username from users where pool_id = $1', [poolId])).map((r) => r.username));
    const lost = acknowledged.filter((u) => !stored.has(u));
    assert.deepEqual(lost, [], 'every acknowledged write is durable');
    const store = await (await fetch(`${nodes.urls[0]}/metrics`)).text();
    assert.match(store, /^userpool_store_errors_total [1-9]/m);
  });
});
