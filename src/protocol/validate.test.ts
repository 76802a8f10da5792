import { test } from 'node:test';
import assert from 'node:assert/strict';
import { model } from './model.generated.js';
import { isKnownOperation, modelErrorNames, operationErrors, operationFacts, patternMatcher, validateInput } from './validate.js';

const POOL = 'us-east-1_AbCdEf123';
const LINK_MESSAGE_PATTERN = model.shapes['EmailVerificationMessageByLinkType']!.pattern!;

test('a valid ForgotPassword input passes', () => {
  assert.equal(validateInput('ForgotPassword', { ClientId: 'abc123', Username: 'alice@example.com', ClientMetadata: { k: 'v' } }), null);
});

test('missing required members are listed in model order, sensitive or not', () => {
  assert.equal(
    validateInput('ForgotPassword', {}),
    '2 validation errors detected: ' +
      "Value null at 'clientId' failed to satisfy constraint: Member must not be null; " +
      "Value null at 'username' failed to satisfy constraint: Member must not be null",
  );
  // JSON null is the same as absent.
  assert.match(validateInput('ForgotPassword', { ClientId: null, Username: 'u' })!, /^1 validation error detected: Value null at 'clientId'/);
});

test('an over-long password is reported without echoing it', () => {
  const password = 'Secret-' + 'x'.repeat(300);
  const message = validateInput('ConfirmForgotPassword', { ClientId: 'abc', Username: 'u', ConfirmationCode: '123456', Password: password });
  assert.equal(
    message,
    "1 validation error detected: Value at 'password' failed to satisfy constraint: Member must have length less than or equal to 256",
  );
  assert.ok(!message!.includes('Secret-'));
});

test('a pattern violation echoes a non-sensitive value and the pattern as the model spells it', () => {
  assert.equal(
    validateInput('DescribeUserPool', { UserPoolId: 'not a pool' }),
    "1 validation error detected: Value 'not a pool' at 'userPoolId' failed to satisfy constraint: " +
      'Member must satisfy regular expression pattern: ^[\\w-]+_[0-9a-zA-Z]+$',
  );
  // Username is sensitive in the model, so it is never echoed.
  assert.equal(
    validateInput('ForgotPassword', { ClientId: 'abc', Username: 'x y' }),
    "1 validation error detected: Value at 'username' failed to satisfy constraint: " +
      'Member must satisfy regular expression pattern: ^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$',
  );
});

test('string lengths count code points', () => {
  // 128 astral characters are 256 UTF-16 units but within UsernameType's max of 128.
  assert.equal(validateInput('ForgotPassword', { ClientId: 'abc', Username: '😀'.repeat(128) }), null);
  assert.match(validateInput('ForgotPassword', { ClientId: 'abc', Username: '😀'.repeat(129) })!, /length less than or equal to 128$/);
});

test('enum violations list the value set, for a member and for list items', () => {
  const message = validateInput('CreateUserPoolClient', {
    UserPoolId: POOL,
    ClientName: 'web',
    ExplicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_NOTHING'],
    PreventUserExistenceErrors: 'SOMETIMES',
  });
  assert.equal(
    message,
    '2 validation errors detected: ' +
      "Value 'ALLOW_NOTHING' at 'explicitAuthFlows.2.member' failed to satisfy constraint: Member must satisfy enum value set: " +
      '[ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH, ALLOW_ADMIN_USER_PASSWORD_AUTH, ALLOW_CUSTOM_AUTH, ' +
      'ALLOW_USER_PASSWORD_AUTH, ALLOW_USER_SRP_AUTH, ALLOW_REFRESH_TOKEN_AUTH, ALLOW_USER_AUTH]; ' +
      "Value 'SOMETIMES' at 'preventUserExistenceErrors' failed to satisfy constraint: Member must satisfy enum value set: [LEGACY, ENABLED]",
  );
});

test('list items are addressed as <list>.<N>.member with N from 1', () => {
  assert.equal(
    validateInput('AdminCreateUser', { UserPoolId: POOL, Username: 'bob', UserAttributes: [{ Name: 'email', Value: 'b@x' }, { Value: 'x' }] }),
    "1 validation error detected: Value null at 'userAttributes.2.member.name' failed to satisfy constraint: Member must not be null",
  );
});

test('wrong JSON types are violations', () => {
  assert.equal(
    validateInput('ForgotPassword', { ClientId: 'abc', Username: 42 }),
    "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must be of type string",
  );
  assert.equal(
    validateInput('AdminCreateUser', { UserPoolId: POOL, Username: 'bob', UserAttributes: { Name: 'email' } }),
    "1 validation error detected: Value at 'userAttributes' failed to satisfy constraint: Member must be of type list",
  );
  assert.match(validateInput('AdminSetUserPassword', { UserPoolId: POOL, Username: 'b', Password: 'p', Permanent: 'true' })!, /'permanent' .*type boolean$/);
  assert.match(validateInput('ListUsers', { UserPoolId: POOL, Limit: '5' })!, /'limit' .*type integer$/);
  assert.match(validateInput('ListUsers', { UserPoolId: POOL, Limit: 1.5 })!, /'limit' .*type integer$/);
  assert.match(validateInput('ForgotPassword', { ClientId: 'abc', Username: 'u', ClientMetadata: ['a'] })!, /'clientMetadata' .*type map$/);
  assert.equal(validateInput('ForgotPassword', ['not', 'an', 'object']), '1 validation error detected: Request body failed to satisfy constraint: Must be a JSON object');
  assert.match(validateInput('ForgotPassword', null)!, /^1 validation error detected: Request body/);
});

