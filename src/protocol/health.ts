// Endpoints for load balancers and monitoring, beside the AWS JSON endpoint:
//   GET /health   liveness: the process serves HTTP. Never touches the database, so a database
//                 outage does not make an orchestrator restart every node at once.
//   GET /ready    readiness: the database answers and has every migration this version knows.
//   GET /metrics  Prometheus text exposition (protocol/metrics.ts).
// Answers carry fixed words only: never a database error, address or SQL.
import type { FastifyInstance } from 'fastify';
import type { Services } from '../operations/context.js';
import { pendingMigrations, pingDatabase } from '../store/open.js';
import type { Metrics } from './metrics.js';

/** The route module, given the app's metrics. */
export function healthRoutes(metrics: Metrics) {
  return (app: FastifyInstance, services: Services): void => {
    // Migrations never un-apply, so once current the check is not repeated on every probe.
    let migrationsCurrent = false;

    app.get('/health', async (_req, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));

    app.get('/ready', async (req, reply) => {
      reply.header('cache-control', 'no-store');
      try {
        await pingDatabase(services.store.db);
        if (!migrationsCurrent) migrationsCurrent = (await pendingMigrations(services.store.db)).length === 0;
      } catch (err) {
        req.log.warn({ err }, 'readiness check: database unreachable');
        return reply.code(503).send({ status: 'unavailable', reason: 'database unreachable' });
      }
      if (!migrationsCurrent) return reply.code(503).send({ status: 'unavailable', reason: 'database migrations pending' });
      return reply.send({ status: 'ready' });
    });

    app.get('/metrics', async (_req, reply) => {
      const text = await metrics.exposition();
      return reply.header('content-type', metrics.registry.contentType).header('cache-control', 'no-store').send(text);
    });
  };
}
