// Helpers for the user-administration tests: a fast server, pools in the three identity
// shapes, and an assertion on the SDK's exception class and exact message.
import assert from 'node:assert/strict';
import {
  CreateUserPoolCommand,
  type AttributeType,
  type CognitoIdentityProviderClient,
  type CreateUserPoolRequest,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from './server.js';

/** Argon2 at its cheapest: these tests exercise the flows, not the hash cost. */
export const FAST_ARGON2 = { memoryCostKiB: 1024, timeCost: 1, parallelism: 1 };

export function startFastServer(): Promise<TestServer> {
  return startTestServer({}, { argon2: FAST_ARGON2 });
}

export async function createPool(client: CognitoIdentityProviderClient, extra: Partial<CreateUserPoolRequest> = {}): Promise<string> {
  const out = await client.send(new CreateUserPoolCommand({ PoolName: 'users', ...extra }));
  return out.UserPool!.Id!;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ErrorClass = new (...args: any[]) => Error;

/** Awaits a rejection and checks it is `type` (the SDK's own class) with exactly `message`. */
export async function rejectsWith(promise: Promise<unknown>, type: ErrorClass, message: string | RegExp): Promise<void> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught, `expected ${type.name}, but the call succeeded`);
  const err = caught as Error;
  assert.ok(err instanceof type, `expected ${type.name}, got ${err.name}: ${err.message}`);
  if (typeof message === 'string') assert.equal(err.message, message);
  else assert.match(err.message, message);
}

/** Attributes as a plain object, for readable assertions. */
export function attrs(list: AttributeType[] | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((a) => [a.Name!, a.Value ?? '']));
}

export function attrList(values: Record<string, string>): AttributeType[] {
  return Object.entries(values).map(([Name, Value]) => ({ Name, Value }));
}

/** Sends any SDK command through the test server's client, typed by the caller. */
export function sendOn<T>(server: TestServer, command: { input: unknown }): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return server.client.send(command as any) as Promise<T>;
}

/** The messages recorded for one destination, oldest first. */
export function messagesOn(server: TestServer, destination: string) {
  return server.app.services.store.messages.listMessages({ destination });
}
