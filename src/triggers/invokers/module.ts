// Runs a local JavaScript/TypeScript module's Lambda-style handler(event, context), for
// development without any infrastructure. Each invocation gets its own worker thread, so a
// handler that hangs, loops, throws from a timer, exhausts its memory or calls process.exit
// ends that worker, never the server: a hung one is terminated when the runner stops waiting
// (Cognito's 5 seconds). The handler is trusted code the operator configured; the worker is
// there for liveness, not as a sandbox: it shares the process (a native crash or
// process.abort() would still end it) and can read what the server's user can read. The
// server's own USERPOOL_* variables, which may hold secrets, are not in its environment.
import { randomUUID } from 'node:crypto';
import { basename, extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { FastifyBaseLogger } from 'fastify';
import { answerFromText, TRIGGER_TIMEOUT_MS, type InvokeResult, type TriggerInvoker } from '../runner.js';
import { tsxApiUrl, type ModuleTarget } from '../config.js';
import { arnRegion } from './lambda.js';
import { WORKER_SOURCE } from './moduleWorker.js';

/** The memory the handler is told it has, and its heap limit (ends a runaway handler). */
const MEMORY_LIMIT_MB = 256;
/** Workers of one module running at once; more invocations wait (inside their 5 seconds). */
const MAX_CONCURRENT = 16;
const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);

export interface ModuleInvokerDefaults {
  region: string;
  logger?: () => FastifyBaseLogger | undefined;
}

type WorkerMessage = { kind: 'result'; json: string } | { kind: 'error'; message: string } | { kind: 'loadError'; message: string; detail: string };

export function moduleInvoker(target: ModuleTarget, defaults: ModuleInvokerDefaults): TriggerInvoker {
  const url = pathToFileURL(target.path).href;
  const tsxApi = ['.ts', '.mts', '.cts'].includes(extname(target.path)) ? tsxApiUrl() : undefined;
  const label = basename(target.path, extname(target.path));
  const slots = new Semaphore(MAX_CONCURRENT);

  return async (arn, event, signal): Promise<InvokeResult> => {
    if (!(await slots.acquire(signal))) return { kind: 'invokeFailure', reason: 'aborted' };
    try {
      const functionName = arn.split(':function:')[1]?.split(':')[0] ?? arn;
      const awsRequestId = randomUUID();
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('USERPOOL_')) env[k] = v;
      const region = arnRegion(arn) ?? defaults.region;
      Object.assign(env, { AWS_REGION: region, AWS_DEFAULT_REGION: region, AWS_LAMBDA_FUNCTION_NAME: functionName, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(MEMORY_LIMIT_MB) }, target.env);
      return await runWorker(
        {
          url,
          tsxApi,
          exportName: target.export,
          label,
          event,
          info: { functionName, invokedFunctionArn: arn, awsRequestId, memoryLimitInMB: MEMORY_LIMIT_MB, remainingMs: TRIGGER_TIMEOUT_MS },
        },
        env,
        awsRequestId,
        signal,
        defaults,
      );
    } finally {
      slots.release();
    }
  };
}

function runWorker(
  workerData: Record<string, unknown>,
  env: Record<string, string>,
  requestId: string,
  signal: AbortSignal | undefined,
  defaults: ModuleInvokerDefaults,
): Promise<InvokeResult> {
  return new Promise((resolve) => {
    // execArgv empty: the server's own flags (a test runner's loader, inspector ports) are
    // not the handler's. stdout/stderr are the handler's logs: they go to the server's stderr.
    const worker = new Worker(WORKER_URL, {
      workerData,
      env,
      execArgv: [],
      stdout: true,
      stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: MEMORY_LIMIT_MB },
    });
    worker.stdout.pipe(process.stderr, { end: false });
    worker.stderr.pipe(process.stderr, { end: false });
    let done = false;
    const finish = (result: InvokeResult): void => {
      if (done) return;
      done = true;
      signal?.removeEventListener('abort', onAbort);
      resolve(result);
      // The answer is in: timers or sockets the handler left open do not keep it running.
      void worker.terminate();
    };
    const onAbort = (): void => finish({ kind: 'invokeFailure', reason: 'aborted' });
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });

    worker.on('message', (m: WorkerMessage) => {
      if (m.kind === 'result') return finish(answerFromText(m.json));
      if (m.kind === 'loadError') defaults.logger?.()?.error({ detail: m.detail }, 'trigger module could not be loaded');
      finish({ kind: 'functionError', message: m.message });
    });
    worker.on('error', (err: Error & { code?: string }) => {
      // Out of memory is reported by Lambda as the runtime being killed.
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') return finish({ kind: 'functionError', message: `RequestId: ${requestId} Error: Runtime exited with error: signal: killed` });
      finish({ kind: 'functionError', message: err.message });
    });
    worker.on('exit', (code) => {
      // The event loop ran dry without an answer: Lambda answers null. process.exit(n): the
      // runtime exited, in Lambda's words.
      if (code === 0) finish({ kind: 'answer', payload: null });
      else finish({ kind: 'functionError', message: `RequestId: ${requestId} Error: Runtime exited with error: exit status ${code}` });
    });
  });
}

/** Counts running workers; a waiter gives up when its invocation is abandoned. */
class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  acquire(signal?: AbortSignal): Promise<boolean> {
    if (this.running < this.limit) {
      this.running++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', cancel);
        this.running++;
        resolve(true);
      };
      const cancel = (): void => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        resolve(false);
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', cancel, { once: true });
    });
  }

  release(): void {
    this.running--;
    this.waiting.shift()?.();
  }
}
