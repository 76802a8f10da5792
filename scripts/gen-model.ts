// Generates src/protocol/model.generated.ts from the official Smithy JSON AST of cognito-idp.
//
//   node --import tsx scripts/gen-model.ts [path/to/cognito-identity-provider-2016-04-18.json]
//
// The product and its tests must not need ../shared, so the facts the server relies on (names,
// types, lengths, patterns, enums, required members, error lists, which operations skip SigV4)
// are copied into the project. Documentation and examples are deliberately left out: they are
// prose, not facts, and we do not redistribute them.
//
// The output is a .ts module rather than .json so that tsc, tsx and the built dist/ all load it
// the same way, with no import attributes and no file copied at build time.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const NS = 'com.amazonaws.cognitoidentityprovider#';
const PRELUDE = 'smithy.api#';
const SERVICE = 'AWSCognitoIdentityProviderService';

interface AstRef { target: string }
interface AstShape {
  type: string;
  members?: Record<string, AstRef & { traits?: Record<string, unknown> }>;
  member?: AstRef;
  key?: AstRef;
  value?: AstRef;
  input?: AstRef;
  output?: AstRef;
  errors?: AstRef[];
  operations?: AstRef[];
  traits?: Record<string, unknown>;
}
interface Bounds { min?: number; max?: number }
interface MemberFacts { target: string; required?: true; length?: Bounds; pattern?: string; range?: Bounds; sensitive?: true }
interface ShapeFacts {
  type: string;
  members?: Record<string, MemberFacts>;
  member?: string;
  key?: string;
  value?: string;
  length?: Bounds;
  pattern?: string;
  range?: Bounds;
  enum?: (string | number)[];
  sensitive?: true;
}
interface OperationFacts { input: string; output: string; errors: string[]; unauthenticated: boolean }

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// An explicit path is taken relative to the working directory, the default to the project.
const inputPath = process.argv[2]
  ? resolve(process.argv[2])
  : resolve(root, '../shared/aws-model/cognito-identity-provider-2016-04-18.json');
const outputPath = resolve(root, 'src/protocol/model.generated.ts');

const raw = readFileSync(inputPath);
const ast = JSON.parse(raw.toString('utf8')) as { smithy: string; shapes: Record<string, AstShape> };
if (!ast.smithy?.startsWith('2.')) throw new Error(`expected a Smithy 2 JSON AST, got smithy=${ast.smithy}`);

/** Our short name for a shape id: the model's own names unprefixed, prelude ones by their bare name. */
function shortName(id: string): string {
  if (id.startsWith(NS)) return id.slice(NS.length);
  if (id.startsWith(PRELUDE)) return id.slice(PRELUDE.length);
  throw new Error(`shape outside the cognito namespace and the prelude: ${id}`);
}

/** Prelude shapes have no AST entry; PrimitiveInteger and Integer are the same on the wire. */
function preludeFacts(name: string): ShapeFacts {
  if (name === 'Unit') return { type: 'structure', members: {} };
  const type = name.replace(/^Primitive/, '').toLowerCase();
  const known = ['string', 'boolean', 'byte', 'short', 'integer', 'long', 'float', 'double', 'biginteger', 'bigdecimal', 'blob', 'timestamp', 'document'];
  if (!known.includes(type)) throw new Error(`unsupported prelude shape smithy.api#${name}`);
  return { type: type === 'biginteger' ? 'bigInteger' : type === 'bigdecimal' ? 'bigDecimal' : type };
}

function bounds(v: unknown): Bounds | undefined {
  if (v === undefined) return undefined;
  const b = v as Bounds;
  const out: Bounds = {};
  if (b.min !== undefined) out.min = b.min;
  if (b.max !== undefined) out.max = b.max;
  return out;
}

/** Constraint traits shared by shapes and members, in a fixed key order. */
function constraints(traits: Record<string, unknown>): Pick<ShapeFacts, 'length' | 'pattern' | 'range' | 'sensitive'> {
  const out: Pick<ShapeFacts, 'length' | 'pattern' | 'range' | 'sensitive'> = {};
  const length = bounds(traits['smithy.api#length']);
  if (length) out.length = length;
  if (typeof traits['smithy.api#pattern'] === 'string') out.pattern = traits['smithy.api#pattern'];
  const range = bounds(traits['smithy.api#range']);
  if (range) out.range = range;
  if (traits['smithy.api#sensitive'] !== undefined) out.sensitive = true;
  return out;
}

const shapes = new Map<string, ShapeFacts>();
const pending: string[] = [];
function want(id: string): string {
  const name = shortName(id);
  if (!shapes.has(name) && !pending.includes(id)) pending.push(id);
  return name;
}

