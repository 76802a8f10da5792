// The one place that knows the wire error shape:
//   HTTP 400 (500 for InternalErrorException), body {"__type": "<Name>", "message": "..."},
//   headers x-amzn-ErrorType: <Name>: and x-amzn-ErrorMessage.
// Anything that is not a Cognito exception becomes InternalErrorException with no internals.
// Bodies go out as bytes: given a string, fastify would append '; charset=utf-8' to the
// content type, and Cognito answers exactly 'application/x-amz-json-1.1'.
import type { FastifyReply } from 'fastify';
import { CognitoException } from '../operations/exceptions.js';

export interface WireError {
  type: string;
  message: string;
  status: number;
  /** True when the error was unexpected and must be logged (with the request id) by the caller. */
  internal?: boolean;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof CognitoException) return { type: err.name, message: err.message, status: err.statusCode };
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // 400, not 413: Cognito answers every client fault with 400 (spec 1.3), and SDKs dispatch
    // on the error name.
    return { type: 'SerializationException', message: 'The request body is larger than the server accepts', status: 400 };
  }
  if (typeof code === 'string' && code.startsWith('FST_ERR_CTP_')) {
    return { type: 'SerializationException', message: 'The request body could not be read', status: 400 };
  }
  return { type: 'InternalErrorException', message: 'An internal error occurred.', status: 500, internal: true };
}

/** Header values must be a single line of latin-1; messages are ours, but be strict anyway. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, ' ').slice(0, 1024);
}

export function sendError(reply: FastifyReply, err: WireError): FastifyReply {
  return reply
    .code(err.status)
    .header('content-type', 'application/x-amz-json-1.1')
    .header('x-amzn-ErrorType', `${err.type}:`)
    .header('x-amzn-ErrorMessage', headerSafe(err.message))
    .send(Buffer.from(JSON.stringify({ __type: err.type, message: err.message })));
}

/** Timestamps go on the wire as epoch seconds (what the AWS SDKs parse for JSON 1.1). */
function wireReplacer(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}

export function sendJson(reply: FastifyReply, output: object): FastifyReply {
  return reply.code(200).header('content-type', 'application/x-amz-json-1.1').send(Buffer.from(JSON.stringify(output, wireReplacer)));
}
