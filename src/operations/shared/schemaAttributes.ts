// A pool's attribute schema in Cognito's wire shape (SchemaAttributeType), as CreateUserPool
// and AddCustomAttributes build it and DescribeUserPool returns it: every standard attribute
// with Cognito's own settings, overridden where the request's Schema names a standard
// attribute, followed by the custom attributes under their custom: (or dev:custom:) names.
import type { SchemaAttributeType } from '@aws-sdk/client-cognito-identity-provider';
import { STANDARD_ATTRIBUTES, type AttributeDefinition } from '../../domain/attributes.js';
import { InvalidParameterException } from '../exceptions.js';

/** Cognito's quota: custom attributes per pool (standard attributes do not count). */
export const MAX_CUSTOM_ATTRIBUTES = 50;

/** Cognito's ceiling for a string attribute's length constraints. */
const MAX_STRING_LENGTH = 2048;

function toWire(def: AttributeDefinition): SchemaAttributeType {
  const attr: SchemaAttributeType = {
    Name: def.name,
    AttributeDataType: def.dataType,
    DeveloperOnlyAttribute: def.developerOnly,
    Mutable: def.mutable,
    Required: def.required,
  };
  if (def.dataType === 'String') {
    attr.StringAttributeConstraints = {
      ...(def.minLength !== undefined && { MinLength: String(def.minLength) }),
      ...(def.maxLength !== undefined && { MaxLength: String(def.maxLength) }),
    };
  }
  if (def.dataType === 'Number') {
    attr.NumberAttributeConstraints = {
      ...(def.minValue !== undefined && { MinValue: String(def.minValue) }),
      ...(def.maxValue !== undefined && { MaxValue: String(def.maxValue) }),
    };
  }
  return attr;
}

// `identities` closes the list DescribeUserPool shows: Cognito fills it for federated users,
// and reports it with empty string constraints.
const IDENTITIES: SchemaAttributeType = {
  Name: 'identities',
  AttributeDataType: 'String',
  DeveloperOnlyAttribute: false,
  Mutable: true,
  Required: false,
  StringAttributeConstraints: {},
};

/** The standard attributes in Cognito's order, as fresh objects the caller may change. */
export function standardSchema(): SchemaAttributeType[] {
  return [...STANDARD_ATTRIBUTES.map(toWire), structuredClone(IDENTITIES)];
}

const STANDARD_NAMES: ReadonlySet<string> = new Set(standardSchema().map((a) => a.Name!));

export function isCustomAttributeName(name: string): boolean {
  return name.startsWith('custom:') || name.startsWith('dev:');
}

export function customAttributeCount(schema: readonly SchemaAttributeType[]): number {
  return schema.filter((a) => isCustomAttributeName(a.Name ?? '')).length;
}

/**
 * Checks the constraints given for an attribute of `dataType` and returns the ones to store.
 * Constraints of the other kind are dropped, as Cognito does: they never apply.
 */
function checkConstraints(fullName: string, dataType: string, input: SchemaAttributeType): Pick<SchemaAttributeType, 'StringAttributeConstraints' | 'NumberAttributeConstraints'> {
  if (dataType === 'String' && input.StringAttributeConstraints) {
    const { MinLength, MaxLength } = input.StringAttributeConstraints;
    const min = lengthBound(fullName, MinLength);
    const max = lengthBound(fullName, MaxLength);
    if (min !== undefined && max !== undefined && min > max) {
      throw new InvalidParameterException(`Attribute ${fullName} cannot have a max length shorter than it's min length`);
    }
    return { StringAttributeConstraints: { ...(MinLength !== undefined && { MinLength }), ...(MaxLength !== undefined && { MaxLength }) } };
  }
  if (dataType === 'Number' && input.NumberAttributeConstraints) {
    const { MinValue, MaxValue } = input.NumberAttributeConstraints;
    const min = numberBound(fullName, MinValue);
    const max = numberBound(fullName, MaxValue);
    if (min !== undefined && max !== undefined && min > max) {
      throw new InvalidParameterException(`Attribute ${fullName} cannot have a max value smaller than it's min value`);
    }
    return { NumberAttributeConstraints: { ...(MinValue !== undefined && { MinValue }), ...(MaxValue !== undefined && { MaxValue }) } };
  }
  return {};
}

function lengthBound(fullName: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^[0-9]{1,10}$/.test(raw)) throw new InvalidParameterException(`Invalid StringAttributeConstraints for schema attribute ${fullName}`);
  const n = Number(raw);
  if (n > MAX_STRING_LENGTH) throw new InvalidParameterException(`user.${fullName}: String attributes cannot have a length of more than ${MAX_STRING_LENGTH}`);
  return n;
}

function numberBound(fullName: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  // Integers only, and small enough to compare exactly.
  if (!/^-?[0-9]{1,15}$/.test(raw)) throw new InvalidParameterException(`Invalid NumberAttributeConstraints for schema attribute ${fullName}`);
  return Number(raw);
}

