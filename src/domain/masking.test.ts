import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskEmail, maskPhone } from './masking.js';
import { chooseRecoveryChannel } from './recovery.js';

test('emails are masked to first letters', () => {
  assert.equal(maskEmail('test@example.com'), 't***@e***');
  assert.equal(maskEmail('Ünïcode@bücher.de'), 'Ü***@b***');
});

test('phones keep only the last four digits', () => {
  assert.equal(maskPhone('+15555551234'), '+*******1234');
  assert.equal(maskPhone('+441234567890'), '+********7890');
});

const both = { email: 'a@b.c', email_verified: 'true', phone_number: '+15555550100', phone_number_verified: 'true' };

test('legacy order prefers a verified phone, then a verified email', () => {
  assert.deepEqual(chooseRecoveryChannel(both, undefined, false), {
    kind: 'channel',
    channel: { medium: 'SMS', attribute: 'phone_number', destination: '+15555550100' },
  });
  const c = chooseRecoveryChannel(both, undefined, true);
  assert.equal(c.kind === 'channel' && c.channel.medium, 'EMAIL', 'SMS MFA users recover by email');
});

test('recovery settings pick by priority among verified attributes only', () => {
  const mechanisms = [
    { name: 'verified_email' as const, priority: 1 },
    { name: 'verified_phone_number' as const, priority: 2 },
  ];
  const c = chooseRecoveryChannel(both, mechanisms, false);
  assert.equal(c.kind === 'channel' && c.channel.medium, 'EMAIL');
  const unverified = { ...both, email_verified: 'false' };
  const d = chooseRecoveryChannel(unverified, mechanisms, false);
  assert.equal(d.kind === 'channel' && d.channel.medium, 'SMS');
  assert.deepEqual(chooseRecoveryChannel({ email: 'a@b.c' }, mechanisms, false), { kind: 'none' });
  assert.deepEqual(chooseRecoveryChannel(both, [{ name: 'admin_only', priority: 1 }], false), { kind: 'admin_only' });
});
