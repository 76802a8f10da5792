// The reset journey through boto3 and the AWS CLI, as their users run it. A machine without
// them (Debian's python3-boto3 and awscli; .ci/run installs both) skips with a message.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { lastCode, makePool, makeUser, passwordWorks, type ResetFixture } from './helpers.js';

const script = fileURLToPath(new URL('./scripts/boto3_journey.py', import.meta.url));
const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
const hasAwsCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

// The server runs in this process, so the clients must run without blocking its event loop.
function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { encoding: 'utf8', env: env ?? process.env, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as { code?: number }).code ?? 1) || 1 : 0, stdout, stderr });
    });
  });
}

let server: TestServer;
let f: ResetFixture;

before(async () => {
  server = await startTestServer({ dev: true });
  f = await makePool(server.client);
});
after(async () => {
  await server.cleanup();
});

test('boto3: ForgotPassword -> code -> wrong code -> ConfirmForgotPassword', async (t) => {
  if (!hasBoto3) {
    t.skip('python3 with boto3 is not installed (apt-get install python3-boto3)');
    return;
  }
  await makeUser(server.client, f.poolId, 'boto', 'boto@example.com');
  const py = await run('python3', [script, server.url, f.legacyClientId, 'boto', 'boto@example.com']);
  assert.equal(py.status, 0, py.stderr);
  const out = JSON.parse(py.stdout) as Record<string, unknown>;
  assert.deepEqual(out.delivery, { Destination: 'b***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  assert.deepEqual(out.wrong_code, { code: 'CodeMismatchException', message: 'Invalid verification code provided, please try again.', status: 400 });
  assert.equal(out.confirm_status, 200);
  assert.match(String(out.request_id), /^[0-9a-f-]{36}$/);
  assert.equal(out.unknown_user, 'UserNotFoundException');
  assert.ok(await passwordWorks(server, f.poolId, 'boto', 'Boto-New-Pass1'));
});

test('AWS CLI: forgot-password and confirm-forgot-password', async (t) => {
  if (!hasAwsCli) {
    t.skip('the AWS CLI is not installed (apt-get install awscli)');
    return;
  }
  await makeUser(server.client, f.poolId, 'cli', 'cli@example.com');
  const env = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIATESTTESTTEST0001', AWS_SECRET_ACCESS_KEY: 'test-secret-key-0000000000000000', AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
  const aws = (...args: string[]) => run('aws', ['--endpoint-url', server.url, '--output', 'json', 'cognito-idp', ...args], env);
  const sent = await aws('forgot-password', '--client-id', f.legacyClientId, '--username', 'cli');
  assert.equal(sent.status, 0, sent.stderr);
  assert.deepEqual(JSON.parse(sent.stdout).CodeDeliveryDetails, { Destination: 'c***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' });
  const code = await lastCode(server, 'cli@example.com');
  const wrong = await aws('confirm-forgot-password', '--client-id', f.legacyClientId, '--username', 'cli', '--confirmation-code', code === '000000' ? '000001' : '000000', '--password', 'Cli-New-Pass1');
  assert.notEqual(wrong.status, 0);
  assert.match(wrong.stderr, /An error occurred \(CodeMismatchException\) when calling the ConfirmForgotPassword operation: Invalid verification code provided, please try again\./);
  const ok = await aws('confirm-forgot-password', '--client-id', f.legacyClientId, '--username', 'cli', '--confirmation-code', code, '--password', 'Cli-New-Pass1');
  assert.equal(ok.status, 0, ok.stderr);
  assert.ok(await passwordWorks(server, f.poolId, 'cli', 'Cli-New-Pass1'));
  const admin = await aws('admin-get-user', '--user-pool-id', f.poolId, '--username', 'cli');
  assert.equal(admin.status, 0, admin.stderr);
  assert.equal(JSON.parse(admin.stdout).UserStatus, 'CONFIRMED');
});