test('map entries are reported once at the map, without keys or values', () => {
  const message = validateInput('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: 'abc',
    AuthParameters: { USERNAME: 'u', PASSWORD: 7, SECRET_HASH: null },
  });
  assert.equal(
    message,
    "1 validation error detected: Value at 'authParameters' failed to satisfy constraint: " +
      'Map value must satisfy constraint: [Member must be of type string, Member must not be null]',
  );
});

test('integer ranges, nested structure paths', () => {
  assert.equal(
    validateInput('CreateUserPool', { PoolName: 'pool', Policies: { PasswordPolicy: { MinimumLength: 5 } } }),
    "1 validation error detected: Value '5' at 'policies.passwordPolicy.minimumLength' failed to satisfy constraint: " +
      'Member must have value greater than or equal to 6',
  );
  assert.match(validateInput('ListUsers', { UserPoolId: POOL, Limit: 61 })!, /Value '61' at 'limit' .*less than or equal to 60$/);
});

test('unknown members are ignored', () => {
  assert.equal(validateInput('ForgotPassword', { ClientId: 'abc', Username: 'u', Whatever: { deep: [1, 2, 3] } }), null);
});

test('deeply nested and huge junk neither throws nor takes long', () => {
  let deep: unknown = 'leaf';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const started = Date.now();
  assert.match(validateInput('AdminCreateUser', { UserPoolId: POOL, Username: 'b', UserAttributes: deep })!, /type structure$/);
  assert.equal(validateInput('ForgotPassword', { ClientId: 'abc', Username: 'u', Junk: deep }), null);

  const many = validateInput('AdminCreateUser', { UserPoolId: POOL, Username: 'b', UserAttributes: Array.from({ length: 50_000 }, () => 1) })!;
  assert.match(many, /^50000 validation errors detected: /);
  assert.equal(many.split('; ').length, 100, 'only the first 100 are listed');

  // Crafted to backtrack catastrophically in a backtracking engine (tens of seconds).
  const message = validateInput('CreateUserPool', {
    PoolName: 'pool',
    VerificationMessageTemplate: { EmailMessageByLink: '{##a##}'.repeat(2857) + '\u0001' },
  });
  assert.match(message!, /emailMessageByLink' failed to satisfy constraint: Member must satisfy regular expression pattern/);
  assert.ok(Date.now() - started < 2000, `took ${Date.now() - started} ms`);
});

test('every model pattern compiles, and the linear matcher agrees with the native engine', () => {
  const patterns = new Set<string>();
  for (const s of Object.values(model.shapes)) if (s.pattern) patterns.add(s.pattern);
  const samples = ['', 'a', 'abc', 'a b', 'A_b-1', 'us-east-1_AbC12', 'x@y.z', '@', 'a@', 'é✓😀', '{####}', 'Code {####} here', '{##Click##}',
    'arn:aws:iam::123456789012:role/r', 'a.', '.a', '_a', 'a\tb', 'a\nb', '0123abcdef', 'c0ffee00-0000-4000-8000-000000000000', 'https://x.example/cb', '-', 'a'.repeat(70)];
  for (const p of patterns) {
    const matcher = patternMatcher(p);
    assert.ok(matcher, `pattern ${p} does not compile`);
    let native: RegExp;
    try {
      native = new RegExp(p, 'u');
    } catch {
      continue; // Java-only syntax (^(?s)); covered below
    }
    for (const s of samples) assert.equal(matcher(s), native.test(s), `${p} on ${JSON.stringify(s)}`);
  }
  assert.equal(patternMatcher('^(?s)')!('any\nthing'), true);
  assert.equal(patternMatcher(LINK_MESSAGE_PATTERN)!('Verify: {##Click here##}'), true);
  assert.equal(patternMatcher(LINK_MESSAGE_PATTERN)!('no link'), false);
});

test("Java's \\S: a no-break space is not whitespace, as Cognito accepts it in a password", () => {
  const input = { ClientId: 'abc', Username: 'u', ConfirmationCode: '1', Password: 'pass\u00a0word' };
  assert.equal(validateInput('ConfirmForgotPassword', input), null);
  assert.match(validateInput('ConfirmForgotPassword', { ...input, Password: 'pass word' })!, /'password' .*pattern: \^\[\\S\]\+\$$/);
});

test('every operation resolves its input shape and lists known errors', () => {
  assert.ok(Object.keys(model.operations).length > 100);
  for (const [name, op] of Object.entries(model.operations)) {
    assert.ok(isKnownOperation(name));
    assert.equal(model.shapes[op.input]?.type, 'structure', name);
    assert.equal(model.shapes[op.output]?.type, 'structure', name);
    // An empty body must not crash validation, whatever the operation requires.
    assert.ok(validateInput(name, {}) === null || typeof validateInput(name, {}) === 'string');
    for (const e of op.errors) assert.ok(modelErrorNames.has(e), `${name} lists unknown error ${e}`);
  }
  assert.equal(isKnownOperation('toString'), false);
  assert.equal(operationFacts('ForgotPassword')?.unauthenticated, true);
  assert.equal(operationFacts('AdminResetUserPassword')?.unauthenticated, false);
  assert.ok(operationErrors('ConfirmForgotPassword').has('CodeMismatchException'));
  assert.equal(operationErrors('NoSuchOperation').size, 0);
  assert.throws(() => validateInput('NoSuchOperation', {}));
});
