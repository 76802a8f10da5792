import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LINK_MESSAGE, DEFAULT_VERIFICATION_MESSAGE, renderVerification, signUpChannel } from './verification.js';

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

describe('renderVerification with CONFIRM_WITH_LINK', () => {
  const link = 'https://id.example/confirmUser?client_id=c&user_name=bo&confirmation_code=123456&sig=s';

  test('Cognito\'s link defaults: each {##text##} becomes an escaped HTML link', () => {
    assert.deepEqual(renderVerification({ defaultEmailOption: 'CONFIRM_WITH_LINK' }, 'EMAIL', '123456', 'bo', link), {
      subject: 'Your verification link',
      body: `Please click the link below to verify your email address. <a href="${link.replace(/&/g, '&#38;')}">Verify Email</a> `,
    });
    assert.equal(DEFAULT_LINK_MESSAGE.includes('{##Verify Email##}'), true);
  });

  test('the pool\'s link template; SMS, code pools and messages without a link keep the code', () => {
    const t = { defaultEmailOption: 'CONFIRM_WITH_LINK' as const, emailSubjectByLink: 'Confirm', emailMessageByLink: 'Go: {##<yes> & go##} or {##again##}', smsMessage: 'SMS {####}' };
    assert.deepEqual(renderVerification(t, 'EMAIL', '123456', 'bo', 'https://x.example/?a=1'), {
      subject: 'Confirm',
      body: 'Go: <a href="https://x.example/?a=1">&#60;yes&#62; &#38; go</a> or <a href="https://x.example/?a=1">again</a>',
    });
    assert.deepEqual(renderVerification(t, 'SMS', '123456', 'bo', link), { subject: null, body: 'SMS 123456' });
    assert.equal(renderVerification(t, 'EMAIL', '123456', 'bo').body, 'Your verification code is 123456. ');
    assert.equal(renderVerification({ ...t, defaultEmailOption: 'CONFIRM_WITH_CODE' }, 'EMAIL', '123456', 'bo', link).body, 'Your verification code is 123456. ');
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
