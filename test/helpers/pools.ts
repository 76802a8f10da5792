import { CreateUserPoolCommand, DescribeUserPoolCommand, type CreateUserPoolCommandInput } from '@aws-sdk/client-cognito-identity-provider';
import type { TestServer } from './server.js';
// Shared by the pool and app-client suites: Cognito's standard attribute order and an
// assertion on the SDK's own exception class and exact message.
import assert from 'node:assert/strict';
import type { SchemaAttributeType, UserPoolType } from '@aws-sdk/client-cognito-identity-provider';

/** Asserts the SDK raised `type` with exactly `message`. */
export async function rejects(promise: Promise<unknown>, type: new (...args: never[]) => Error, message: string): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof type, `expected ${type.name}, got ${(err as Error)?.name}: ${(err as Error)?.message}`);
    assert.equal((err as Error).message, message);
    return true;
  });
}

export function attr(pool: UserPoolType, name: string): SchemaAttributeType | undefined {
  return pool.SchemaAttributes?.find((a) => a.Name === name);
}

/** The standard attributes in the order DescribeUserPool lists them. */
export const STANDARD_ORDER = [
  'sub', 'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website',
  'email', 'email_verified', 'gender', 'birthdate', 'zoneinfo', 'locale', 'phone_number', 'phone_number_verified', 'address',
  'updated_at', 'identities',
];

/** CreateUserPool with a default name, through the test server's SDK client. */
export async function createPoolOn(server: TestServer, input: Partial<CreateUserPoolCommandInput> = {}): Promise<UserPoolType> {
  const out = await server.client.send(new CreateUserPoolCommand({ PoolName: 'pool', ...input }));
  return out.UserPool!;
}

export async function describePoolOn(server: TestServer, id: string): Promise<UserPoolType> {
  return (await server.client.send(new DescribeUserPoolCommand({ UserPoolId: id }))).UserPool!;
}
