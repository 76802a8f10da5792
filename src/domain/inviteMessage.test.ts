import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderInvite } from './inviteMessage.js';

test('the default invite is Cognito\'s text, with a subject only for email', () => {
  assert.deepEqual(renderInvite({}, 'EMAIL', 'alice', 'Xy7#abcdEFGH'), {
    subject: 'Your temporary password',
    body: 'Your username is alice and temporary password is Xy7#abcdEFGH.',
  });
  assert.deepEqual(renderInvite({}, 'SMS', 'alice', 'pw'), { subject: null, body: 'Your username is alice and temporary password is pw.' });
});

test('the pool template is used per channel, and empty template fields fall back', () => {
  const template = { emailSubject: 'Hi', emailMessage: 'E {username} {####}', smsMessage: 'S {####}' };
  assert.deepEqual(renderInvite(template, 'EMAIL', 'u', 'p'), { subject: 'Hi', body: 'E u p' });
  assert.deepEqual(renderInvite(template, 'SMS', 'u', 'p'), { subject: null, body: 'S p' });
  assert.equal(renderInvite({ emailSubject: '', emailMessage: '' }, 'EMAIL', 'u', 'p').subject, 'Your temporary password');
});

test('substitution is literal: $ patterns in the password and placeholders in the username stay as they are', () => {
  assert.equal(renderInvite({ emailMessage: '{####}/{####}' }, 'EMAIL', 'u', "a$&b$1c$'d").body, "a$&b$1c$'d/a$&b$1c$'d");
  assert.equal(renderInvite({ emailMessage: '{username} {####}' }, 'EMAIL', 'x{####}y', 'PW').body, 'x{####}y PW');
});
