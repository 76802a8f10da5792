// User attributes against a pool's schema: which names exist, which can change, what a value
// must look like. Pure: the operations turn the results into Cognito's exceptions.

export type AttributeDataType = 'String' | 'Number' | 'DateTime' | 'Boolean';

/** One attribute of a pool's schema, under the name the user APIs use (email, custom:tier). */
export interface AttributeDefinition {
  name: string;
  dataType: AttributeDataType;
  mutable: boolean;
  required: boolean;
  developerOnly: boolean;
  minLength?: number;
  maxLength?: number;
  minValue?: number;
  maxValue?: number;
}

/** A pool's schema keyed by attribute name. */
export type AttributeSchema = ReadonlyMap<string, AttributeDefinition>;

function standard(name: string, extra: Partial<AttributeDefinition> = {}): AttributeDefinition {
  return { name, dataType: 'String', mutable: true, required: false, developerOnly: false, minLength: 0, maxLength: 2048, ...extra };
}

/** Cognito's standard attributes as DescribeUserPool lists them for a pool created without a schema. */
export const STANDARD_ATTRIBUTES: readonly AttributeDefinition[] = [
  standard('sub', { mutable: false, required: true, minLength: 1 }),
  standard('name'),
  standard('given_name'),
  standard('family_name'),
  standard('middle_name'),
  standard('nickname'),
  standard('preferred_username'),
  standard('profile'),
  standard('picture'),
  standard('website'),
  standard('email'),
  { name: 'email_verified', dataType: 'Boolean', mutable: true, required: false, developerOnly: false },
  standard('gender'),
  standard('birthdate', { minLength: 10, maxLength: 10 }),
  standard('zoneinfo'),
  standard('locale'),
  standard('phone_number'),
  { name: 'phone_number_verified', dataType: 'Boolean', mutable: true, required: false, developerOnly: false },
  standard('address'),
  { name: 'updated_at', dataType: 'Number', mutable: true, required: false, developerOnly: false, minValue: 0 },
];

export const STANDARD_ATTRIBUTE_NAMES: ReadonlySet<string> = new Set(STANDARD_ATTRIBUTES.map((a) => a.name));

/** The verification flag that belongs to a contact attribute. */
export const VERIFIED_FLAG: Readonly<Record<string, string>> = { email: 'email_verified', phone_number: 'phone_number_verified' };

/**
 * Finds an attribute. Developer-only attributes are named dev:custom:<x> in the older docs and
 * dev:<x> in the newer; both spellings reach the same definition.
 */
export function findAttribute(schema: AttributeSchema, name: string): AttributeDefinition | undefined {
  const direct = schema.get(name);
  if (direct) return direct;
  if (name.startsWith('dev:') && !name.startsWith('dev:custom:')) return schema.get(`dev:custom:${name.slice(4)}`);
  return undefined;
}

// Addresses as mail systems accept them: a dot-atom local part and a host name. Quoted local
// parts and address literals are refused; no real sign-up uses them.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

export function isEmailAddress(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0 || at === value.length - 1 || value.length > 254) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (local.length > 64 || !LOCAL.test(local)) return false;
  return domain.split('.').every((label) => LABEL.test(label));
}

/** E.164: a plus sign and up to 15 digits, no leading zero. */
export function isPhoneNumber(value: string): boolean {
  return /^\+[1-9][0-9]{4,14}$/.test(value);
}

export type AttributeWriteMode = 'create' | 'update';

export type AttributeWriteResult =
  | { ok: true; values: Record<string, string> }
  | { ok: false; kind: 'schema'; issues: string[] }
  | { ok: false; kind: 'email' | 'phone' };

/**
 * Checks attributes an admin writes. At create, immutable attributes may be given (once); at
 * update they may not. `sub` is never written. An empty value means "remove" on update and is
 * dropped at create. Returns the values keyed by canonical name, or what is wrong.
 */
