// A pool's attribute schema in domain terms, and the checks every operation that writes user
// attributes shares (AdminCreateUser, AdminUpdateUserAttributes, later SignUp and
// UpdateUserAttributes), turned into Cognito's exceptions.
import type { AttributeType, SchemaAttributeType } from '@aws-sdk/client-cognito-identity-provider';
import {
  checkAttributeWrites,
  STANDARD_ATTRIBUTES,
  STANDARD_ATTRIBUTE_NAMES,
  schemaMessage,
  type AttributeDataType,
  type AttributeDefinition,
  type AttributeSchema,
  type AttributeWriteMode,
} from '../../domain/attributes.js';
import { InvalidParameterException } from '../exceptions.js';
import type { Pool } from './pools.js';

const schemas = new WeakMap<object, AttributeSchema>();

/**
 * The pool's schema: Cognito's standard attributes, overridden and extended by the pool's
 * SchemaAttributes (UserPoolType, what CreateUserPool stores and DescribeUserPool returns).
 * Cached per settings object.
 */
export function schemaOf(pool: Pool): AttributeSchema {
  const cached = schemas.get(pool.settings);
  if (cached) return cached;
  const map = new Map<string, AttributeDefinition>(STANDARD_ATTRIBUTES.map((a) => [a.name, a]));
  for (const attr of pool.settings.SchemaAttributes ?? []) {
    const def = toDefinition(attr);
    if (def) map.set(def.name, def);
  }
  schemas.set(pool.settings, map);
  return map;
}

function toDefinition(attr: SchemaAttributeType): AttributeDefinition | undefined {
  if (!attr.Name) return undefined;
  const name = canonicalName(attr.Name, attr.DeveloperOnlyAttribute === true);
  const base = STANDARD_ATTRIBUTES.find((a) => a.name === name);
  const def: AttributeDefinition = {
    name,
    dataType: (attr.AttributeDataType as AttributeDataType | undefined) ?? base?.dataType ?? 'String',
    // Cognito: custom attributes are mutable unless created with Mutable false.
    mutable: attr.Mutable ?? base?.mutable ?? true,
    required: attr.Required ?? base?.required ?? false,
    developerOnly: attr.DeveloperOnlyAttribute ?? false,
  };
  const s = attr.StringAttributeConstraints;
  const minLength = toNumber(s?.MinLength) ?? base?.minLength;
  const maxLength = toNumber(s?.MaxLength) ?? base?.maxLength ?? (def.dataType === 'String' ? 2048 : undefined);
  if (minLength !== undefined) def.minLength = minLength;
  if (maxLength !== undefined) def.maxLength = maxLength;
  const n = attr.NumberAttributeConstraints;
  const minValue = toNumber(n?.MinValue) ?? base?.minValue;
  const maxValue = toNumber(n?.MaxValue) ?? base?.maxValue;
  if (minValue !== undefined) def.minValue = minValue;
  if (maxValue !== undefined) def.maxValue = maxValue;
  return def;
}

/** custom:x for custom attributes, dev:custom:x for developer-only ones, standard names as is. */
function canonicalName(name: string, developerOnly: boolean): string {
  const bare = name.replace(/^dev:/, '').replace(/^custom:/, '');
  if (developerOnly) return `dev:custom:${bare}`;
  if (name.startsWith('custom:')) return name;
  // `identities` is listed by DescribeUserPool beside the standard attributes (federation fills it).
  return STANDARD_ATTRIBUTE_NAMES.has(name) || name === 'identities' ? name : `custom:${name}`;
}

function toNumber(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * Checks attributes written by a request against the pool's schema and the email and phone
 * formats; throws InvalidParameterException with Cognito's messages.
 */
export function checkedAttributeWrites(pool: Pool, attributes: AttributeType[] | undefined, mode: AttributeWriteMode): Record<string, string> {
  const list = (attributes ?? []).map((a) => ({ name: a.Name!, value: a.Value ?? '' }));
  const result = checkAttributeWrites(schemaOf(pool), list, mode);
  if (result.ok) return result.values;
  if (result.kind === 'schema') throw new InvalidParameterException(schemaMessage(result.issues));
  throw new InvalidParameterException(result.kind === 'email' ? 'Invalid email address format.' : 'Invalid phone number format.');
}
