import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CreateUserPoolCommand, DescribeUserPoolCommand, ResourceNotFoundException } from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from './helpers/server.js';

let server: TestServer;
before(async () => {
  server = await startTestServer();
});
after(async () => {
  await server.cleanup();
});

test('a pool created through the SDK reads back', async () => {
  const created = await server.client.send(new CreateUserPoolCommand({ PoolName: 'smoke' }));
  assert.match(created.UserPool!.Id!, /^us-east-1_[0-9A-Za-z]{9}$/);
  const described = await server.client.send(new DescribeUserPoolCommand({ UserPoolId: created.UserPool!.Id! }));
  assert.equal(described.UserPool!.Name, 'smoke');
  assert.ok(described.UserPool!.CreationDate instanceof Date);
  assert.ok(Math.abs(described.UserPool!.CreationDate!.getTime() - Date.now()) < 60_000);
});

test('an unknown pool answers ResourceNotFoundException', async () => {
  await assert.rejects(
    server.client.send(new DescribeUserPoolCommand({ UserPoolId: 'us-east-1_nothere00' })),
    (err: unknown) => err instanceof ResourceNotFoundException && err.message === 'User pool us-east-1_nothere00 does not exist.',
  );
});
