import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyAttributeDeletes,
  applyAttributeUpdate,
  checkAttributeWrites,
  findAttribute,
  isEmailAddress,
  isPhoneNumber,
  missingRequired,
  schemaMessage,
  STANDARD_ATTRIBUTES,
  type AttributeDefinition,
} from './attributes.js';

function schemaWith(...extra: AttributeDefinition[]): Map<string, AttributeDefinition> {
  const map = new Map(STANDARD_ATTRIBUTES.map((a) => [a.name, a]));
  for (const a of extra) map.set(a.name, a);
  return map;
}

const tenant: AttributeDefinition = { name: 'custom:tenant', dataType: 'String', mutable: false, required: false, developerOnly: false, maxLength: 8 };
const secret: AttributeDefinition = { name: 'dev:custom:secret', dataType: 'String', mutable: true, required: false, developerOnly: true };
const w = (values: Record<string, string>) => Object.entries(values).map(([name, value]) => ({ name, value }));

test('email addresses: dot-atom local part and host name labels', () => {
  for (const ok of ['a@b', 'alice@example.com', 'first.last+tag@sub.example.co.uk', "o'brien@example.ie"]) assert.equal(isEmailAddress(ok), true, ok);
  for (const bad of ['', 'plain', '@example.com', 'a@', 'a..b@example.com', '.a@example.com', 'a@-x.com', 'a@x..com', 'a b@example.com', 'a@exa mple.com', `${'x'.repeat(65)}@example.com`]) {
    assert.equal(isEmailAddress(bad), false, bad);
  }
});

test('phone numbers: E.164', () => {
  for (const ok of ['+15555550100', '+442071838750', '+12345']) assert.equal(isPhoneNumber(ok), true, ok);
  for (const bad of ['15555550100', '+0123456', '+1 555 555', '+1234567890123456', '+1-555', '+']) assert.equal(isPhoneNumber(bad), false, bad);
});

test('unknown names, sub, and immutable attributes on update are schema issues, all listed', () => {
  const schema = schemaWith(tenant);
  const result = checkAttributeWrites(schema, w({ 'custom:nope': 'x', sub: 'y', 'custom:tenant': 'z', name: 'ok' }), 'update');
  assert.deepEqual(result, {
    ok: false,
    kind: 'schema',
    issues: ['custom:nope: Attribute does not exist in the schema.', 'sub: Attribute cannot be updated.', 'custom:tenant: Attribute cannot be updated.'],
  });
  assert.equal(
    schemaMessage((result as { issues: string[] }).issues.slice(0, 2)),
    'Attributes did not conform to the schema: custom:nope: Attribute does not exist in the schema.\nsub: Attribute cannot be updated.',
  );
});

test('immutable attributes may be set at create; sub never', () => {
  const schema = schemaWith(tenant);
  assert.deepEqual(checkAttributeWrites(schema, w({ 'custom:tenant': 'acme' }), 'create'), { ok: true, values: { 'custom:tenant': 'acme' } });
  assert.equal(checkAttributeWrites(schema, w({ sub: 'x' }), 'create').ok, false);
});

test('values are checked against type and constraints', () => {
  const schema = schemaWith(tenant);
  const issue = (values: Record<string, string>) => {
    const r = checkAttributeWrites(schema, w(values), 'create');
    return r.ok ? 'ok' : r.kind === 'schema' ? r.issues[0] : r.kind;
  };
  assert.equal(issue({ 'custom:tenant': 'way-too-long' }), 'custom:tenant: String must be no longer than 8 characters');
  assert.equal(issue({ birthdate: '1990-1-1' }), 'birthdate: String must be no shorter than 10 characters');
  assert.equal(issue({ birthdate: '1990-01-01' }), 'ok');
  assert.equal(issue({ email_verified: 'maybe' }), 'email_verified: Attribute value must be true or false');
  assert.equal(issue({ updated_at: '-1' }), 'updated_at: Number must be no less than 0');
  assert.equal(issue({ updated_at: 'soon' }), 'updated_at: Attribute value must be a number');
  assert.equal(issue({ email: 'nope' }), 'email');
  assert.equal(issue({ phone_number: '555' }), 'phone');
  // Schema issues are reported before format problems.
  assert.equal(issue({ email: 'nope', 'custom:x': '1' }), 'custom:x: Attribute does not exist in the schema.');
});

test('booleans are stored lower-case; an empty value is dropped at create and means remove on update', () => {
  const schema = schemaWith();
  assert.deepEqual(checkAttributeWrites(schema, w({ email_verified: 'TRUE', name: '' }), 'create'), { ok: true, values: { email_verified: 'true' } });
  assert.deepEqual(checkAttributeWrites(schema, w({ name: '' }), 'update'), { ok: true, values: { name: '' } });
});

test('developer-only attributes answer to dev:custom:x and dev:x', () => {
  const schema = schemaWith(secret);
  assert.equal(findAttribute(schema, 'dev:secret')?.name, 'dev:custom:secret');
  assert.equal(findAttribute(schema, 'dev:custom:secret')?.name, 'dev:custom:secret');
  assert.deepEqual(checkAttributeWrites(schema, w({ 'dev:secret': 's' }), 'update'), { ok: true, values: { 'dev:custom:secret': 's' } });
  assert.equal(findAttribute(schema, 'custom:secret'), undefined);
});

test('a changed contact resets its verified flag unless the same write sets it', () => {
  const current = { email: 'a@x.com', email_verified: 'true', phone_number: '+15550000000', phone_number_verified: 'true' };
  let r = applyAttributeUpdate(current, { email: 'b@x.com' });
  assert.equal(r.attributes.email_verified, 'false');
  assert.equal(r.attributes.phone_number_verified, 'true');
  assert.deepEqual(r.changedContacts, ['email']);
  r = applyAttributeUpdate(current, { email: 'b@x.com', email_verified: 'true' });
  assert.equal(r.attributes.email_verified, 'true');
  r = applyAttributeUpdate(current, { email: 'a@x.com', name: 'A' });
  assert.deepEqual(r.changedContacts, []);
  assert.equal(r.attributes.email_verified, 'true');
  r = applyAttributeUpdate({}, { phone_number: '+15550000001' });
  assert.deepEqual(r.attributes, { phone_number: '+15550000001', phone_number_verified: 'false' });
});

test('removing a contact removes its flag; removing a flag keeps the contact', () => {
  const current = { email: 'a@x.com', email_verified: 'true', name: 'A' };
  let r = applyAttributeDeletes(current, ['email']);
  assert.deepEqual(r.attributes, { name: 'A' });
  assert.deepEqual(r.changedContacts, ['email']);
  r = applyAttributeDeletes(current, ['email_verified']);
  assert.deepEqual(r.attributes, { email: 'a@x.com', name: 'A' });
  assert.deepEqual(r.changedContacts, []);
});

test('missingRequired names required attributes without a value, never sub', () => {
  const schema = schemaWith({ ...STANDARD_ATTRIBUTES.find((a) => a.name === 'email')!, required: true });
  assert.deepEqual(missingRequired(schema, {}), ['email']);
  assert.deepEqual(missingRequired(schema, { email: 'a@b.c' }), []);
});
