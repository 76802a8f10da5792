// Local module handlers, each written to a temporary folder and run for real in its worker:
// the Lambda handler styles (async, callback, context.succeed, CommonJS, TypeScript), the
// event and context they get, and every way one can fail, answered as Cognito answers a Lambda
// function that fails that way. The server keeps serving after each.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DescribeUserPoolCommand,
  ForgotPasswordCommand,
  InvalidLambdaResponseException,
  UserLambdaValidationException,
} from '@aws-sdk/client-cognito-identity-provider';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { lastEmail, makePool, makeUser } from '../reset/helpers.js';
import { moduleDir, routes } from './helpers.js';

const HANDLERS: Record<string, string> = {
  'recorder.mjs': `
    import { writeFileSync } from 'node:fs';
    export async function handler(event, context) {
      writeFileSync(process.env.OUT_FILE, JSON.stringify({
        event,
        context: { functionName: context.functionName, invokedFunctionArn: context.invokedFunctionArn, functionVersion: context.functionVersion,
          memoryLimitInMB: context.memoryLimitInMB, awsRequestId: context.awsRequestId, remaining: context.getRemainingTimeInMillis() },
        env: { region: process.env.AWS_REGION, name: process.env.AWS_LAMBDA_FUNCTION_NAME, secret: process.env.USERPOOL_TEST_SECRET ?? null },
      }));
      event.response.emailSubject = 'From a module';
      event.response.emailMessage = 'Module says: ' + event.request.codeParameter;
      return event;
    }`,
  'callback.cjs': `
    exports.handler = (event, context, callback) => {
      event.response.emailMessage = 'Callback: {####}';
      setTimeout(() => callback(null, event), 10);
    };`,
  'succeed.mjs': `
    export const handler = (event, context) => {
      event.response.emailMessage = 'Succeed: {####}';
      context.succeed(event);
    };`,
  'typed.ts': `
    interface MessageEvent { request: { codeParameter: string; userAttributes: Record<string, string> }; response: Record<string, string | null> }
    export const handler = async (event: MessageEvent): Promise<MessageEvent> => {
      const who: string = event.request.userAttributes.email ?? 'nobody';
      event.response.emailMessage = \`Typed for \${who}: \${event.request.codeParameter}\`;
      return event;
    };`,
  'named.mjs': `
    export async function onMessage(event) { event.response.emailMessage = 'Named export {####}'; return event; }`,
  'thrower.mjs': `export async function handler() { throw new Error('Bad password'); }`,
  'callbackError.cjs': `exports.handler = (event, context, callback) => callback('User is not in the old directory');`,
  'rejecter.mjs': `export const handler = () => Promise.reject({ reason: 'plain object' });`,
  'exiter.mjs': `export async function handler() { process.exit(129); }`,
  'timerThrow.mjs': `export function handler(event, context, callback) { setTimeout(() => { throw new Error('late boom'); }, 5); }`,
  'hog.mjs': `export async function handler() { const keep = []; for (;;) keep.push(new Array(1e6).fill(Math.random())); }`,
  'noExport.mjs': `export const somethingElse = 1;`,
  'syntax.mjs': `export async function handler( {`,
  'stringAnswer.mjs': `export async function handler() { return 'not the event'; }`,
  'silent.mjs': `export function handler() { /* never answers, nothing pending */ }`,
};

const arnOf = (name: string): string => `arn:aws:lambda:us-east-1:000000000000:function:mod-${name.replace(/\W/g, '-')}`;
const handlers = moduleDir();
const outFile = join(handlers.dir, 'recorded.json');
let server: TestServer;

before(async () => {
  const config: Record<string, unknown> = {};
  for (const [name, source] of Object.entries(HANDLERS)) {
    handlers.write(name, source);
    config[arnOf(name)] = { type: 'module', path: `./${name}`, ...(name === 'named.mjs' && { export: 'onMessage' }), ...(name === 'recorder.mjs' && { env: { OUT_FILE: outFile } }) };
  }
  // Relative paths resolve against the config's folder (here: the handlers' folder).
  server = await startTestServer({ dev: true, triggerRoutes: routes(config, handlers.dir) });
});
after(async () => {
  await server.cleanup();
  handlers.remove();
});

