// The seam between operations and Lambda triggers. An operation asks for a trigger by its
// LambdaConfig name; when the pool configures one, the event goes to the invoker chosen for
// its ARN, and failures come back as Cognito reports them:
//   the function threw or returned an error -> UserLambdaValidationException
//     `<Trigger> failed with error <message>.`
//   it could not be invoked (timeout, unreachable)  -> UnexpectedLambdaException
//     `<Trigger> invocation failed due to error <reason>.`
//   its answer is not the event JSON                  -> InvalidLambdaResponseException
import { InvalidLambdaResponseException, UnexpectedLambdaException, UserLambdaValidationException } from '../operations/exceptions.js';
import type { TriggerEvent } from './events.js';

/** What an invoker reports: the function's answer, its own error, or a failure to invoke it. */
export type InvokeResult = { kind: 'answer'; payload: unknown } | { kind: 'functionError'; message: string } | { kind: 'invokeFailure'; reason: string };

/** Delivers one event to one function ARN (AWS Lambda, a local module, a webhook...). */
export type TriggerInvoker = (arn: string, event: TriggerEvent) => Promise<InvokeResult>;

/**
 * The invoker when none is configured: a pool that names a function still gets Cognito's
 * answer for a function that cannot be reached, never a silent skip.
 */
export const noInvoker: TriggerInvoker = async (arn) => ({ kind: 'invokeFailure', reason: `no trigger invoker is configured for ${arn}` });

export class TriggerRunner {
  constructor(private readonly invoker: TriggerInvoker) {}

  /**
   * Runs the pool's trigger `name` (a LambdaConfig key such as PostConfirmation) when the
   * pool sets one; returns the event as the function answered it, or undefined when no
   * function is configured.
   */
  async run(lambdaConfig: Record<string, unknown> | undefined, name: string, event: TriggerEvent): Promise<TriggerEvent | undefined> {
    const arn = lambdaConfig?.[name];
    if (typeof arn !== 'string' || arn === '') return undefined;
    const result = await this.invoker(arn, event);
    if (result.kind === 'functionError') throw new UserLambdaValidationException(`${name} failed with error ${result.message}.`);
    if (result.kind === 'invokeFailure') throw new UnexpectedLambdaException(`${name} invocation failed due to error ${result.reason}.`);
    const answer = result.payload;
    if (!answer || typeof answer !== 'object' || Array.isArray(answer)) throw new InvalidLambdaResponseException('Unrecognizable lambda output');
    if ((answer as { version?: unknown }).version !== '1') throw new InvalidLambdaResponseException('Invalid version. Version should be 1');
    return answer as TriggerEvent;
  }
}
