// How transport failures are classified: the class decides retry, give-up, and the exception
// a waiting caller gets. Only codes and numbers are kept, never a server's text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifySmtpError } from '../../src/delivery/smtp.js';
import { classifySnsError, classifyWebhookStatus } from '../../src/delivery/sms.js';

test('SMTP: recipient refusals are final, sender and AUTH refusals are ours, the rest is transient', () => {
  const smtp = (code: string, command: string, responseCode?: number) => classifySmtpError({ code, command, responseCode, message: 'free text 123456', response: '550 quoting 123456' });
  assert.deepEqual(smtp('EENVELOPE', 'RCPT TO', 550), { kind: 'rejected', detail: 'smtp 550 RCPT TO' });
  assert.deepEqual(smtp('EMESSAGE', 'DATA', 554), { kind: 'rejected', detail: 'smtp 554 DATA' });
  assert.deepEqual(smtp('EENVELOPE', 'RCPT TO', 451), { kind: 'transient', detail: 'smtp 451 RCPT TO' });
  assert.deepEqual(smtp('EAUTH', 'AUTH PLAIN', 535), { kind: 'email_identity', detail: 'smtp 535 AUTH PLAIN' });
  assert.deepEqual(smtp('EENVELOPE', 'MAIL FROM', 553), { kind: 'email_identity', detail: 'smtp 553 MAIL FROM' });
  assert.deepEqual(smtp('ETLS', 'STARTTLS', 500), { kind: 'transient', detail: 'smtp 500 STARTTLS' });
  assert.deepEqual(smtp('ESOCKET', 'CONN'), { kind: 'transient', detail: 'smtp ESOCKET CONN' });
  assert.deepEqual(smtp('ETIMEDOUT', 'CONN'), { kind: 'transient', detail: 'smtp ETIMEDOUT CONN' });
  assert.deepEqual(classifySmtpError(undefined), { kind: 'transient', detail: 'smtp EUNKNOWN' });
});

test('SNS: credentials refused is trust, authorization is policy, throttling and 5xx are transient', () => {
  const sns = (name: string, status?: number) => classifySnsError({ name, $metadata: { httpStatusCode: status }, message: 'text' });
  assert.equal(sns('InvalidClientTokenId', 403).kind, 'sms_trust');
  assert.equal(sns('SignatureDoesNotMatch', 403).kind, 'sms_trust');
  assert.equal(sns('AuthorizationErrorException', 403).kind, 'sms_policy');
  assert.equal(sns('InvalidParameterException', 400).kind, 'rejected');
  assert.equal(sns('ThrottledException', 429).kind, 'transient');
  assert.equal(sns('InternalErrorException', 500).kind, 'transient');
  assert.equal(sns('TimeoutError').kind, 'transient', 'no answer at all');
  assert.equal(sns('CredentialsProviderError').kind, 'sms_trust', 'no credentials found');
  assert.deepEqual(sns('InvalidParameterException', 400), { kind: 'rejected', detail: 'sns InvalidParameterException 400' });
});

test('webhook: 2xx sent, 401 trust, 403 policy, 408/429/5xx transient, other 4xx final', () => {
  assert.deepEqual(classifyWebhookStatus(204), { kind: 'sent' });
  assert.equal(classifyWebhookStatus(401).kind, 'sms_trust');
  assert.equal(classifyWebhookStatus(403).kind, 'sms_policy');
  for (const s of [408, 429, 500, 503]) assert.equal(classifyWebhookStatus(s).kind, 'transient', String(s));
  for (const s of [400, 404, 422]) assert.equal(classifyWebhookStatus(s).kind, 'rejected', String(s));
});
