// Seeding: a JSON file (--seed) declaring pools, their app clients and users, created at start
// when they do not exist yet. Everything goes through the same operation functions the API
// uses, so a seeded pool gets exactly the defaults and checks a CreateUserPool call would.
//
// - Idempotent: what exists is left alone (never updated), so restarting with the same file
//   changes nothing. Pools match by their declared Id, else by PoolName; clients by their
//   declared ClientId, else by ClientName within the pool; users by Username.
// - Fixed ids: a CI job can declare a pool Id, a ClientId and a ClientSecret so tests can rely
//   on them. Cognito differs: it always generates these. The operation creates the resource
//   and it is then re-keyed to the declared ids in the same transaction.
// - All or nothing: the whole file is checked before anything is written, and it is applied
//   in one store transaction, so a seed that fails half-way leaves the store as it was.
import { readFileSync } from 'node:fs';
import type { AttributeType, CreateUserPoolClientRequest, CreateUserPoolRequest } from '@aws-sdk/client-cognito-identity-provider';
import type { OperationContext, Services } from './operations/context.js';
import { CognitoException, UsernameExistsException } from './operations/exceptions.js';
import { createUserPool } from './operations/createUserPool.js';
import { createUserPoolClient } from './operations/createUserPoolClient.js';
import { adminCreateUser } from './operations/adminCreateUser.js';
import { adminSetUserPassword } from './operations/adminSetUserPassword.js';
import { model } from './protocol/model.generated.js';
import { validateInput } from './protocol/validate.js';
import type { Store } from './store/store.js';

export class SeedError extends Error {
  override name = 'SeedError';
}

type Json = Record<string, unknown>;

export interface SeedPool {
  where: string;
  id: string | undefined;
  /** CreateUserPool input (PoolName and settings), checked against the model. */
  input: CreateUserPoolRequest;
  clients: SeedClient[];
  users: SeedUser[];
}
export interface SeedClient {
  where: string;
  clientId: string | undefined;
  clientSecret: string | undefined;
  /** CreateUserPoolClient input without UserPoolId, checked against the model. */
  input: Omit<CreateUserPoolClientRequest, 'UserPoolId'>;
}
export interface SeedUser {
  where: string;
  username: string;
  attributes: AttributeType[] | undefined;
  password: string;
  permanent: boolean;
}

export interface SeedSummary {
  created: { pools: number; clients: number; users: number };
  existing: { pools: number; clients: number; users: number };
}

/** Reads, checks and applies a seed file. Throws SeedError naming the file and the entry. */
export async function seedFromFile(services: Services, file: string): Promise<SeedSummary> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new SeedError(`--seed ${file}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new SeedError(`--seed ${file}: the file is not valid JSON`);
  }
  try {
    const pools = parseSeed(doc, services.config.region);
    const summary = await applySeed(services, pools);
    services.logger.info({ seed: file, ...summary }, 'seed applied');
    return summary;
  } catch (err) {
    if (err instanceof SeedError) throw new SeedError(`--seed ${file}: ${err.message}`);
    throw err;
  }
}

// ---------------------------------------------------------------------------------------
// Checking the document. Nothing is written until all of it is known to be well-formed.

const PLACEHOLDER_POOL_ID = 'us-east-1_seedcheck';
const ID_PATTERN = /^[\w+]+$/;

function membersOf(shape: string): string[] {
  return Object.keys(model.shapes[shape]?.members ?? {});
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkKeys(value: Json, allowed: ReadonlySet<string>, where: string): void {
  for (const key of Object.keys(value)) {
    // Unknown keys are refused: a misspelt setting would otherwise be silently ignored.
    if (!allowed.has(key)) throw new SeedError(`${where}: unknown key '${key.slice(0, 64)}'`);
  }
}

function checkInput(operation: string, input: Json, where: string): void {
  const violations = validateInput(operation, input);
  if (violations) throw new SeedError(`${where}: ${violations}`);
}

function arrayOf(value: unknown, where: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SeedError(`${where} must be a list`);
  return value;
}

const POOL_KEYS = new Set([...membersOf('CreateUserPoolRequest'), 'Id', 'Clients', 'Users']);
const CLIENT_KEYS = new Set([...membersOf('CreateUserPoolClientRequest').filter((k) => k !== 'UserPoolId'), 'ClientId', 'ClientSecret']);
const USER_KEYS = new Set(['Username', 'UserAttributes', 'Password', 'Permanent']);

export function parseSeed(doc: unknown, region: string): SeedPool[] {
  if (!isObject(doc)) throw new SeedError('the file must hold a JSON object with a "Pools" list');
  checkKeys(doc, new Set(['Pools']), 'the top level');
  const pools = arrayOf(doc.Pools, 'Pools').map((p, i) => parsePool(p, i, region));

  const ids = new Set<string>();
  const names = new Set<string>();
  const clientIds = new Set<string>();
  for (const pool of pools) {
    if (pool.id !== undefined) {
      if (ids.has(pool.id)) throw new SeedError(`${pool.where}: another pool declares the same Id`);
      ids.add(pool.id);
    } else {
      // Without an Id a pool is found again by its name, so the name must say which one.
      const name = pool.input.PoolName!;
      if (names.has(name)) throw new SeedError(`${pool.where}: another pool without an Id has the same PoolName; give each an Id`);
      names.add(name);
    }
    const clientNames = new Set<string>();
    for (const client of pool.clients) {
      if (client.clientId !== undefined) {
        if (clientIds.has(client.clientId)) throw new SeedError(`${client.where}: another client declares the same ClientId`);
        clientIds.add(client.clientId);
      } else {
        const name = client.input.ClientName!;
        if (clientNames.has(name)) throw new SeedError(`${client.where}: another client of this pool without a ClientId has the same ClientName`);
        clientNames.add(name);
      }
    }
    const usernames = new Set<string>();
    for (const user of pool.users) {
      if (usernames.has(user.username)) throw new SeedError(`${user.where}: the same Username appears twice in this pool`);
      usernames.add(user.username);
    }
  }
  return pools;
}

function parsePool(value: unknown, index: number, region: string): SeedPool {
  let where = `Pools[${index}]`;
  if (!isObject(value)) throw new SeedError(`${where} must be an object`);
  if (typeof value.PoolName === 'string') where += ` (${value.PoolName.slice(0, 128)})`;
  checkKeys(value, POOL_KEYS, where);
  const { Id, Clients, Users, ...input } = value;
  checkInput('CreateUserPool', input, where);
  if (Id !== undefined) {
    // A pool id names its region; one from another region would not be this server's.
    const prefix = `${region}_`;
    if (typeof Id !== 'string' || !Id.startsWith(prefix) || !/^[0-9a-zA-Z]{1,40}$/.test(Id.slice(prefix.length)) || Id.length > 55) {
      throw new SeedError(`${where}: Id must be '${prefix}' followed by 1 to 40 letters or digits (this server's region is ${region})`);
    }
  }
  return {
    where,
    id: Id as string | undefined,
    input: input as unknown as CreateUserPoolRequest,
    clients: arrayOf(Clients, `${where}.Clients`).map((c, i) => parseClient(c, `${where}.Clients[${i}]`)),
    users: arrayOf(Users, `${where}.Users`).map((u, i) => parseUser(u, `${where}.Users[${i}]`)),
  };
}