/** The stored form of a custom attribute from a Schema or CustomAttributes entry. */
export function customAttribute(input: SchemaAttributeType): SchemaAttributeType {
  // Cognito differs: a Name already carrying "custom:" is taken to mean that attribute rather
  // than custom:custom:<name>, which nobody intends.
  const base = input.Name!.startsWith('custom:') ? input.Name!.slice('custom:'.length) : input.Name!;
  const developerOnly = input.DeveloperOnlyAttribute === true;
  // Developer-only attributes are named dev:custom:<name>, the spelling the user APIs key on.
  const fullName = `${developerOnly ? 'dev:' : ''}custom:${base}`;
  if (base === '') throw new InvalidParameterException('Schema attribute name is required.');
  if (!input.AttributeDataType) {
    throw new InvalidParameterException('Invalid AttributeDataType input, consider using the provided AttributeDataType enum.');
  }
  if (input.Required === true) throw new InvalidParameterException('Required custom attributes are not supported currently.');
  const constraints = checkConstraints(fullName, input.AttributeDataType, input);
  return {
    Name: fullName,
    AttributeDataType: input.AttributeDataType,
    DeveloperOnlyAttribute: developerOnly,
    Mutable: input.Mutable ?? true,
    Required: false,
    // A string attribute declared without limits is reported with empty constraints.
    ...(input.AttributeDataType === 'String' && { StringAttributeConstraints: {} }),
    ...constraints,
  };
}

/** A standard attribute as a Schema entry may adjust it: Required, Mutable and its limits only. */
function adjustStandard(standard: SchemaAttributeType, input: SchemaAttributeType): SchemaAttributeType {
  const name = standard.Name!;
  if ((input.AttributeDataType !== undefined && input.AttributeDataType !== standard.AttributeDataType) || input.DeveloperOnlyAttribute === true) {
    throw new InvalidParameterException(`You can not change AttributeDataType or set developerOnlyAttribute for standard schema attribute ${name}`);
  }
  const constraints = checkConstraints(name, standard.AttributeDataType!, input);
  const adjusted: SchemaAttributeType = {
    ...standard,
    Mutable: input.Mutable ?? standard.Mutable,
    Required: input.Required ?? standard.Required,
  };
  // Given limits refine Cognito's; the ones not given keep Cognito's values.
  if (constraints.StringAttributeConstraints) {
    adjusted.StringAttributeConstraints = { ...standard.StringAttributeConstraints, ...constraints.StringAttributeConstraints };
  }
  if (constraints.NumberAttributeConstraints) {
    adjusted.NumberAttributeConstraints = { ...standard.NumberAttributeConstraints, ...constraints.NumberAttributeConstraints };
  }
  return adjusted;
}

function duplicate(name: string): InvalidParameterException {
  return isCustomAttributeName(name)
    ? new InvalidParameterException(`Duplicate custom attribute names ${name} are not allowed in a user pool schema.`)
    : new InvalidParameterException(`Duplicate attribute names ${name} are not allowed in a user pool schema.`);
}

// Cognito differs: the wording of this refusal is not on record; the limit of 50 is documented.
function tooMany(): InvalidParameterException {
  return new InvalidParameterException(`A user pool can have at most ${MAX_CUSTOM_ATTRIBUTES} custom attributes.`);
}

/** The schema of a new pool: the standard attributes, adjusted by `input`, then its custom ones. */
export function buildPoolSchema(input: readonly SchemaAttributeType[] | undefined): SchemaAttributeType[] {
  const schema = standardSchema();
  const seen = new Set<string>();
  for (const entry of input ?? []) {
    if (!entry.Name) throw new InvalidParameterException('Schema attribute name is required.');
    const index = STANDARD_NAMES.has(entry.Name) ? schema.findIndex((a) => a.Name === entry.Name) : -1;
    const attr = index >= 0 ? adjustStandard(schema[index]!, entry) : customAttribute(entry);
    if (seen.has(attr.Name!)) throw duplicate(attr.Name!);
    seen.add(attr.Name!);
    if (index >= 0) schema[index] = attr;
    else schema.push(attr);
  }
  if (customAttributeCount(schema) > MAX_CUSTOM_ATTRIBUTES) throw tooMany();
  return schema;
}

/**
 * The schema after AddCustomAttributes: the new attributes appended. Only custom attributes
 * can be added, so a standard attribute never becomes required after the pool exists.
 */
export function withCustomAttributes(schema: readonly SchemaAttributeType[], input: readonly SchemaAttributeType[]): SchemaAttributeType[] {
  const next = schema.map((a) => structuredClone(a));
  const existing = new Set(next.map((a) => a.Name!));
  const added = new Set<string>();
  for (const entry of input) {
    if (!entry.Name) throw new InvalidParameterException('Schema attribute name is required.');
    const attr = customAttribute(entry);
    const name = attr.Name!;
    if (added.has(name)) throw duplicate(name);
    if (existing.has(name)) {
      throw new InvalidParameterException(`${name.replace(/^dev:/, '')}: Existing attribute already has name ${name}.`);
    }
    added.add(name);
    next.push(attr);
  }
  if (customAttributeCount(next) > MAX_CUSTOM_ATTRIBUTES) throw tooMany();
  return next;
}

/** Every attribute name a client may be given read or write access to. */
export function schemaAttributeNames(schema: readonly SchemaAttributeType[] | undefined): Set<string> {
  return new Set((schema ?? standardSchema()).map((a) => a.Name!));
}
