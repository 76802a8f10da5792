// The seam between operations and Lambda triggers. An operation asks for a trigger by its
// LambdaConfig name; when the pool configures one, the event goes to the invoker chosen for
// its ARN, and failures come back as Cognito reports them:
//   the function threw or returned an error -> UserLambdaValidationException
//     `<Trigger> failed with error <message>.`
//   it could not be invoked (timeout, unreachable)  -> UnexpectedLambdaException
//     `<Trigger> invocation failed due to error <reason>.`
//   its answer is not the event JSON                  -> InvalidLambdaResponseException
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import { InvalidLambdaResponseException, UnexpectedLambdaException, UserLambdaValidationException } from '../operations/exceptions.js';
import type { TriggerEvent } from './events.js';

/**
 * What an invoker reports: the function's answer (parsed JSON), an answer that is not JSON,
 * the function's own error, or a failure to invoke it.
 */
export type InvokeResult =
  | { kind: 'answer'; payload: unknown }
  | { kind: 'unparseable' }
  | { kind: 'functionError'; message: string }
  | { kind: 'invokeFailure'; reason: string };

/**
 * Delivers one event to one function ARN (AWS Lambda, a local module, a webhook...). The
 * signal aborts when the runner stops waiting (Cognito's 5 seconds are up): an invoker then
 * releases what it holds (ends a worker, aborts a request).
 */
export type TriggerInvoker = (arn: string, event: TriggerEvent, signal?: AbortSignal) => Promise<InvokeResult>;

/** Cognito's reason when a synchronous trigger does not answer in time. */
export const TIMEOUT_REASON = 'Socket timeout while invoking Lambda function';

/** Cognito gives a synchronous trigger 5 seconds; not configurable there either. */
export const TRIGGER_TIMEOUT_MS = 5000;

/** Turns a function's raw answer (Lambda's payload, a webhook's body) into a result. */
export function answerFromText(text: string): InvokeResult {
  try {
    return { kind: 'answer', payload: JSON.parse(text) };
  } catch {
    return { kind: 'unparseable' };
  }
}

export interface TriggerRunnerOptions {
  /** How long a synchronous trigger may take (default Cognito's 5 s; tests may shorten it). */
  timeoutMs?: number;
  /** Where each invocation is logged (trigger, source, duration, outcome; never the event). */
  logger?: () => FastifyBaseLogger | undefined;
  /** Counts each invocation in the metrics (triggers/metrics.ts). */
  record?: (triggerSource: string, outcome: InvokeResult['kind'], seconds: number) => void;
}

/** Invocations per trigger and outcome since start, for metrics and tests. */
export type TriggerCounts = Map<string, number>;

export class TriggerRunner {
  readonly counts: TriggerCounts = new Map();
  private readonly timeoutMs: number;

  constructor(
    private readonly invoker: TriggerInvoker,
    private readonly options: TriggerRunnerOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? TRIGGER_TIMEOUT_MS;
  }

  /** The function ARN the pool configures for trigger `name`, if any. */
  arnOf(lambdaConfig: Record<string, unknown> | undefined, name: string): string | undefined {
    const arn = lambdaConfig?.[name];
    return typeof arn === 'string' && arn !== '' ? arn : undefined;
  }

  /**
   * Runs the pool's trigger `name` (a LambdaConfig key such as PostConfirmation) when the
   * pool sets one; returns the event as the function answered it, or undefined when no
   * function is configured.
   */
  async run(lambdaConfig: Record<string, unknown> | undefined, name: string, event: TriggerEvent): Promise<TriggerEvent | undefined> {
    const arn = this.arnOf(lambdaConfig, name);
    if (!arn) return undefined;
    const result = await this.invoke(arn, event);
    if (result.kind === 'functionError') throw new UserLambdaValidationException(`${name} failed with error ${result.message}.`);
    if (result.kind === 'invokeFailure') throw new UnexpectedLambdaException(`${name} invocation failed due to error ${result.reason}.`);
    if (result.kind === 'unparseable') throw new InvalidLambdaResponseException('Invalid lambda function output : Invalid JSON');
    const answer = result.payload;
    if (!answer || typeof answer !== 'object' || Array.isArray(answer)) throw new InvalidLambdaResponseException('Unrecognizable lambda output');
    // The answer keeps the event's version ("1"; "2" for a V2_0 PreTokenGeneration event).
    if ((answer as { version?: unknown }).version !== event.version) throw new InvalidLambdaResponseException(`Invalid version. Version should be ${event.version}`);
    return answer as TriggerEvent;
  }

  /**
   * One invocation under the deadline: whatever the invoker does, the caller has an answer
   * when the time is up, and the invoker is told to let go.
   */
  private async invoke(arn: string, event: TriggerEvent): Promise<InvokeResult> {
    const started = performance.now();
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<InvokeResult>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'invokeFailure', reason: TIMEOUT_REASON }), this.timeoutMs);
    });
    let result: InvokeResult;
    try {
      result = await Promise.race([
        // An invoker that throws is an invoker that could not invoke.
        this.invoker(arn, event, controller.signal).catch((err: unknown): InvokeResult => {
          this.options.logger?.()?.error({ err, triggerSource: event.triggerSource }, 'trigger invoker failed');
          return { kind: 'invokeFailure', reason: (err as Error)?.name || 'InternalError' };
        }),
        deadline,
      ]);
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    const durationMs = Math.round(performance.now() - started);
    const key = `${event.triggerSource} ${result.kind}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    this.options.record?.(event.triggerSource, result.kind, durationMs / 1000);
    this.options.logger?.()?.info(
      {
        triggerSource: event.triggerSource,
        functionArn: arn,
        durationMs,
        outcome: result.kind,
        ...(result.kind === 'invokeFailure' && { reason: result.reason }),
      },
      'trigger invoked',
    );
    return result;
  }
}