export function checkAttributeWrites(
  schema: AttributeSchema,
  attributes: ReadonlyArray<{ name: string; value: string }>,
  mode: AttributeWriteMode,
): AttributeWriteResult {
  const issues: string[] = [];
  const values: Record<string, string> = {};
  let format: 'email' | 'phone' | undefined;
  for (const { name, value } of attributes) {
    const def = findAttribute(schema, name);
    if (!def) {
      issues.push(`${name}: Attribute does not exist in the schema.`);
      continue;
    }
    if (def.name === 'sub' || (mode === 'update' && !def.mutable)) {
      issues.push(`${name}: Attribute cannot be updated.`);
      continue;
    }
    if (value === '') {
      if (mode === 'update') values[def.name] = '';
      continue;
    }
    const problem = valueProblem(def, value);
    if (problem) {
      issues.push(`${name}: ${problem}`);
      continue;
    }
    if (def.name === 'email' && !isEmailAddress(value)) format ??= 'email';
    if (def.name === 'phone_number' && !isPhoneNumber(value)) format ??= 'phone';
    // Later entries for the same name win, as they would in a JSON object.
    values[def.name] = def.dataType === 'Boolean' ? value.toLowerCase() : value;
  }
  if (issues.length > 0) return { ok: false, kind: 'schema', issues };
  if (format) return { ok: false, kind: format };
  return { ok: true, values };
}

function valueProblem(def: AttributeDefinition, value: string): string | undefined {
  const length = [...value].length;
  if (def.dataType === 'Boolean') {
    return /^(true|false)$/i.test(value) ? undefined : 'Attribute value must be true or false';
  }
  if (def.dataType === 'Number') {
    if (!/^-?[0-9]+(\.[0-9]+)?$/.test(value)) return 'Attribute value must be a number';
    const n = Number(value);
    if (def.minValue !== undefined && n < def.minValue) return `Number must be no less than ${def.minValue}`;
    if (def.maxValue !== undefined && n > def.maxValue) return `Number must be no greater than ${def.maxValue}`;
    return undefined;
  }
  if (def.minLength !== undefined && length < def.minLength) return `String must be no shorter than ${def.minLength} characters`;
  if (def.maxLength !== undefined && length > def.maxLength) return `String must be no longer than ${def.maxLength} characters`;
  return undefined;
}

/** Required attributes (other than sub, which the server supplies) that have no value. */
export function missingRequired(schema: AttributeSchema, attributes: Readonly<Record<string, string>>): string[] {
  const missing: string[] = [];
  for (const def of schema.values()) {
    if (def.required && def.name !== 'sub' && !attributes[def.name]) missing.push(def.name);
  }
  return missing;
}

/** The InvalidParameterException message for schema issues, one line per attribute. */
export function schemaMessage(issues: readonly string[]): string {
  return `Attributes did not conform to the schema: ${issues.join('\n')}`;
}

export function requiredIssue(name: string): string {
  return `${name}: The attribute is required`;
}

export interface AttributeUpdate {
  attributes: Record<string, string>;
  /** Contact attributes (email, phone_number) whose value changed or went away. */
  changedContacts: string[];
}

/**
 * Applies checked writes to a user's attributes. An empty value removes the attribute. A new
 * email or phone number is not verified unless the same request says so (Cognito resets
 * `*_verified` on change); a removed one takes its flag with it.
 */
export function applyAttributeUpdate(current: Readonly<Record<string, string>>, writes: Readonly<Record<string, string>>): AttributeUpdate {
  const attributes: Record<string, string> = { ...current };
  for (const [name, value] of Object.entries(writes)) {
    if (value === '') delete attributes[name];
    else attributes[name] = value;
  }
  const changedContacts: string[] = [];
  for (const [contact, flag] of Object.entries(VERIFIED_FLAG)) {
    if (current[contact] === attributes[contact]) continue;
    changedContacts.push(contact);
    if (writes[flag] !== undefined && writes[flag] !== '') continue;
    if (attributes[contact] === undefined) delete attributes[flag];
    else attributes[flag] = 'false';
  }
  return { attributes, changedContacts };
}

/** Removes attributes by name; a removed email or phone number takes its verified flag along. */
export function applyAttributeDeletes(current: Readonly<Record<string, string>>, names: readonly string[]): AttributeUpdate {
  const writes: Record<string, string> = {};
  for (const name of names) writes[name] = '';
  return applyAttributeUpdate(current, writes);
}