function shapeFacts(id: string): ShapeFacts {
  const name = shortName(id);
  if (id.startsWith(PRELUDE)) return preludeFacts(name);
  const s = ast.shapes[id];
  if (!s) throw new Error(`dangling reference to ${id}`);
  const traits = s.traits ?? {};
  const facts: ShapeFacts = { type: s.type };
  switch (s.type) {
    case 'structure':
    case 'union': {
      facts.members = {};
      for (const [m, ref] of Object.entries(s.members ?? {})) {
        const mt = ref.traits ?? {};
        const member: MemberFacts = { target: want(ref.target) };
        if (mt['smithy.api#required'] !== undefined) member.required = true;
        Object.assign(member, constraints(mt));
        facts.members[m] = member;
      }
      break;
    }
    case 'list':
    case 'set':
      facts.member = want(s.member!.target);
      break;
    case 'map':
      facts.key = want(s.key!.target);
      facts.value = want(s.value!.target);
      break;
    case 'enum':
    case 'intEnum':
      // Enum members target smithy.api#Unit; only their values matter.
      facts.enum = Object.entries(s.members ?? {}).map(([m, ref]) => {
        const v = ref.traits?.['smithy.api#enumValue'];
        return typeof v === 'string' || typeof v === 'number' ? v : m;
      });
      break;
    case 'operation':
    case 'service':
    case 'resource':
      throw new Error(`${id} is referenced as a data shape`);
  }
  return Object.assign(facts, constraints(traits));
}

const service = ast.shapes[NS + SERVICE];
if (!service?.operations) throw new Error(`no service shape ${NS + SERVICE}`);

const operations: Record<string, OperationFacts> = {};
for (const ref of [...service.operations].sort((a, b) => cmp(a.target, b.target))) {
  const op = ast.shapes[ref.target];
  if (op?.type !== 'operation') throw new Error(`${ref.target} is not an operation`);
  const auth = op.traits?.['smithy.api#auth'];
  operations[shortName(ref.target)] = {
    input: want(op.input?.target ?? PRELUDE + 'Unit'),
    output: want(op.output?.target ?? PRELUDE + 'Unit'),
    errors: [...(op.errors ?? []), ...(service.errors ?? [])].map((e) => want(e.target)).sort(cmp),
    // `@auth([])` is how the model marks ForgotPassword, SignUp, InitiateAuth & co: no SigV4.
    unauthenticated: Array.isArray(auth) && auth.length === 0,
  };
}
while (pending.length > 0) {
  const id = pending.shift()!;
  const name = shortName(id);
  if (shapes.has(name)) continue;
  if (id.startsWith(PRELUDE) && ast.shapes[NS + name]) throw new Error(`prelude name ${name} collides with a model shape`);
  shapes.set(name, shapeFacts(id));
}

const errors = Object.entries(ast.shapes)
  .filter(([, s]) => s.type === 'structure' && s.traits?.['smithy.api#error'] !== undefined)
  .map(([id]) => shortName(id))
  .sort(cmp);
for (const e of errors) {
  if (!shapes.has(e)) throw new Error(`error ${e} is not reachable from any operation`);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// One line per operation and per shape: compact, yet a model update diffs line by line.
function block(entries: [string, unknown][]): string {
  return '{\n' + entries.map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n') + ',\n }';
}
const sha256 = createHash('sha256').update(raw).digest('hex');
const sortedShapes = [...shapes.entries()].sort(([a], [b]) => cmp(a, b));
const text = `// GENERATED by scripts/gen-model.ts; do not edit. Re-run \`npm run gen:model\` instead.
// Facts (names, types, constraints, error lists) from the official Smithy model of cognito-idp,
// https://github.com/aws/api-models-aws (Apache-2.0, Copyright Amazon.com, Inc. or its affiliates).
// Source: ${relative(root, inputPath).replaceAll('\\', '/')} sha256 ${sha256}

export interface Bounds { readonly min?: number; readonly max?: number }
export interface MemberFacts {
  readonly target: string;
  readonly required?: true;
  readonly length?: Bounds;
  readonly pattern?: string;
  readonly range?: Bounds;
  readonly sensitive?: true;
}
export interface ShapeFacts {
  readonly type: string;
  readonly members?: Readonly<Record<string, MemberFacts>>;
  readonly member?: string;
  readonly key?: string;
  readonly value?: string;
  readonly length?: Bounds;
  readonly pattern?: string;
  readonly range?: Bounds;
  readonly enum?: readonly (string | number)[];
  readonly sensitive?: true;
}
export interface OperationFacts {
  readonly input: string;
  readonly output: string;
  readonly errors: readonly string[];
  readonly unauthenticated: boolean;
}
export interface ModelFacts {
  readonly service: string;
  readonly operations: Readonly<Record<string, OperationFacts>>;
  readonly shapes: Readonly<Record<string, ShapeFacts>>;
  readonly errors: readonly string[];
}

export const model: ModelFacts = {
 "service": ${JSON.stringify(SERVICE)},
 "operations": ${block(Object.entries(operations))},
 "shapes": ${block(sortedShapes)},
 "errors": ${JSON.stringify(errors)},
};
`;
writeFileSync(outputPath, text);
console.log(
  `wrote ${relative(root, outputPath)}: ${Object.keys(operations).length} operations, ${shapes.size} shapes, ` +
    `${errors.length} errors, ${text.length} bytes`,
);
