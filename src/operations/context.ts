// What an operation is given: the services wired in app.ts and facts about the request.
import type { FastifyBaseLogger } from 'fastify';
import type { ServerConfig } from '../config/config.js';
import type { Clock } from '../domain/clock.js';
import type { PasswordHasher } from '../crypto/password.js';
import type { Store } from '../store/store.js';
import type { CodeMacKeys } from '../crypto/codes.js';
import type { TriggerRunner } from '../triggers/runner.js';
import type { SigningKeyRing } from './shared/signingKeys.js';
import type { DeliveryWorker } from '../delivery/worker.js';
import type { Metrics } from '../protocol/metrics.js';
import type { ImportRunner } from '../import/runner.js';

export interface Services {
  config: ServerConfig;
  store: Store;
  clock: Clock;
  passwords: PasswordHasher;
  logger: FastifyBaseLogger;
  /** Keys for one-time-code MACs and identifier hashes; kept outside the database. */
  codeKeys: CodeMacKeys;
  /** Instrumentation the tests and benchmarks read (how many codes were really compared). */
  counters: { codeComparisons: number };
  /** The Lambda trigger seam (triggers/runner.ts). */
  triggers: TriggerRunner;
  /** The pools' token signing keys (kept in the store, cached per process). */
  signingKeys: SigningKeyRing;
  /** Prometheus metrics (protocol/metrics.ts); absent where no server is built. */
  metrics?: Metrics;
  /** Sends the outbox (delivery/worker.ts): the transports this process has, and a request's first attempt. */
  delivery: DeliveryWorker;
  /** Runs user import jobs (import/runner.ts). */
  imports: ImportRunner;
  /** The server's public base URL: --public-url, else the address it listens on. */
  publicUrl(): string;
}

export interface RequestInfo {
  requestId: string;
  sourceIp: string;
  userAgent: string | undefined;
  /** The SigV4 access key id of an admin call, when keys are configured. */
  accessKeyId: string | undefined;
}

export interface OperationContext extends Services {
  request: RequestInfo;
}

/** An operation: the wire input (already validated against the model) to the wire output. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Operation = (ctx: OperationContext, input: any) => Promise<object>;
