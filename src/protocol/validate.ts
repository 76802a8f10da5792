// Input validation against the official model, answered the way Cognito's (Coral) front end
// answers it: InvalidParameterException with
//   "2 validation errors detected: Value null at 'clientId' failed to satisfy constraint:
//    Member must not be null; Value at 'password' failed to satisfy constraint: ..."
//
// Conventions, chosen to match Coral where we know its output and to be predictable elsewhere:
// - Paths are member names with the first letter lower-cased, joined by '.'; list items are
//   '<list>.<N>.member' with N counted from 1 (Coral's own form: userAttributes.1.member.name).
// - Maps are reported at the map's path, never at a key: keys are caller text and may be
//   secrets (AuthParameters). Failing entries are folded into at most one
//   "Map keys must satisfy constraint: [...]" and one "Map value must satisfy constraint: [...]"
//   violation, in Coral's wording. Every map in the cognito-idp model is string to string.
// - Values are echoed ('Value 'x' at') only for non-sensitive strings and numbers. A member is
//   sensitive when its shape or member is, or when anything enclosing it is (a PASSWORD inside
//   the sensitive AuthParameters map). Username and ClientId are sensitive in the model.
// - JSON null is the same as an absent member, as in every AWS JSON protocol.
// - Wrong JSON types are violations too ("Member must be of type string"). Cognito differs:
//   AWS answers some of these with SerializationException; one error kind is simpler to handle.
// - Violations come in model member order; each failing constraint is its own violation.
import { model, type MemberFacts, type OperationFacts, type ShapeFacts } from './model.generated.js';

export type { OperationFacts };

/** Deeper nesting is refused rather than walked; no cognito-idp shape nests half as deep. */
const MAX_DEPTH = 32;
/** The message lists this many violations; the count in front is still the full count. */
const MAX_LISTED = 100;

export function isKnownOperation(name: string): boolean {
  return Object.hasOwn(model.operations, name);
}

export function operationFacts(name: string): OperationFacts | undefined {
  return isKnownOperation(name) ? model.operations[name] : undefined;
}

/** Every exception name the model defines. */
export const modelErrorNames: ReadonlySet<string> = new Set(model.errors);

const errorSets = new Map<string, ReadonlySet<string>>();
const NO_ERRORS: ReadonlySet<string> = new Set();

/** The exceptions the model lists for an operation (empty for an unknown name). */
export function operationErrors(name: string): ReadonlySet<string> {
  const facts = operationFacts(name);
  if (!facts) return NO_ERRORS;
  let set = errorSets.get(name);
  if (!set) errorSets.set(name, (set = new Set(facts.errors)));
  return set;
}

interface Violation {
  path: string;
  /** undefined: not shown ("Value at"); null: "Value null at"; else "Value '<shown>' at". */
  shown: string | null | undefined;
  constraint: string;
}
interface Walk {
  count: number;
  listed: Violation[];
}

/**
 * Validates a parsed JSON body against the operation's input shape. Returns null when it is
 * valid, else the InvalidParameterException message. The caller maps an empty body to {} and
 * must only pass operations for which isKnownOperation is true.
 */
export function validateInput(operation: string, input: unknown): string | null {
  const facts = operationFacts(operation);
  if (!facts) throw new Error(`validateInput: ${operation} is not an operation of the model`);
  if (!isObject(input)) return '1 validation error detected: Request body failed to satisfy constraint: Must be a JSON object';
  const walk: Walk = { count: 0, listed: [] };
  check(walk, facts.input, input, '', false, 0, undefined);
  if (walk.count === 0) return null;
  const head = `${walk.count} validation error${walk.count === 1 ? '' : 's'} detected: `;
  return head + walk.listed.map(describe).join('; ');
}

function describe(v: Violation): string {
  const value = v.shown === undefined ? 'Value' : v.shown === null ? 'Value null' : `Value '${v.shown}'`;
  return `${value} at '${v.path}' failed to satisfy constraint: ${v.constraint}`;
}

