// Prometheus metrics (prom-client), one registry per app so several apps in one process (the
// tests) keep separate counts. Labels are bounded sets: operation names from the model and
// Cognito exception names; never a user, pool, client or anything a caller typed.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Answers that mean a limit refused the request (B11), counted on their own. */
const RATE_LIMIT_EXCEPTIONS = new Set(['LimitExceededException', 'TooManyRequestsException', 'TooManyFailedAttemptsException']);

export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'operation' | 'outcome'>;
  private readonly duration: Histogram<'operation'>;
  private readonly refusals: Counter<'operation' | 'exception'>;
  private readonly storeErrors: Counter;

  /** `codeComparisons` reads the process's count of one-time codes really compared. */
  constructor(codeComparisons: () => number) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'userpool_requests_total',
      help: 'AWS JSON requests by operation and outcome (ok, or the Cognito exception answered)',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'userpool_request_duration_seconds',
      help: 'Time from reading an AWS JSON request to its answer, by operation',
      labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.refusals = new Counter({
      name: 'userpool_rate_limit_refusals_total',
      help: 'Requests refused by a rate or attempt limit, by operation and exception',
      labelNames: ['operation', 'exception'],
      registers,
    });
    this.storeErrors = new Counter({
      name: 'userpool_store_errors_total',
      help: 'Failed database statements and connection attempts (unique-key conflicts excluded)',
      registers,
    });
    let reported = 0;
    new Counter({
      name: 'userpool_code_comparisons_total',
      help: 'One-time codes compared after their attempt was counted (at most the per-code cap each)',
      registers,
      collect() {
        const now = codeComparisons();
        this.inc(now - reported);
        reported = now;
      },
    });
  }

  recordRequest(operation: string, outcome: string, seconds: number): void {
    this.requests.inc({ operation, outcome });
    this.duration.observe({ operation }, seconds);
    if (RATE_LIMIT_EXCEPTIONS.has(outcome)) this.refusals.inc({ operation, exception: outcome });
  }

  recordStoreError(): void {
    this.storeErrors.inc();
  }

  /** The exposition text: this app's metrics and the process's (CPU, memory, event loop). */
  async exposition(): Promise<string> {
    return (await this.registry.metrics()) + (await processRegistry().metrics());
  }
}

let processMetrics: Registry | undefined;

/**
 * Process metrics are collected once per process, whatever the number of apps in it: the
 * default collectors install observers that a per-app registry would install again each time.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics, prefix: 'userpool_' });
  }
  return processMetrics;
}
