// --trigger-config: which target an ARN goes to, relative module paths, the file form, and
// refusals that name the problem without echoing a secret.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseTriggerConfig, routeFor } from '../../src/triggers/config.js';
import { moduleDir } from './helpers.js';

const dir = moduleDir();
after(() => dir.remove());
const fail = (m: string): Error => new Error(m);

test('an exact ARN wins over patterns, and patterns are tried in the order written', () => {
  const routes = parseTriggerConfig(
    JSON.stringify({
      'arn:aws:lambda:*:*:function:legacy-*': { type: 'webhook', url: 'http://127.0.0.1:1/legacy' },
      '*': { type: 'lambda', endpoint: 'http://127.0.0.1:3001' },
      'arn:aws:lambda:us-east-1:1:function:legacy-special': { type: 'webhook', url: 'http://127.0.0.1:1/special', headers: { authorization: 'x' } },
    }),
    '--trigger-config',
    fail,
  );
  const target = (arn: string): unknown => routeFor(routes, arn)?.target;
  assert.deepEqual(target('arn:aws:lambda:us-east-1:1:function:legacy-special'), { type: 'webhook', url: 'http://127.0.0.1:1/special', headers: { authorization: 'x' } });
  assert.deepEqual(target('arn:aws:lambda:eu-west-1:2:function:legacy-users'), { type: 'webhook', url: 'http://127.0.0.1:1/legacy', headers: {} });
  assert.deepEqual(target('arn:aws:lambda:eu-west-1:2:function:other'), { type: 'lambda', endpoint: 'http://127.0.0.1:3001' });
  // Pattern characters other than * are literal.
  const dotted = parseTriggerConfig('{"a.b*": {"type": "lambda"}}', '--trigger-config', fail);
  assert.equal(routeFor(dotted, 'aXb-1'), undefined);
  assert.ok(routeFor(dotted, 'a.b-1'));
});

test('a file holds the same JSON, and module paths resolve against its folder', () => {
  const handler = dir.write('handler.mjs', 'export const handler = async (e) => e;');
  const file = dir.write('triggers.json', JSON.stringify({ '*': { type: 'module', path: './handler.mjs', env: { STAGE: 'dev' } } }));
  const routes = parseTriggerConfig(file, '--trigger-config', fail, '/');
  assert.deepEqual(routes, [{ pattern: '*', target: { type: 'module', path: handler, export: 'handler', env: { STAGE: 'dev' } } }]);
  // Inline JSON resolves against the working directory given.
  const inline = parseTriggerConfig('{"*": {"type": "module", "path": "handler.mjs", "export": "other"}}', '--trigger-config', fail, dir.dir);
  assert.equal((inline[0]!.target as { path: string }).path, join(dir.dir, 'handler.mjs'));
});

test('mistakes stop the start with a message naming them, never echoing a secret', () => {
  const refuse = (json: string, message: string): void => {
    assert.throws(() => parseTriggerConfig(json, '--trigger-config', fail, dir.dir), (e: Error) => e.message === message);
  };
  refuse('[1]', '--trigger-config must be a JSON object of function ARN (or pattern) -> target');
  refuse('{"*": {"type": "webhook", "url": "ftp://x"}}', '--trigger-config: *: url must be an http(s) URL');
  refuse('{"*": {"type": "webhook", "url": "http://x", "header": {}}}', '--trigger-config: *: unknown key "header" for type webhook');
  refuse('{"*": {"type": "module", "path": "missing.mjs"}}', '--trigger-config: *: no file at missing.mjs');
  refuse('{"*": {"type": "lambda", "region": "mars"}}', '--trigger-config: *: region must look like an AWS region (us-east-1)');
  refuse(
    '{"*": {"type": "lambda", "credentials": {"accessKeyId": "AKIA", "secretAccessKey": 7, "note": "top-secret-value"}}}',
    '--trigger-config: *: credentials must be {"accessKeyId", "secretAccessKey", optional "sessionToken"} strings',
  );
  assert.throws(() => parseTriggerConfig('no-such-file.json', 'USERPOOL_TRIGGER_CONFIG', fail, dir.dir), { message: 'USERPOOL_TRIGGER_CONFIG: cannot read no-such-file.json' });
});