function report(walk: Walk, path: string, shown: string | null | undefined, constraint: string): void {
  walk.count++;
  if (walk.listed.length < MAX_LISTED) walk.listed.push({ path, shown, constraint });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function shape(name: string): ShapeFacts {
  const s = model.shapes[name];
  // The generator only emits closed graphs, so this is a bug in it, not in the request.
  if (!s) throw new Error(`model.generated.ts has no shape ${name}`);
  return s;
}

function memberPath(parent: string, member: string): string {
  const name = member.charAt(0).toLowerCase() + member.slice(1);
  return parent === '' ? name : `${parent}.${name}`;
}

function check(walk: Walk, shapeName: string, value: unknown, path: string, inSensitive: boolean, depth: number, member: MemberFacts | undefined): void {
  const s = shape(shapeName);
  const sensitive = inSensitive || s.sensitive === true || member?.sensitive === true;
  // Member-level constraints refine the target's (none in cognito-idp today).
  const length = member?.length ?? s.length;
  const range = member?.range ?? s.range;
  const pattern = member?.pattern ?? s.pattern;
  const typeError = (type: string): void => report(walk, path, undefined, `Member must be of type ${type}`);
  const shown = (v: string | number): string | undefined => (sensitive ? undefined : String(v));

  switch (s.type) {
    case 'structure':
    case 'union': {
      if (!isObject(value)) return typeError('structure');
      if (depth >= MAX_DEPTH) return report(walk, path, undefined, `Member must not be nested more than ${MAX_DEPTH} levels deep`);
      for (const [name, m] of Object.entries(s.members ?? {})) {
        const v = Object.hasOwn(value, name) ? value[name] : undefined;
        const p = memberPath(path, name);
        if (v === undefined || v === null) {
          if (m.required) report(walk, p, null, 'Member must not be null');
        } else {
          check(walk, m.target, v, p, sensitive, depth + 1, m);
        }
      }
      return;
    }
    case 'list':
    case 'set': {
      if (!Array.isArray(value)) return typeError('list');
      if (depth >= MAX_DEPTH) return report(walk, path, undefined, `Member must not be nested more than ${MAX_DEPTH} levels deep`);
      checkLength(walk, path, undefined, value.length, length);
      for (let i = 0; i < value.length; i++) {
        const p = `${path}.${i + 1}.member`;
        const item: unknown = value[i];
        if (item === null || item === undefined) report(walk, p, null, 'Member must not be null');
        else check(walk, s.member!, item, p, sensitive, depth + 1, undefined);
      }
      return;
    }
    case 'map':
      if (!isObject(value)) return typeError('map');
      if (depth >= MAX_DEPTH) return report(walk, path, undefined, `Member must not be nested more than ${MAX_DEPTH} levels deep`);
      return checkMap(walk, s, value, path, sensitive, depth, length);
    case 'string':
      if (typeof value !== 'string') return typeError('string');
      checkLength(walk, path, shown(value), codePointLength(value), length);
      if (pattern !== undefined && patternMatcher(pattern)?.(value) === false) {
        report(walk, path, shown(value), `Member must satisfy regular expression pattern: ${pattern}`);
      }
      return;
    case 'enum':
    case 'intEnum': {
      const ok = s.type === 'enum' ? typeof value === 'string' : Number.isInteger(value);
      if (!ok) return typeError(s.type === 'enum' ? 'string' : 'integer');
      if (!s.enum!.includes(value as string | number)) {
        report(walk, path, shown(value as string | number), `Member must satisfy enum value set: [${s.enum!.join(', ')}]`);
      }
      return;
    }
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
    case 'bigInteger':
      if (!isInteger(value, s.type)) return typeError(s.type);
      return checkRange(walk, path, shown(value), value, range);
    case 'float':
    case 'double':
    case 'bigDecimal':
      if (typeof value !== 'number' || !Number.isFinite(value)) return typeError(s.type);
      return checkRange(walk, path, shown(value), value, range);
    case 'boolean':
      if (typeof value !== 'boolean') typeError('boolean');
      return;
    case 'timestamp':
      // awsJson1_1 sends timestamps as epoch seconds.
      if (typeof value !== 'number' || !Number.isFinite(value)) typeError('timestamp');
      return;
    case 'blob': {
      if (typeof value !== 'string' || !BASE64.test(value)) return typeError('blob (base64 string)');
      const bytes = (value.length / 4) * 3 - (value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0);
      return checkLength(walk, path, undefined, bytes, length);
    }
    default:
      // document: any JSON value is allowed.
      return;
  }
}

function checkMap(
  walk: Walk,
  s: ShapeFacts,
  value: Record<string, unknown>,
  path: string,
  sensitive: boolean,
  depth: number,
  length: ShapeFacts['length'],
): void {
  const keys = Object.keys(value);
  checkLength(walk, path, undefined, keys.length, length);
  const keyFailures = new Set<string>();
  const valueFailures = new Set<string>();
  for (const key of keys) {
    const k: Walk = { count: 0, listed: [] };
    check(k, s.key!, key, '', true, depth + 1, undefined);
    for (const v of k.listed) keyFailures.add(v.constraint);
    const entry = value[key];
    if (entry === null || entry === undefined) {
      valueFailures.add('Member must not be null');
      continue;
    }
    const w: Walk = { count: 0, listed: [] };
    check(w, s.value!, entry, '', sensitive, depth + 1, undefined);
    for (const v of w.listed) valueFailures.add(v.constraint);
  }
  if (keyFailures.size > 0) report(walk, path, undefined, `Map keys must satisfy constraint: [${[...keyFailures].join(', ')}]`);
  if (valueFailures.size > 0) report(walk, path, undefined, `Map value must satisfy constraint: [${[...valueFailures].join(', ')}]`);
}

function checkLength(walk: Walk, path: string, shown: string | undefined, n: number, length: ShapeFacts['length']): void {
  if (!length) return;
  if (length.max !== undefined && n > length.max) report(walk, path, shown, `Member must have length less than or equal to ${length.max}`);
  if (length.min !== undefined && n < length.min) report(walk, path, shown, `Member must have length greater than or equal to ${length.min}`);
}

function checkRange(walk: Walk, path: string, shown: string | undefined, n: number, range: ShapeFacts['range']): void {
  if (!range) return;
  if (range.max !== undefined && n > range.max) report(walk, path, shown, `Member must have value less than or equal to ${range.max}`);
  if (range.min !== undefined && n < range.min) report(walk, path, shown, `Member must have value greater than or equal to ${range.min}`);
}

const INT_BOUNDS: Record<string, number> = { byte: 2 ** 7, short: 2 ** 15, integer: 2 ** 31 };

function isInteger(v: unknown, type: string): v is number {
  if (typeof v !== 'number' || !Number.isInteger(v)) return false;
  const bound = INT_BOUNDS[type];
  return bound === undefined || (v >= -bound && v < bound);
}

// Padded standard base64, as the AWS SDKs send blobs. No alternation can backtrack here.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Smithy lengths count Unicode code points, not UTF-16 units. */
function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length - 1; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

// ---- Patterns -------------------------------------------------------------------------------
// The model's patterns are Java regexes with search semantics (Smithy patterns are not anchored
// implicitly; most in cognito-idp carry their own ^...$). Two things keep them safe and faithful:
// - Java's \s is ASCII whitespace; JavaScript's also takes NBSP and other Unicode spaces, which
//   would reject passwords Cognito accepts (PasswordType is ^[\S]+$). \s and \S are rewritten.
// - Backtracking is not bounded: EmailVerificationMessageByLinkType
//   (^[C*]*\{##[C*]*##\}[C*]*$, up to 20000 chars, C containing '{' and '#') takes tens of
//   seconds on a crafted string, EmailAddressType seconds. Patterns that are a plain sequence
//   of single-character atoms with quantifiers (all of cognito-idp's but a few bounded ARN and
//   domain ones) run on a small NFA instead, in time linear in the input.

type Matcher = (s: string) => boolean;
const matchers = new Map<string, Matcher | null>();

/**
 * The matcher for a model pattern, compiled once. null when the pattern cannot be compiled in
 * JavaScript at all; the constraint is then not enforced (a test keeps the model free of these).
 */
export function patternMatcher(javaPattern: string): Matcher | null {
  let m = matchers.get(javaPattern);
  if (m === undefined) {
    m = compilePattern(javaPattern);
    matchers.set(javaPattern, m);
  }
  return m;
}

const JAVA_WS = '\\t\\n\\x0B\\f\\r ';

function compilePattern(javaPattern: string): Matcher | null {
  const translated = translate(javaPattern);
  if (!translated) return null;
  const { source, flags } = translated;
  // `u` is needed for \p{L} and code-point semantics; a pattern valid only without it still runs.
  for (const unicode of [true, false]) {
    let re: RegExp;
    try {
      re = new RegExp(source, flags + (unicode ? 'u' : ''));
    } catch {
      continue;
    }
    return linearMatcher(source, flags, unicode) ?? ((s) => re.test(s));
  }
  return null;
}

/** Java syntax JavaScript lacks or reads differently: leading inline flags, \s and \S. */
function translate(pattern: string): { source: string; flags: string } | null {
  let flags = '';
  // The model has "^(?s)" (SmsInviteMessageType): flags at the start, possibly after ^.
  const inline = /^(\^?)\(\?([a-zA-Z]+)\)/.exec(pattern);
  if (inline) {
    for (const f of inline[2]!) {
      if ('ism'.includes(f)) flags += flags.includes(f) ? '' : f;
      else if (f !== 'u') return null; // 'u' (Unicode case folding) is what JS 'i' does with 'u'
    }
    pattern = inline[1]! + pattern.slice(inline[0].length);
  }
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (!inClass && pattern.startsWith('[\\S]', i)) {
      out += `[^${JAVA_WS}]`;
      i += 3;
    } else if (c === '\\') {
      const n = pattern[i + 1] ?? '';
      if (n === 's') out += inClass ? JAVA_WS : `[${JAVA_WS}]`;
      else if (n === 'S' && !inClass) out += `[^${JAVA_WS}]`;
      else out += c + n; // \S inside a wider class keeps the JavaScript meaning (not in the model)
      i++;
    } else {
      if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      out += c;
    }
  }
  return { source: out, flags };
}

