import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addressOf, emailSender } from './emailSender.js';

const DEFAULT = 'no-reply@verificationemail.com';

test('no configuration: the default sender', () => {
  assert.deepEqual(emailSender({}, DEFAULT), { kind: 'ok', from: DEFAULT, replyTo: undefined });
  assert.deepEqual(emailSender({ replyTo: 'help@example.com' }, DEFAULT), { kind: 'ok', from: DEFAULT, replyTo: 'help@example.com' });
});

test('From alone is used as written', () => {
  assert.deepEqual(emailSender({ from: 'Team <team@example.com>' }, DEFAULT), { kind: 'ok', from: 'Team <team@example.com>', replyTo: undefined });
});

test('SourceArn: an email identity is the address, a domain identity sends as no-reply@domain', () => {
  const email = 'arn:aws:ses:us-east-1:123456789012:identity/no-reply@example.com';
  const domain = 'arn:aws:ses:eu-west-1:123456789012:identity/example.com';
  assert.deepEqual(emailSender({ sourceArn: email }, DEFAULT), { kind: 'ok', from: 'no-reply@example.com', replyTo: undefined });
  assert.deepEqual(emailSender({ sourceArn: domain }, DEFAULT), { kind: 'ok', from: 'no-reply@example.com', replyTo: undefined });
  assert.equal(emailSender({ sourceArn: domain, from: 'Support <support@EXAMPLE.com>' }, DEFAULT).kind, 'ok');
  assert.equal(emailSender({ sourceArn: email, from: 'NO-REPLY@example.com' }, DEFAULT).kind, 'ok');
});

test('a From outside the identity, a malformed ARN or a header break is refused', () => {
  const domain = 'arn:aws:ses:eu-west-1:123456789012:identity/example.com';
  assert.deepEqual(emailSender({ sourceArn: domain, from: 'x@evil.example' }, DEFAULT), { kind: 'refused', reason: 'from_not_in_source_identity' });
  assert.deepEqual(emailSender({ sourceArn: 'arn:aws:iam::123456789012:role/x' }, DEFAULT), { kind: 'refused', reason: 'source_arn_not_ses_identity' });
  assert.deepEqual(emailSender({ from: 'a@example.com\r\nBcc: victim@example.org' }, DEFAULT), { kind: 'refused', reason: 'from_invalid' });
  assert.deepEqual(emailSender({ replyTo: 'a@example.com\nBcc: b@example.org' }, DEFAULT), { kind: 'refused', reason: 'reply_to_invalid' });
});

test('addressOf takes the address out of a display form', () => {
  assert.equal(addressOf('Name <a@b.example>'), 'a@b.example');
  assert.equal(addressOf(' a@b.example '), 'a@b.example');
});