/** A pool whose CustomMessage is the handler `name`, with one user; returns a ForgotPassword for it. */
async function poolWith(name: string): Promise<{ poolId: string; email: string; forgot: () => Promise<unknown> }> {
  const f = await makePool(server.client, { LambdaConfig: { CustomMessage: arnOf(name) } });
  const email = `${name.replace(/\W/g, '-')}@example.com`;
  await makeUser(server.client, f.poolId, 'someone', email);
  return { poolId: f.poolId, email, forgot: () => server.client.send(new ForgotPasswordCommand({ ClientId: f.legacyClientId, Username: 'someone' })) };
}

test('an async ES module handler gets the event, a Lambda context and a clean environment', async () => {
  process.env.USERPOOL_TEST_SECRET = 'must-not-leak';
  try {
    const p = await poolWith('recorder.mjs');
    await p.forgot();
    const seen = JSON.parse(readFileSync(outFile, 'utf8')) as { event: Record<string, unknown>; context: Record<string, unknown>; env: Record<string, unknown> };
    assert.equal(seen.event.triggerSource, 'CustomMessage_ForgotPassword');
    assert.equal(seen.event.userPoolId, p.poolId);
    assert.equal((seen.event.request as Record<string, unknown>).codeParameter, '{####}');
    assert.equal(seen.context.functionName, 'mod-recorder-mjs');
    assert.equal(seen.context.invokedFunctionArn, arnOf('recorder.mjs'));
    assert.equal(seen.context.functionVersion, '$LATEST');
    assert.match(String(seen.context.awsRequestId), /^[0-9a-f-]{36}$/);
    assert.ok(Number(seen.context.remaining) > 0 && Number(seen.context.remaining) <= 5000);
    assert.deepEqual(seen.env, { region: 'us-east-1', name: 'mod-recorder-mjs', secret: null });
    const mail = await lastEmail(server, p.email);
    assert.equal(mail?.Subject, 'From a module');
    assert.match(mail!.Body.text_part, /^Module says: \d{6}$/);
  } finally {
    delete process.env.USERPOOL_TEST_SECRET;
  }
});

test('callback, context.succeed, CommonJS, TypeScript and a named export all answer', async () => {
  const expected: Record<string, RegExp> = {
    'callback.cjs': /^Callback: \d{6}$/,
    'succeed.mjs': /^Succeed: \d{6}$/,
    'typed.ts': /^Typed for typed-ts@example\.com: \d{6}$/,
    'named.mjs': /^Named export \d{6}$/,
  };
  for (const [name, body] of Object.entries(expected)) {
    const p = await poolWith(name);
    await p.forgot();
    assert.match((await lastEmail(server, p.email))!.Body.text_part, body, name);
  }
});

test('a handler that fails is answered as Cognito answers a failing Lambda function', async () => {
  const cases: Array<[string, new (...a: never[]) => Error, RegExp]> = [
    ['thrower.mjs', UserLambdaValidationException, /^CustomMessage failed with error Bad password\.$/],
    ['callbackError.cjs', UserLambdaValidationException, /^CustomMessage failed with error User is not in the old directory\.$/],
    ['rejecter.mjs', UserLambdaValidationException, /^CustomMessage failed with error \{"reason":"plain object"\}\.$/],
    ['exiter.mjs', UserLambdaValidationException, /^CustomMessage failed with error RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 129\.$/],
    ['timerThrow.mjs', UserLambdaValidationException, /^CustomMessage failed with error late boom\.$/],
    ['hog.mjs', UserLambdaValidationException, /^CustomMessage failed with error RequestId: [0-9a-f-]{36} Error: Runtime exited with error: signal: killed\.$/],
    ['noExport.mjs', UserLambdaValidationException, /^CustomMessage failed with error Runtime\.HandlerNotFound: noExport\.handler is undefined or not exported\.$/],
    ['syntax.mjs', UserLambdaValidationException, /^CustomMessage failed with error Runtime\.ImportModuleError: Error: cannot load syntax\.$/],
    ['stringAnswer.mjs', InvalidLambdaResponseException, /^Unrecognizable lambda output$/],
    ['silent.mjs', InvalidLambdaResponseException, /^Unrecognizable lambda output$/],
  ];
  for (const [name, cls, message] of cases) {
    const p = await poolWith(name);
    await assert.rejects(p.forgot(), (e: Error) => e instanceof cls && message.test(e.message), name);
    // The server is still here and answering.
    const described = await server.client.send(new DescribeUserPoolCommand({ UserPoolId: p.poolId }));
    assert.equal(described.UserPool?.Id, p.poolId);
  }
});