interface Atom {
  test: (ch: string) => boolean;
  /** one: exactly once; opt: at most once; star: any number of times. */
  kind: 'one' | 'opt' | 'star';
}

/** A Thompson-NFA matcher when the pattern is a sequence of quantified atoms, else null. */
function linearMatcher(source: string, flags: string, unicode: boolean): Matcher | null {
  let i = 0;
  let end = source.length;
  const anchoredStart = source.startsWith('^');
  if (anchoredStart) i = 1;
  const anchoredEnd = source.endsWith('$') && trailingBackslashes(source, end - 1) % 2 === 0;
  if (anchoredEnd) end--;
  const atoms: Atom[] = [];
  while (i < end) {
    const start = i;
    const c = source[i]!;
    if (c === '[') i = classEnd(source, i);
    else if (c === '\\') i = escapeEnd(source, i);
    else if ('()|^$*+?{}'.includes(c)) return null; // groups, alternation, stray syntax
    else i += unicode ? String.fromCodePoint(source.codePointAt(i)!).length : 1;
    if (i < 0 || i > end) return null;
    let test: Atom['test'];
    try {
      const re = new RegExp(`^(?:${source.slice(start, i)})$`, flags + (unicode ? 'u' : ''));
      test = (ch) => re.test(ch);
    } catch {
      return null;
    }
    let min = 1;
    let max = 1;
    const q = /^(?:([*+?])|\{(\d+)(,(\d*))?\})/.exec(source.slice(i, end));
    if (q) {
      i += q[0].length;
      if (q[1]) [min, max] = q[1] === '*' ? [0, Infinity] : q[1] === '+' ? [1, Infinity] : [0, 1];
      else [min, max] = [Number(q[2]), q[3] === undefined ? Number(q[2]) : q[4] === '' ? Infinity : Number(q[4])];
      if (source[i] === '+') return null; // Java possessive quantifier
      if (source[i] === '?') i++; // lazy: same language, and we only answer yes or no
    }
    if (min > 256 || (max !== Infinity && max > 256) || min > max) return null;
    for (let k = 0; k < min; k++) atoms.push({ test, kind: 'one' });
    if (max === Infinity) atoms.push({ test, kind: 'star' });
    else for (let k = min; k < max; k++) atoms.push({ test, kind: 'opt' });
    if (atoms.length > 512) return null;
  }
  return (s) => runNfa(atoms, anchoredStart, anchoredEnd, unicode, s);
}

