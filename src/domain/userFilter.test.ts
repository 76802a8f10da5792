import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUserFilter } from './userFilter.js';

test('no filter, or a blank one, lists everyone', () => {
  assert.deepEqual(parseUserFilter(undefined), { ok: true, filter: undefined });
  assert.deepEqual(parseUserFilter('   '), { ok: true, filter: undefined });
});

test('= is exact and ^= is a prefix, with free spacing', () => {
  assert.deepEqual(parseUserFilter('email = "a@b.c"'), { ok: true, filter: { name: 'email', value: 'a@b.c', prefix: false } });
  assert.deepEqual(parseUserFilter('  email^="a"  '), { ok: true, filter: { name: 'email', value: 'a', prefix: true } });
  assert.deepEqual(parseUserFilter('cognito:user_status = "CONFIRMED"'), {
    ok: true,
    filter: { name: 'cognito:user_status', value: 'CONFIRMED', prefix: false },
  });
  assert.deepEqual(parseUserFilter('name = ""'), { ok: true, filter: { name: 'name', value: '', prefix: false } });
});

test('a backslash escapes a quote or a backslash in the value', () => {
  assert.deepEqual(parseUserFilter('name = "say \\"hi\\" \\\\o/"'), { ok: true, filter: { name: 'name', value: 'say "hi" \\o/', prefix: false } });
});

test('anything else is a syntax error', () => {
  for (const bad of ['email = a', 'email != "a"', 'email = "a" x', 'email = "a', 'email "a"', '"a" = email', 'email = \'a\'', 'email = "a"b"']) {
    assert.deepEqual(parseUserFilter(bad), { ok: false, reason: 'syntax' }, bad);
  }
});

test('only searchable attributes are allowed', () => {
  assert.deepEqual(parseUserFilter('custom:tier = "gold"'), { ok: false, reason: 'attribute', name: 'custom:tier' });
  assert.deepEqual(parseUserFilter('locale = "en"'), { ok: false, reason: 'attribute', name: 'locale' });
});
