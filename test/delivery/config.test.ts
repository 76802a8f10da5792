// Delivery settings from flags and USERPOOL_* variables: the SMTP URL and the flags that
// override its parts, the SMS transport chosen from what is given, and refusals that name
// the option without echoing a secret.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/config.js';

function refused(flags: Record<string, string>, env: Record<string, string>, says: RegExp, secret?: string): void {
  assert.throws(
    () => loadConfig(flags, env),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, says);
      if (secret) assert.ok(!err.message.includes(secret), err.message);
      return true;
    },
  );
}

test('defaults: no transport, Cognito\'s sender, a 2 s wait', () => {
  const d = loadConfig({}, {}).delivery;
  assert.equal(d.smtp.host, undefined);
  assert.equal(d.sms.transport, undefined);
  assert.equal(d.emailFrom, 'no-reply@verificationemail.com');
  assert.deepEqual([d.waitMs, d.retryBaseMs, d.maxAttempts, d.timeoutMs], [2000, 5000, 10, 10_000]);
});

test('--smtp-url gives host, port, TLS and credentials; separate flags override its parts', () => {
  const d = loadConfig({ '--smtp-url': 'smtps://mail%40example.com:p%40ss@smtp.example.com:2465' }, {}).delivery.smtp;
  assert.deepEqual(d, { host: 'smtp.example.com', port: 2465, secure: true, starttls: 'auto', user: 'mail@example.com', pass: 'p@ss', caFile: undefined });
  const o = loadConfig({ '--smtp-port': '25', '--smtp-user': 'other' }, { USERPOOL_SMTP_URL: 'smtp://u:p@relay.internal' }).delivery.smtp;
  assert.deepEqual([o.host, o.port, o.secure, o.user, o.pass], ['relay.internal', 25, false, 'other', 'p']);
});

test('the SMS transport follows what is given, or --sms-transport', () => {
  assert.equal(loadConfig({ '--sms-webhook-url': 'https://sms.example/send' }, {}).delivery.sms.transport, 'webhook');
  assert.equal(loadConfig({}, { USERPOOL_SNS_ENDPOINT: 'http://127.0.0.1:4566' }).delivery.sms.transport, 'sns');
  assert.deepEqual(loadConfig({ '--sns-credentials': 'AKIAEXAMPLE:se:cret' }, {}).delivery.sms.snsCredentials, { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'se:cret' });
  assert.equal(
    loadConfig({ '--sms-transport': 'sns', '--sms-webhook-url': 'https://sms.example/send', '--sns-endpoint': 'http://127.0.0.1:4566' }, {}).delivery.sms.transport,
    'sns',
  );
});

test("publishing as the pool's role: --sns-assume-role, or implied by --sts-endpoint", () => {
  const off = loadConfig({}, {}).delivery.sms;
  assert.deepEqual([off.snsAssumeRole, off.stsEndpoint], [false, undefined]);
  const on = loadConfig({ '--sts-endpoint': 'http://127.0.0.1:4566' }, {}).delivery.sms;
  assert.deepEqual([on.transport, on.snsAssumeRole, on.stsEndpoint], ['sns', true, 'http://127.0.0.1:4566']);
  const env = loadConfig({}, { USERPOOL_SNS_ASSUME_ROLE: 'true' }).delivery.sms;
  assert.deepEqual([env.transport, env.snsAssumeRole, env.stsEndpoint], ['sns', true, undefined]);
  assert.equal(loadConfig({ '--sns-assume-role': 'false', '--sts-endpoint': 'http://127.0.0.1:4566' }, {}).delivery.sms.snsAssumeRole, false);
  refused({ '--sms-transport': 'webhook', '--sms-webhook-url': 'https://sms.example', '--sns-assume-role': 'true' }, {}, /apply to SMS through SNS, not through the webhook/);
  refused({ '--sts-endpoint': 'sts.example' }, {}, /^--sts-endpoint must be an http\(s\) URL/);
});

test('bad values are refused naming the option, never echoing a secret', () => {
  refused({ '--smtp-url': 'ftp://user:hunter2secret@host' }, {}, /^--smtp-url must be smtp:\/\//, 'hunter2secret');
  refused({}, { USERPOOL_SMTP_URL: 'not a url hunter2secret' }, /^USERPOOL_SMTP_URL must be/, 'hunter2secret');
  refused({ '--smtp-starttls': 'maybe' }, {}, /^--smtp-starttls must be auto, required or off, got 'maybe'$/);
  refused({ '--smtp-port': '70000' }, {}, /^--smtp-port must be a whole number from 1 to 65535/);
  refused({ '--sns-credentials': 'nosecret' }, {}, /^--sns-credentials must be ACCESS_KEY_ID:SECRET_ACCESS_KEY$/);
  refused({ '--sms-transport': 'pigeon' }, {}, /^--sms-transport must be sns or webhook/);
  refused({ '--sms-transport': 'webhook' }, {}, /needs --sms-webhook-url/);
  refused({ '--sms-webhook-url': 'https://sms.example', '--sns-endpoint': 'http://127.0.0.1:4566' }, {}, /choose one with --sms-transport/);
  refused({ '--email-from': 'nobody' }, {}, /^--email-from must be an email address/);
  refused({ '--delivery-wait-ms': '-1' }, {}, /^--delivery-wait-ms must be a whole number from 0 to 30000/);
});