function trailingBackslashes(s: string, before: number): number {
  let n = 0;
  while (before - 1 - n >= 0 && s[before - 1 - n] === '\\') n++;
  return n;
}

/** Index just past a character class opening at i, or -1 for Java-only class syntax. */
function classEnd(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '^') j++;
  if (s[j] === ']') return -1; // Java reads a leading ] as a literal, JavaScript as an empty class
  while (j < s.length) {
    const c = s[j]!;
    if (c === ']') return j + 1;
    if (c === '[' || (c === '&' && s[j + 1] === '&')) return -1; // Java union and intersection
    if (c === '\\') {
      j = escapeEnd(s, j);
      if (j < 0) return -1;
    } else j++;
  }
  return -1;
}

/** Index just past an escape at i, or -1 for escapes that are not one character. */
function escapeEnd(s: string, i: number): number {
  const n = s[i + 1];
  if (n === undefined) return -1;
  if (n === 'p' || n === 'P') {
    if (s[i + 2] !== '{') return i + 3;
    const close = s.indexOf('}', i + 2);
    return close < 0 ? -1 : close + 1;
  }
  if (n === 'x') {
    if (s[i + 2] !== '{') return i + 4;
    const close = s.indexOf('}', i + 2);
    return close < 0 ? -1 : close + 1;
  }
  if (n === 'u') return i + 6;
  if ('dDwWsStnrf'.includes(n)) return i + 2;
  // Escaped punctuation is a literal; letters and digits (backreferences, \b, \Q, ...) are not.
  return /[A-Za-z0-9]/.test(n) ? -1 : i + 2;
}

function runNfa(atoms: Atom[], anchoredStart: boolean, anchoredEnd: boolean, unicode: boolean, s: string): boolean {
  const k = atoms.length;
  let cur = new Uint8Array(k + 1);
  let next = new Uint8Array(k + 1);
  // Adds state i and every state reachable from it without reading a character.
  const close = (set: Uint8Array, i: number): void => {
    while (i <= k && !set[i]) {
      set[i] = 1;
      if (i === k || atoms[i]!.kind === 'one') return;
      i++;
    }
  };
  close(cur, 0);
  if (!anchoredEnd && cur[k]) return true;
  for (let pos = 0; pos < s.length; ) {
    const ch = unicode ? String.fromCodePoint(s.codePointAt(pos)!) : s[pos]!;
    pos += ch.length;
    next.fill(0);
    let alive = false;
    for (let i = 0; i < k; i++) {
      const atom = atoms[i]!;
      if (!cur[i] || !atom.test(ch)) continue;
      close(next, atom.kind === 'star' ? i : i + 1);
      alive = true;
    }
    if (!anchoredStart) close(next, 0);
    else if (!alive) return false;
    [cur, next] = [next, cur];
    if (!anchoredEnd && cur[k]) return true;
  }
  return cur[k] === 1;
}
