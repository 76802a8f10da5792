// The hosted pages as one route group for the composition root (app.ts).
import type { FastifyInstance } from 'fastify';
import type { Services } from '../operations/context.js';
import { assetRoutes } from './assets.js';
import { brandingRoutes } from './branding.js';
import { resetPageRoutes } from './resetPages.js';
import { mailboxRoutes } from './mailbox.js';

export function hostedPageRoutes(app: FastifyInstance, services: Services): void {
  assetRoutes(app);
  brandingRoutes(app, services);
  resetPageRoutes(app, services);
  // Development mode only (it returns without a route otherwise).
  mailboxRoutes(app, services);
}
