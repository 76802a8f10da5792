// Invokes a function through the AWS Lambda Invoke API (RequestResponse), as Cognito does:
// real Lambda with the SDK's default credential chain, or any Lambda-compatible endpoint
// (SAM local's `sam local start-lambda`, an emulator) named by the target or --lambda-endpoint.
import { InvokeCommand, LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import type { FastifyBaseLogger } from 'fastify';
import { answerFromText, TIMEOUT_REASON, type InvokeResult, type TriggerInvoker } from '../runner.js';
import type { LambdaTarget } from '../config.js';

/** Any credentials do for a local endpoint; real Lambda never sees these. */
const LOCAL_CREDENTIALS = { accessKeyId: 'userpool-local', secretAccessKey: 'userpool-local' };

export interface LambdaInvokerDefaults {
  /** The server's region, for ARNs that do not name one. */
  region: string;
  logger?: () => FastifyBaseLogger | undefined;
}

/** The region an ARN names (arn:aws:lambda:<region>:...), if it names one. */
export function arnRegion(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region && /^[a-z]{2}(-[a-z]+)+-\d$/.test(region) ? region : undefined;
}

export function lambdaInvoker(target: LambdaTarget, defaults: LambdaInvokerDefaults): TriggerInvoker {
  // One client per region (a pattern may cover functions in several); each keeps its sockets.
  const clients = new Map<string, LambdaClient>();
  const clientFor = (region: string): LambdaClient => {
    let client = clients.get(region);
    if (!client) {
      const config: LambdaClientConfig = { region, maxAttempts: 1 };
      if (target.endpoint) config.endpoint = target.endpoint;
      if (target.credentials) config.credentials = target.credentials;
      else if (target.endpoint) config.credentials = localFallback(region, defaults);
      client = new LambdaClient(config);
      clients.set(region, client);
    }
    return client;
  };

  return async (arn, event, signal): Promise<InvokeResult> => {
    const region = target.region ?? arnRegion(arn) ?? defaults.region;
    try {
      const res = await clientFor(region).send(
        new InvokeCommand({ FunctionName: target.functionName ?? arn, InvocationType: 'RequestResponse', Payload: Buffer.from(JSON.stringify(event)) }),
        { abortSignal: signal },
      );
      const text = res.Payload ? Buffer.from(res.Payload).toString('utf8') : '';
      if (res.FunctionError) return { kind: 'functionError', message: functionErrorMessage(text, res.FunctionError) };
      return answerFromText(text);
    } catch (err) {
      if (signal?.aborted) return { kind: 'invokeFailure', reason: TIMEOUT_REASON };
      return { kind: 'invokeFailure', reason: failureReason(err) };
    }
  };
}

/**
 * Lambda reports a function's error as {errorMessage, errorType, trace}; Cognito quotes the
 * errorMessage. A payload that is not that shape is quoted as it came.
 */
export function functionErrorMessage(text: string, fallback: string): string {
  try {
    const body = JSON.parse(text) as { errorMessage?: unknown };
    if (body && typeof body.errorMessage === 'string') return body.errorMessage;
    if (typeof body === 'string') return body;
  } catch {
    // not JSON: quoted below
  }
  return text.trim() || fallback;
}

/**
 * The reason Cognito gives: the service's error name (AccessDeniedException,
 * ResourceNotFoundException, TooManyRequestsException), or for a connection that failed its
 * code (ECONNREFUSED). No host names or addresses: the caller may be anyone.
 */
export function failureReason(err: unknown): string {
  const e = err as { name?: string; code?: string; $metadata?: unknown; cause?: { code?: string } };
  if (e?.$metadata && e.name && e.name !== 'Error') return e.name;
  if (typeof e?.code === 'string') return e.code;
  if (typeof e?.cause?.code === 'string') return e.cause.code;
  if (e?.name === 'TimeoutError') return TIMEOUT_REASON;
  return e?.name || 'ServiceException';
}

/**
 * For a local endpoint without configured credentials: the default chain when it finds
 * some, otherwise placeholder credentials (SAM local and emulators accept any); once the chain
 * has found nothing it is not searched again on every invocation.
 */
function localFallback(region: string, defaults: LambdaInvokerDefaults): LambdaClientConfig['credentials'] {
  const chain = new LambdaClient({ region }).config.credentials;
  let placeholder = false;
  return async () => {
    if (placeholder) return LOCAL_CREDENTIALS;
    try {
      return await chain();
    } catch {
      placeholder = true;
      defaults.logger?.()?.info('no AWS credentials found; signing requests to the local Lambda endpoint with placeholder credentials');
      return LOCAL_CREDENTIALS;
    }
  };
}