function parseClient(value: unknown, where: string): SeedClient {
  if (!isObject(value)) throw new SeedError(`${where} must be an object`);
  if (typeof value.ClientName === 'string') where += ` (${value.ClientName.slice(0, 128)})`;
  checkKeys(value, CLIENT_KEYS, where);
  const { ClientId, ClientSecret, ...input } = value;
  checkInput('CreateUserPoolClient', { ...input, UserPoolId: PLACEHOLDER_POOL_ID }, where);
  // The values are not echoed: the model marks client ids and secrets sensitive.
  if (ClientId !== undefined && (typeof ClientId !== 'string' || ClientId.length > 128 || !ID_PATTERN.test(ClientId))) {
    throw new SeedError(`${where}: ClientId must be 1 to 128 letters, digits, '_' or '+'`);
  }
  if (ClientSecret !== undefined) {
    if (input.GenerateSecret !== true) throw new SeedError(`${where}: ClientSecret is given but GenerateSecret is not true`);
    if (typeof ClientSecret !== 'string' || ClientSecret.length > 64 || !ID_PATTERN.test(ClientSecret)) {
      throw new SeedError(`${where}: ClientSecret must be 1 to 64 letters, digits, '_' or '+'`);
    }
  }
  return {
    where,
    clientId: ClientId as string | undefined,
    clientSecret: ClientSecret as string | undefined,
    input: input as unknown as Omit<CreateUserPoolClientRequest, 'UserPoolId'>,
  };
}

function parseUser(value: unknown, where: string): SeedUser {
  if (!isObject(value)) throw new SeedError(`${where} must be an object`);
  checkKeys(value, USER_KEYS, where);
  if (typeof value.Username !== 'string') throw new SeedError(`${where}: Username is required`);
  if (typeof value.Password !== 'string') throw new SeedError(`${where}: Password is required`);
  if (value.Permanent !== undefined && typeof value.Permanent !== 'boolean') throw new SeedError(`${where}: Permanent must be true or false`);
  checkInput('AdminCreateUser', { UserPoolId: PLACEHOLDER_POOL_ID, Username: value.Username, UserAttributes: value.UserAttributes }, where);
  checkInput('AdminSetUserPassword', { UserPoolId: PLACEHOLDER_POOL_ID, Username: value.Username, Password: value.Password }, where);
  return {
    where,
    username: value.Username,
    attributes: value.UserAttributes as SeedUser['attributes'],
    password: value.Password,
    permanent: value.Permanent !== false,
  };
}

