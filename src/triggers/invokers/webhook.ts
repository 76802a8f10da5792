// Delivers the event to an HTTP endpoint: POST <url> with the event JSON as the body; a 2xx
// answer's body is the function's answer (the event JSON, changed as the function likes).
// To fail the way a Lambda function throws, the endpoint answers as the Lambda Invoke API
// does: the header `X-Amz-Function-Error` with a body `{"errorMessage": "..."}` (any status).
// Anything else that is not a 2xx (redirects included) means the function could not be
// invoked, as does a connection that fails or an answer that does not come in time.
import type { WebhookTarget } from '../config.js';
import { answerFromText, TIMEOUT_REASON, type InvokeResult, type TriggerInvoker } from '../runner.js';
import { failureReason, functionErrorMessage } from './lambda.js';

/** Lambda's largest synchronous response; a bigger body is not a function's answer. */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export function webhookInvoker(target: WebhookTarget): TriggerInvoker {
  return async (arn, event, signal): Promise<InvokeResult> => {
    try {
      const res = await fetch(target.url, {
        method: 'POST',
        headers: { ...target.headers, 'content-type': 'application/json', 'x-userpool-function-arn': arn },
        body: JSON.stringify(event),
        redirect: 'manual',
        signal: signal ?? null,
      });
      const text = await readLimited(res);
      if (text === undefined) return { kind: 'invokeFailure', reason: 'RequestEntityTooLargeException' };
      const functionError = res.headers.get('x-amz-function-error');
      if (functionError) return { kind: 'functionError', message: functionErrorMessage(text, functionError) };
      if (res.status < 200 || res.status > 299) return { kind: 'invokeFailure', reason: `HTTP ${res.status}` };
      return answerFromText(text);
    } catch (err) {
      if (signal?.aborted) return { kind: 'invokeFailure', reason: TIMEOUT_REASON };
      return { kind: 'invokeFailure', reason: failureReason(err) };
    }
  };
}

/** The body as text, or undefined when it is larger than a function's answer may be. */
async function readLimited(res: Response): Promise<string | undefined> {
  const length = Number(res.headers.get('content-length') ?? '0');
  if (length > MAX_BODY_BYTES) {
    await res.body?.cancel();
    return undefined;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (res.body) {
    for await (const chunk of res.body) {
      size += chunk.byteLength;
      if (size > MAX_BODY_BYTES) return undefined;
      chunks.push(chunk);
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}
