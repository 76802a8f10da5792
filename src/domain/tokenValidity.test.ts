import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTokenValidities, toSeconds } from './tokenValidity.js';

test('nothing given: one hour in minutes for access and id, 30 days for refresh', () => {
  const r = resolveTokenValidities({ access: {}, id: {}, refresh: {} });
  assert.deepEqual(r, {
    ok: true,
    validities: { access: { value: 60, unit: 'minutes' }, id: { value: 60, unit: 'minutes' }, refresh: { value: 30, unit: 'days' } },
  });
});

test('a bare number is read in hours for access and id, days for refresh', () => {
  const r = resolveTokenValidities({ access: { value: 12 }, id: { value: 2 }, refresh: { value: 90 } });
  assert.ok(r.ok);
  assert.deepEqual(r.validities.access, { value: 12, unit: 'hours' });
  assert.deepEqual(r.validities.id, { value: 2, unit: 'hours' });
  assert.deepEqual(r.validities.refresh, { value: 90, unit: 'days' });
});

test('a bare 25 for the access token is 25 hours: out of range', () => {
  assert.deepEqual(resolveTokenValidities({ access: { value: 25 }, id: {}, refresh: {} }), { ok: false, problem: 'range' });
});

test('a unit without a value keeps the default number in that unit', () => {
  const ok = resolveTokenValidities({ access: { unit: 'minutes' }, id: {}, refresh: { unit: 'hours' } });
  assert.ok(ok.ok);
  assert.deepEqual(ok.validities.refresh, { value: 30, unit: 'hours' });
  // 60 hours is more than a day.
  assert.deepEqual(resolveTokenValidities({ access: { unit: 'hours' }, id: {}, refresh: {} }), { ok: false, problem: 'range' });
  // 30 minutes is less than the refresh token's hour.
  assert.deepEqual(resolveTokenValidities({ access: {}, id: {}, refresh: { unit: 'minutes' } }), { ok: false, problem: 'range' });
});

test('range edges are inclusive, in the chosen unit', () => {
  assert.ok(resolveTokenValidities({ access: { value: 300, unit: 'seconds' }, id: { value: 1, unit: 'days' }, refresh: {} }).ok);
  assert.ok(resolveTokenValidities({ access: { value: 5, unit: 'minutes' }, id: { value: 60, unit: 'minutes' }, refresh: { value: 60, unit: 'minutes' } }).ok);
  assert.equal(resolveTokenValidities({ access: { value: 299, unit: 'seconds' }, id: {}, refresh: {} }).ok, false);
  assert.equal(resolveTokenValidities({ access: {}, id: { value: 1441, unit: 'minutes' }, refresh: {} }).ok, false);
  assert.ok(resolveTokenValidities({ access: {}, id: {}, refresh: { value: 3650, unit: 'days' } }).ok);
  assert.equal(resolveTokenValidities({ access: {}, id: {}, refresh: { value: 3651, unit: 'days' } }).ok, false);
  assert.equal(resolveTokenValidities({ access: {}, id: {}, refresh: { value: 59, unit: 'minutes' } }).ok, false);
});

test('refresh 0 means the 30-day default', () => {
  const r = resolveTokenValidities({ access: {}, id: {}, refresh: { value: 0, unit: 'hours' } });
  assert.ok(r.ok);
  assert.deepEqual(r.validities.refresh, { value: 30, unit: 'days' });
});

test('access or id outliving the refresh token is an order problem, compared in seconds', () => {
  assert.deepEqual(
    resolveTokenValidities({ access: { value: 200, unit: 'minutes' }, id: {}, refresh: { value: 90, unit: 'minutes' } }),
    { ok: false, problem: 'order' },
  );
  assert.deepEqual(
    resolveTokenValidities({ access: {}, id: { value: 2, unit: 'hours' }, refresh: { value: 1, unit: 'hours' } }),
    { ok: false, problem: 'order' },
  );
  assert.ok(resolveTokenValidities({ access: { value: 23, unit: 'hours' }, id: {}, refresh: { value: 1, unit: 'days' } }).ok);
});

test('toSeconds multiplies by the unit', () => {
  assert.equal(toSeconds({ value: 2, unit: 'days' }), 172800);
  assert.equal(toSeconds({ value: 5, unit: 'minutes' }), 300);
});