// ---------------------------------------------------------------------------------------
// Applying it, through the operations, in one transaction.

export async function applySeed(services: Services, pools: SeedPool[]): Promise<SeedSummary> {
  const summary: SeedSummary = { created: { pools: 0, clients: 0, users: 0 }, existing: { pools: 0, clients: 0, users: 0 } };
  await services.store.transaction(async (tx) => {
    const ctx: OperationContext = {
      ...services,
      store: tx,
      request: { requestId: 'seed', sourceIp: '127.0.0.1', userAgent: 'userpool-seed', accessKeyId: undefined },
    };
    for (const pool of pools) {
      const { poolId, created } = await ensurePool(ctx, pool);
      summary[created ? 'created' : 'existing'].pools++;
      for (const client of pool.clients) summary[(await ensureClient(ctx, poolId, client)) ? 'created' : 'existing'].clients++;
      for (const user of pool.users) summary[(await ensureUser(ctx, poolId, user)) ? 'created' : 'existing'].users++;
    }
  });
  return summary;
}

/** An operation's refusal, named after the seed entry (Cognito messages carry no secrets). */
async function step<T>(where: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CognitoException && !(err instanceof UsernameExistsException)) throw new SeedError(`${where}: ${err.name}: ${err.message}`);
    throw err;
  }
}

async function ensurePool(ctx: OperationContext, pool: SeedPool): Promise<{ poolId: string; created: boolean }> {
  if (pool.id !== undefined) {
    if (await ctx.store.pools.findPool(pool.id)) return { poolId: pool.id, created: false };
  } else {
    const named = await poolsNamed(ctx.store, pool.input.PoolName!);
    if (named.length > 1) throw new SeedError(`${pool.where}: ${named.length} pools have this PoolName; give the seed entry the Id of the one to use`);
    if (named[0]) return { poolId: named[0], created: false };
  }
  const out = await step(pool.where, () => createUserPool(ctx, pool.input));
  const generated = out.UserPool!.Id!;
  if (pool.id === undefined) return { poolId: generated, created: true };
  // Re-keyed before anything refers to it: the pool has no clients or users yet.
  const record = (await ctx.store.pools.findPool(generated))!;
  await ctx.store.pools.deletePool(generated);
  await ctx.store.pools.createPool({ ...record, id: pool.id });
  return { poolId: pool.id, created: true };
}

async function poolsNamed(store: Store, name: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.pools.listPools(100, after);
    for (const p of page) if (p.name === name) ids.push(p.id);
    if (page.length < 100) return ids;
    after = page[page.length - 1]!.id;
  }
}

async function ensureClient(ctx: OperationContext, poolId: string, client: SeedClient): Promise<boolean> {
  if (client.clientId !== undefined) {
    const existing = await ctx.store.clients.findClient(client.clientId);
    if (existing && existing.poolId !== poolId) throw new SeedError(`${client.where}: the ClientId belongs to a client of another pool`);
    if (existing) return false;
  } else {
    const named = await clientsNamed(ctx.store, poolId, client.input.ClientName!);
    if (named.length > 1) throw new SeedError(`${client.where}: ${named.length} clients of the pool have this ClientName; give the seed entry the ClientId of the one to use`);
    if (named.length === 1) return false;
  }
  const out = await step(client.where, () => createUserPoolClient(ctx, { ...client.input, UserPoolId: poolId }));
  if (client.clientId === undefined && client.clientSecret === undefined) return true;
  const generated = out.UserPoolClient!.ClientId!;
  const record = (await ctx.store.clients.findPoolClient(poolId, generated))!;
  await ctx.store.clients.deleteClient(poolId, generated);
  await ctx.store.clients.createClient({ ...record, id: client.clientId ?? generated, secret: client.clientSecret ?? record.secret });
  return true;
}

async function clientsNamed(store: Store, poolId: string, name: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.clients.listClients(poolId, 100, after);
    for (const c of page) if (c.name === name) ids.push(c.id);
    if (page.length < 100) return ids;
    after = page[page.length - 1]!.id;
  }
}

async function ensureUser(ctx: OperationContext, poolId: string, user: SeedUser): Promise<boolean> {
  try {
    await step(user.where, () =>
      adminCreateUser(ctx, {
        UserPoolId: poolId,
        Username: user.username,
        UserAttributes: user.attributes,
        // A permanent password is set below; the temporary one is then generated, so a pool
        // with password history does not see the same password twice.
        TemporaryPassword: user.permanent ? undefined : user.password,
        // A seed never sends invitations.
        MessageAction: 'SUPPRESS',
      }),
    );
  } catch (err) {
    // The user (or another holding the same email or phone number) exists: leave it alone.
    if (err instanceof UsernameExistsException) return false;
    throw err;
  }
  if (user.permanent) {
    await step(user.where, () => adminSetUserPassword(ctx, { UserPoolId: poolId, Username: user.username, Password: user.password, Permanent: true }));
  }
  return true;
}
