// The `userpool serve` command as a user runs it: a real process, flags and USERPOOL_*
// variables, the listening line, clear refusals of bad configuration, a clean SIGTERM.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { CreateUserPoolCommand, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { CONFIG_OPTIONS, loadConfig } from '../src/config/config.js';
import { sdkClient, tempDataDir } from './helpers/server.js';
import { runCli, startCli } from './helpers/cli.js';

const dirs: string[] = [];
function dataDir(): string {
  const d = tempDataDir();
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const KEY_ID = 'AKIACLITESTCLITEST01';
const KEY_SECRET = 'cli-test-secret-000000000000000000';
const NO_KEYS_WARNING = 'userpool: warning: no --access-keys set; admin operations accept any well-formed SigV4 signature (local development mode)';

describe('userpool serve', () => {
  test('prints one listening line, serves the API and stops cleanly on SIGTERM', async () => {
    const dir = dataDir();
    const running = await startCli(['--port', '0', '--data-dir', dir]);
    let stopped = false;
    try {
      const humanLines = running.stdout().split('\n').filter((l) => l.startsWith('userpool'));
      assert.deepEqual(humanLines, [`userpool listening on ${running.url}`]);
      assert.ok(running.stderr().split('\n').includes(NO_KEYS_WARNING), running.stderr());

      const client = sdkClient(running.url);
      try {
        const created = await client.send(new CreateUserPoolCommand({ PoolName: 'from-cli' }));
        const described = await client.send(new DescribeUserPoolCommand({ UserPoolId: created.UserPool!.Id! }));
        assert.equal(described.UserPool!.Name, 'from-cli');
      } finally {
        client.destroy();
      }
      assert.ok(readdirSync(dir).length > 0, 'the data directory holds the store');

      const exit = await running.stop();
      stopped = true;
      assert.deepEqual(exit, { code: 0, signal: null });
      assert.doesNotMatch(running.stderr(), /error/i);
    } finally {
      if (!stopped) await running.stop();
    }
  });

  test('every option can be set by its USERPOOL_* variable', async () => {
    const dir = dataDir();
    const running = await startCli([], {
      USERPOOL_PORT: '0',
      USERPOOL_DATA_DIR: dir,
      USERPOOL_ACCESS_KEYS: `${KEY_ID}:${KEY_SECRET}`,
      USERPOOL_LOG_LEVEL: 'silent',
    });
    try {
      // Silent logging leaves the listening line alone on stdout; keys silence the warning.
      assert.equal(running.stdout(), `userpool listening on ${running.url}\n`);
      assert.equal(running.stderr(), '');
      const client = sdkClient(running.url, { accessKeyId: KEY_ID, secretAccessKey: KEY_SECRET });
      try {
        const created = await client.send(new CreateUserPoolCommand({ PoolName: 'from-env' }));
        assert.equal(created.UserPool!.Name, 'from-env');
      } finally {
        client.destroy();
      }
      const wrong = sdkClient(running.url);
      try {
        await assert.rejects(wrong.send(new CreateUserPoolCommand({ PoolName: 'x' })), { name: 'UnrecognizedClientException' });
      } finally {
        wrong.destroy();
      }
      assert.ok(existsSync(dir) && readdirSync(dir).length > 0);
    } finally {
      assert.deepEqual(await running.stop(), { code: 0, signal: null });
    }
  });

  test('a flag wins over its variable', async () => {
    const running = await startCli(['--port', '0', '--data-dir', dataDir()], { USERPOOL_PORT: 'abc' });
    assert.deepEqual(await running.stop(), { code: 0, signal: null });
  });

  test('--help names every flag and its variable', async () => {
    const { code, stdout } = await runCli(['serve', '--help']);
    assert.equal(code, 0);
    for (const { flag, env } of CONFIG_OPTIONS) {
      assert.ok(stdout.includes(flag), `--help lists ${flag}`);
      assert.ok(stdout.includes(env), `--help names ${env}`);
    }
  });
});

describe('options', () => {
  // One valid, non-default value per option; a new option must be added here to pass.
  const samples: Record<string, string> = {
    '--host': '127.0.0.2',
    '--port': '1234',
    '--data-dir': 'elsewhere',
    '--database-url': 'postgres://userpool@db.internal/userpool',
    '--database-pool-size': '25',
    '--database-statement-timeout-ms': '2000',
    '--region': 'eu-west-1',
    '--public-url': 'https://id.example.com',
    '--token-issuer': 'cognito',
    '--dev': 'true',
    '--seed': 'seed.json',
    '--access-keys': `${KEY_ID}:${KEY_SECRET}`,
    '--allow-unauthenticated-admin': 'true',
    '--max-body-bytes': '2048',
    '--ip-blocklist': '{"*":["203.0.113.0/24"]}',
    '--log-level': 'debug',
    '--smtp-url': 'smtps://mailer:secret@smtp.example.com:2465',
    '--smtp-host': 'smtp.example.com',
    '--smtp-port': '2525',
    '--smtp-secure': 'true',
    '--smtp-starttls': 'required',
    '--smtp-user': 'mailer',
    '--smtp-pass': 'smtp-secret',
    '--smtp-ca-file': 'ca.pem',
    '--email-from': 'Example <no-reply@example.com>',
    '--sms-transport': 'sns',
    '--sms-webhook-url': 'https://sms.example.com/send',
    '--sms-webhook-token': 'webhook-token',
    '--sns-endpoint': 'http://127.0.0.1:4566',
    '--sns-credentials': 'AKIASNSEXAMPLE:sns-secret',
    '--sns-assume-role': 'true',
    '--sts-endpoint': 'http://127.0.0.1:4567',
    '--delivery-timeout-ms': '3000',
    '--delivery-wait-ms': '0',
    '--delivery-retry-ms': '250',
    '--delivery-max-attempts': '3',
    '--trigger-config': '{"arn:aws:lambda:*:*:function:local-*":{"type":"webhook","url":"http://127.0.0.1:8080/hook"}}',
    '--lambda-endpoint': 'http://127.0.0.1:3001',
    '--ui-branding': '{"*":{"color":"#0b5cad","name":"Example"}}',
  };

  test('every option is read from its flag and from its USERPOOL_* variable', () => {
    const defaults = loadConfig({}, {}) as unknown as Record<string, unknown>;
    for (const { flag, env } of CONFIG_OPTIONS) {
      assert.match(env, /^USERPOOL_[A-Z_]+$/);
      const sample = samples[flag];
      assert.ok(sample !== undefined, `a sample value for ${flag}`);
      const fromEnv = loadConfig({}, { [env]: sample }) as unknown as Record<string, unknown>;
      const fromFlag = loadConfig({ [flag]: sample }, {}) as unknown as Record<string, unknown>;
      assert.deepEqual(fromFlag, fromEnv, `${flag} and ${env} mean the same`);
      assert.notDeepEqual(fromEnv, defaults, `${env} changes the configuration`);
    }
  });
});

describe('bad configuration', () => {
  const cases: Array<{ name: string; args: string[]; env?: Record<string, string>; says: RegExp }> = [
    { name: '--port 99999', args: ['--port', '99999'], says: /^userpool: --port must be a whole number from 0 to 65535, got '99999'$/m },
    { name: '--region nowhere', args: ['--region', 'nowhere'], says: /^userpool: --region must look like an AWS region \(us-east-1\), got 'nowhere'$/m },
    { name: 'USERPOOL_PORT=abc', args: [], env: { USERPOOL_PORT: 'abc' }, says: /^userpool: USERPOOL_PORT must be a whole number/m },
    { name: '--log-level loud', args: ['--log-level', 'loud'], says: /^userpool: --log-level must be one of/m },
    { name: '--database-pool-size 0', args: ['--database-pool-size', '0'], says: /^userpool: --database-pool-size must be a whole number from 1 to 1000, got '0'$/m },
    { name: 'a non-loopback host without keys', args: ['--host', '0.0.0.0'], says: /^userpool: --host 0\.0\.0\.0 is not a loopback address/m },
    { name: 'a malformed --access-keys', args: ['--access-keys', 'short:secret'], says: /^userpool: --access-keys must be ACCESS_KEY_ID:SECRET pairs/m },
    {
      name: 'a --trigger-config target of unknown type',
      args: ['--trigger-config', '{"arn:aws:lambda:us-east-1:000000000000:function:f":{"type":"ftp"}}'],
      says: /^userpool: --trigger-config: arn:aws:lambda:us-east-1:000000000000:function:f: type must be lambda, module or webhook$/m,
    },
    {
      name: 'a --trigger-config module that does not exist',
      args: ['--trigger-config', '{"*":{"type":"module","path":"./no/such/handler.mjs"}}'],
      says: /^userpool: --trigger-config: \*: no file at \.\/no\/such\/handler\.mjs$/m,
    },
  ];
  for (const c of cases) {
    test(`${c.name} exits non-zero naming the option`, async () => {
      const { code, stdout, stderr } = await runCli(['serve', '--data-dir', dataDir(), ...c.args], c.env);
      assert.equal(code, 2);
      assert.match(stderr, c.says);
      assert.doesNotMatch(stdout, /listening/);
    });
  }

  test('a secret in a malformed --access-keys is not echoed', async () => {
    const { stderr } = await runCli(['serve', '--access-keys', 'AKIA0000000000000001:tooshort-secret']);
    assert.ok(!stderr.includes('tooshort-secret'), stderr);
  });

  test('an unknown flag is refused by name', async () => {
    const { code, stderr } = await runCli(['serve', '--prot', '9230']);
    assert.notEqual(code, 0);
    assert.match(stderr, /unknown option '--prot'/);
  });

  test('a port already in use stops the start with a clear message', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const { code, stdout, stderr } = await runCli(['serve', '--port', String(port), '--data-dir', dataDir()]);
      assert.equal(code, 1);
      assert.match(stderr, /^userpool: could not start: .*EADDRINUSE/m);
      assert.doesNotMatch(stdout, /userpool listening/);
    } finally {
      blocker.close();
    }
  });
});
