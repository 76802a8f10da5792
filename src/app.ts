// Composition root: builds the services by hand and wires them to the HTTP edge.
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from './config/config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { PasswordHasher, type PasswordHasherOptions } from './crypto/password.js';
import { buildServer } from './protocol/server.js';
import { openSqlite } from './store/sqlite/open.js';
import { migrate, Store } from './store/store.js';
import type { Services } from './operations/context.js';
import { seedFromFile } from './seed.js';
import { loadCodeMacKeys } from './crypto/codes.js';
import { devRoutes } from './delivery/devRoutes.js';
import { SigningKeyRing } from './operations/shared/signingKeys.js';
import { tokenRoutes } from './protocol/tokenRoutes.js';
import { noInvoker, TriggerRunner, type TriggerInvoker } from './triggers/runner.js';

export interface AppOptions {
  clock?: Clock;
  /** Tests may lower the hashing cost; production always uses the defaults. */
  argon2?: PasswordHasherOptions;
  /** Where the log goes (default stdout); tests capture it to prove no secret is logged. */
  logStream?: NodeJS.WritableStream;
  /** Delivers Lambda trigger events (the pool's LambdaConfig names the functions). */
  triggerInvoker?: TriggerInvoker;
}

export interface App {
  server: FastifyInstance;
  services: Services;
  /** The URL the server listens on, once listening. */
  url: string;
  close(): Promise<void>;
}

export async function openStore(config: ServerConfig): Promise<Store> {
  if (config.databaseUrl) throw new Error('--database-url: PostgreSQL support is not built yet; leave it unset for the embedded SQLite store');
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const db = openSqlite(config.dataDir);
  await migrate(db);
  return new Store(db);
}

export async function createApp(config: ServerConfig, options: AppOptions = {}): Promise<App> {
  const store = await openStore(config);
  const clock = options.clock ?? systemClock;
  const passwords = new PasswordHasher(options.argon2);
  const placeholderLogger = undefined as unknown as Services['logger'];
  const codeKeys = loadCodeMacKeys(config.dataDir, process.env);
  const services: Services = {
    config,
    store,
    clock,
    passwords,
    logger: placeholderLogger,
    codeKeys,
    counters: { codeComparisons: 0 },
    triggers: new TriggerRunner(options.triggerInvoker ?? noInvoker),
    signingKeys: new SigningKeyRing(store, codeKeys, clock),
    // Resolved when asked: the listening address is known only once startApp has listened.
    publicUrl: () => config.publicUrl ?? (app.url || `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`),
  };
  const server = await buildServer(services, [devRoutes, tokenRoutes], options.logStream);
  services.logger = server.log;
  const app: App = {
    server,
    services,
    url: '',
    async close() {
      await server.close();
      await store.close();
    },
  };
  return app;
}

export async function startApp(config: ServerConfig, options: AppOptions = {}): Promise<App> {
  const app = await createApp(config, options);
  try {
    // Seeded before listening: the first request already sees the declared pools and users.
    if (config.seedFile) await seedFromFile(app.services, config.seedFile);
    await app.server.listen({ host: config.host, port: config.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  const address = app.server.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  app.url = `http://${host}:${port}`;
  return app;
}
