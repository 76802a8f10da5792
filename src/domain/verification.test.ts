import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_VERIFICATION_MESSAGE, renderVerification, signUpChannel } from './verification.js';

describe('renderVerification', () => {
  test('Cognito defaults: body with the code, subject for email only', () => {
    assert.deepEqual(renderVerification({}, 'EMAIL', '123456', 'alice'), {
      subject: 'Your verification code',
      body: 'Your verification code is 123456. ',
    });
    assert.deepEqual(renderVerification({}, 'SMS', '123456', 'alice'), { subject: null, body: 'Your verification code is 123456. ' });
    assert.equal(DEFAULT_VERIFICATION_MESSAGE.includes('{####}'), true);
  });

  test('the template for the medium, every placeholder filled', () => {
    const template = { emailSubject: 'Welcome', emailMessage: 'Hi {username}, code {####} ({####})', smsMessage: 'SMS {####}' };
    assert.deepEqual(renderVerification(template, 'EMAIL', '000123', 'bob'), { subject: 'Welcome', body: 'Hi bob, code 000123 (000123)' });
    assert.deepEqual(renderVerification(template, 'SMS', '000123', 'bob'), { subject: null, body: 'SMS 000123' });
  });

  test('substitution is literal: a username holding placeholders or replacement patterns stays as written', () => {
    const out = renderVerification({ emailMessage: '{username}: {####}' }, 'EMAIL', '987654', '{####}$&$1');
    assert.equal(out.body, '{####}$&$1: 987654');
  });
});

describe('signUpChannel', () => {
  const both = { email: 'a@example.com', phone_number: '+15555550100' };

  test('email only', () => {
    assert.deepEqual(signUpChannel(['email'], both), { medium: 'EMAIL', attribute: 'email', destination: 'a@example.com' });
  });

  test('phone only', () => {
    assert.deepEqual(signUpChannel(['phone_number'], both), { medium: 'SMS', attribute: 'phone_number', destination: '+15555550100' });
  });

  test('both auto-verified: the phone wins when the user has one, else the email', () => {
    assert.equal(signUpChannel(['email', 'phone_number'], both)?.medium, 'SMS');
    assert.equal(signUpChannel(['email', 'phone_number'], { email: 'a@example.com' })?.medium, 'EMAIL');
  });

  test('nothing auto-verified, or the user lacks the attribute: no code', () => {
    assert.equal(signUpChannel([], both), undefined);
    assert.equal(signUpChannel(['email'], { phone_number: '+15555550100' }), undefined);
  });
});
