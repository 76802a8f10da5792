import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateTemporaryPassword, TEMPORARY_PASSWORD_FLOOR } from './temporaryPassword.js';
import { checkPasswordPolicy, DEFAULT_PASSWORD_POLICY } from '../domain/passwordPolicy.js';

test('every generated password meets the policy it was made for', () => {
  const flags = [true, false];
  for (const minimumLength of [6, 8, 12, 20, 99]) {
    for (const requireUppercase of flags) {
      for (const requireLowercase of flags) {
        for (const requireNumbers of flags) {
          for (const requireSymbols of flags) {
            const policy = { ...DEFAULT_PASSWORD_POLICY, minimumLength, requireUppercase, requireLowercase, requireNumbers, requireSymbols };
            for (let i = 0; i < 50; i++) {
              const password = generateTemporaryPassword(policy);
              assert.equal(checkPasswordPolicy(policy, password), null, `${JSON.stringify(policy)}: ${password}`);
              assert.equal(password.length, Math.max(minimumLength, TEMPORARY_PASSWORD_FLOOR));
              // The API's Password pattern: no whitespace.
              assert.match(password, /^\S+$/);
            }
          }
        }
      }
    }
  }
});

test('passwords do not repeat', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 5000; i++) seen.add(generateTemporaryPassword(DEFAULT_PASSWORD_POLICY));
  assert.equal(seen.size, 5000);
});

test('the required classes do not sit at fixed positions', () => {
  // With a shuffle, the first character is a symbol in a fair share of passwords; without
  // one it would always be the upper-case letter.
  const policy = { ...DEFAULT_PASSWORD_POLICY, minimumLength: 12 };
  const firstKinds = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const c = generateTemporaryPassword(policy)[0]!;
    firstKinds.add(/[A-Z]/.test(c) ? 'upper' : /[a-z]/.test(c) ? 'lower' : /[0-9]/.test(c) ? 'digit' : 'symbol');
  }
  assert.deepEqual([...firstKinds].sort(), ['digit', 'lower', 'symbol', 'upper']);
});
