// The invoker the server runs with: each function ARN goes to the target --trigger-config
// maps it to (a Lambda endpoint, a local module, a webhook); an ARN nothing maps goes to the
// AWS Lambda Invoke API (at --lambda-endpoint when set), as in Cognito.
import type { FastifyBaseLogger } from 'fastify';
import { routeFor, type TriggerRoute, type TriggerRoutes, type TriggerTarget } from '../config.js';
import type { TriggerInvoker } from '../runner.js';
import { lambdaInvoker } from './lambda.js';
import { moduleInvoker } from './module.js';
import { webhookInvoker } from './webhook.js';

export interface InvokerSettings {
  routes: TriggerRoutes;
  /** Endpoint of the Lambda Invoke API for unmapped ARNs; default AWS's. */
  lambdaEndpoint: string | undefined;
  region: string;
  logger?: () => FastifyBaseLogger | undefined;
}

export function configuredInvoker(settings: InvokerSettings): TriggerInvoker {
  const defaults = { region: settings.region, logger: settings.logger };
  const build = (target: TriggerTarget): TriggerInvoker => {
    switch (target.type) {
      case 'lambda':
        return lambdaInvoker(target, defaults);
      case 'module':
        return moduleInvoker(target, defaults);
      case 'webhook':
        return webhookInvoker(target);
    }
  };
  // Built on first use and kept: a Lambda client keeps its connections, a module its queue.
  const built = new Map<TriggerRoute, TriggerInvoker>();
  const fallback = lambdaInvoker({ type: 'lambda', ...(settings.lambdaEndpoint && { endpoint: settings.lambdaEndpoint }) }, defaults);
  return (arn, event, signal) => {
    const route = routeFor(settings.routes, arn);
    if (!route) return fallback(arn, event, signal);
    let invoker = built.get(route);
    if (!invoker) built.set(route, (invoker = build(route.target)));
    return invoker(arn, event, signal);
  };
}
