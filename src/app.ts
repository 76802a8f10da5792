// Composition root: builds the services by hand and wires them to the HTTP edge.
import { mkdirSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from './config/config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { PasswordHasher, type PasswordHasherOptions } from './crypto/password.js';
import { buildServer } from './protocol/server.js';
import type { Store } from './store/store.js';
import { openStoreFrom, type OpenOptions } from './store/open.js';
import type { Services } from './operations/context.js';
import { seedFromFile } from './seed.js';
import { loadCodeMacKeys } from './crypto/codes.js';
import { devRoutes } from './delivery/devRoutes.js';
import { confirmLinkRoutes } from './ui/confirmLink.js';
import { hostedPageRoutes } from './ui/routes.js';
import { DeliveryWorker } from './delivery/worker.js';
import { createTransports, startDelivery } from './delivery/transports.js';
import { SigningKeyRing } from './operations/shared/signingKeys.js';
import { tokenRoutes } from './protocol/tokenRoutes.js';
import { TriggerRunner, type TriggerInvoker } from './triggers/runner.js';
import { configuredInvoker } from './triggers/invokers/index.js';
import { triggerMetrics } from './triggers/metrics.js';
import { Metrics } from './protocol/metrics.js';
import { healthRoutes } from './protocol/health.js';
import { ImportRunner } from './import/runner.js';
import { importRoutes } from './protocol/importRoutes.js';

export interface AppOptions {
  clock?: Clock;
  /** Tests may lower the hashing cost; production always uses the defaults. */
  argon2?: PasswordHasherOptions;
  /** Where the log goes (default stdout); tests capture it to prove no secret is logged. */
  logStream?: NodeJS.WritableStream;
  /**
   * Delivers Lambda trigger events (the pool's LambdaConfig names the functions). Tests may
   * inject one; by default --trigger-config picks an invoker per ARN (triggers/invokers).
   */
  triggerInvoker?: TriggerInvoker;
}

export interface App {
  server: FastifyInstance;
  services: Services;
  /** The URL the server listens on, once listening. */
  url: string;
  close(): Promise<void>;
}

/** PostgreSQL when --database-url is set, else SQLite in the data directory; migrated first. */
export async function openStore(config: ServerConfig, options: OpenOptions = {}): Promise<Store> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  return openStoreFrom(config, options);
}

export async function createApp(config: ServerConfig, options: AppOptions = {}): Promise<App> {
  // First: a delivery setting that cannot work (an unreadable CA file) stops the start early.
  const transports = createTransports(config.delivery);
  // Read lazily: the counters live in the services, built below.
  const metrics = new Metrics(() => services.counters.codeComparisons);
  const store = await openStore(config, { onError: () => metrics.recordStoreError() });
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
    triggers: new TriggerRunner(
      options.triggerInvoker ?? configuredInvoker({ routes: config.triggerRoutes, lambdaEndpoint: config.lambdaEndpoint, region: config.region, logger: () => services.logger }),
      { logger: () => services.logger, record: triggerMetrics(metrics.registry) },
    ),
    signingKeys: new SigningKeyRing(store, codeKeys, clock),
    delivery: new DeliveryWorker({ store, clock, logger: () => services.logger, settings: config.delivery, region: config.region }, transports),
    metrics,
    imports: new ImportRunner({ store, clock, logger: () => services.logger }),
    // Resolved when asked: the listening address is known only once startApp has listened.
    publicUrl: () => config.publicUrl ?? (app.url || `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`),
  };
  const server = await buildServer(services, [devRoutes, confirmLinkRoutes, hostedPageRoutes, tokenRoutes, healthRoutes(metrics), importRoutes], options.logStream);
  services.logger = server.log;
  const app: App = {
    server,
    services,
    url: '',
    async close() {
      await server.close();
      await services.imports.stop();
      await services.delivery.stop();
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
  startDelivery(app.services);
  app.services.imports.start();
  return app;
}
