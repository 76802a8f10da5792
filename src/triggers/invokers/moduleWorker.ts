// The code a module handler runs in: one worker thread per invocation, started from this
// source (plain JavaScript, so the same text runs from src/ under tsx and from dist/), which
// loads the handler's file, calls it the way the Lambda Node.js runtime does (a promise, the
// callback, or context.succeed/fail/done) and posts back exactly one message:
//   { kind: 'result', json }      the answer, serialized as Lambda serializes it
//   { kind: 'error', message }    the function's error, in Lambda's errorMessage form
//   { kind: 'loadError', message, detail }  the file or export could not be loaded
// Nothing is posted when the handler never answers; the invoker then ends the worker.
export const WORKER_SOURCE = String.raw`
import { parentPort, workerData } from 'node:worker_threads';

const { url, tsxApi, exportName, label, event, info } = workerData;
let settled = false;
const post = (message) => {
  if (settled) return;
  settled = true;
  parentPort.postMessage(message);
};
const errorMessage = (err) => {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
};
const succeed = (value) => {
  let json;
  try {
    json = JSON.stringify(value === undefined ? null : value);
  } catch (err) {
    post({ kind: 'error', message: errorMessage(err) });
    return;
  }
  post({ kind: 'result', json });
};
const fail = (err) => post({ kind: 'error', message: errorMessage(err) });

// A rejection nobody handles ends the invocation with that error, as in Lambda.
process.on('unhandledRejection', (reason) => fail(reason));

const deadline = Date.now() + info.remainingMs;
const context = {
  functionName: info.functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: info.invokedFunctionArn,
  memoryLimitInMB: String(info.memoryLimitInMB),
  awsRequestId: info.awsRequestId,
  logGroupName: '/aws/lambda/' + info.functionName,
  logStreamName: 'userpool/' + info.awsRequestId,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  succeed: (value) => succeed(value),
  fail: (err) => fail(err),
  done: (err, value) => (err ? fail(err) : succeed(value)),
};

let mod;
try {
  mod = tsxApi ? await (await import(tsxApi)).tsImport(url, url) : await import(url);
} catch (err) {
  post({ kind: 'loadError', message: 'Runtime.ImportModuleError: Error: cannot load ' + label, detail: String(err && err.stack ? err.stack : err) });
}
if (!settled) {
  const handler = typeof mod[exportName] === 'function' ? mod[exportName] : mod.default && mod.default[exportName];
  if (typeof handler !== 'function') {
    post({ kind: 'loadError', message: 'Runtime.HandlerNotFound: ' + label + '.' + exportName + ' is undefined or not exported', detail: '' });
  } else {
    try {
      const out = handler(event, context, (err, value) => (err ? fail(err) : succeed(value)));
      if (out && typeof out.then === 'function') out.then(succeed, fail);
    } catch (err) {
      fail(err);
    }
  }
}
`;
