// Keeps the code honest against the official model: every registered operation exists in it,
// and every exception an operation can throw is one the model lists for that operation (the
// SDKs only turn listed errors into their own exception classes). Also keeps the README's
// table of operations equal to the registry.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { operations } from '../src/operations/registry.js';
import * as exceptions from '../src/operations/exceptions.js';
import { isKnownOperation, modelErrorNames, operationErrors } from '../src/protocol/validate.js';
import { CONFIG_OPTIONS } from '../src/config/config.js';
import { RESET_ENV_VARS } from '../src/config/reset.js';
import { startTestServer } from './helpers/server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC_DIR = join(ROOT, 'src');
const OPERATIONS_DIR = join(SRC_DIR, 'operations');
const EXCEPTIONS_FILE = join(OPERATIONS_DIR, 'exceptions.ts');
/** Errors of the shared AWS front end (framing, routing, SigV4), not of the Cognito model. */
const PROTOCOL_LEVEL = new Set(['ProtocolException']);

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * The exceptions an operation can raise, found statically: starting from the operation's
 * exported function, every function, method or constant of src/ that its code refers to is
 * followed (through imports, with the TypeScript checker resolving each name), and every
 * `new XxxException(` met on the way is collected with where it is.
 *
 * Function-level, not file-level: a shared module holds helpers for many operations, and a
 * helper one operation never calls must not count against it.
 */
function reachableExceptions(program: ts.Program, checker: ts.TypeChecker, opName: string): Map<string, string> {
  const file = join(OPERATIONS_DIR, `${lowerFirst(opName)}.ts`);
  const source = program.getSourceFile(file);
  assert.ok(source, `${file} is part of the program`);
  const entry = source.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === lowerFirst(opName));
  assert.ok(entry, `${lowerFirst(opName)}.ts declares function ${lowerFirst(opName)}`);

  const found = new Map<string, string>();
  const seen = new Set<ts.Node>();
  const queue: ts.Node[] = [entry];
  const inSrc = (node: ts.Node): boolean => {
    const name = resolve(node.getSourceFile().fileName);
    return name.startsWith(SRC_DIR) && name !== EXCEPTIONS_FILE && !name.endsWith('.generated.ts');
  };
  const where = (node: ts.Node): string => {
    const sf = node.getSourceFile();
    return `${relative(ROOT, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };
  const follow = (id: ts.Node): void => {
    let symbol = checker.getSymbolAtLocation(id);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    for (const decl of symbol?.declarations ?? []) {
      if (!inSrc(decl) || seen.has(decl)) continue;
      if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl) || ts.isGetAccessorDeclaration(decl) || ts.isConstructorDeclaration(decl)) {
        queue.push(decl);
      } else if ((ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl)) && decl.initializer) {
        queue.push(decl.initializer);
      } else if (ts.isClassDeclaration(decl)) {
        // `new SomeClass(...)` runs its constructor and property initializers.
        for (const member of decl.members) if (ts.isConstructorDeclaration(member) || ts.isPropertyDeclaration(member)) queue.push(member);
      }
    }
  };
  const visit = (node: ts.Node): void => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && /Exception$/.test(node.expression.text)) {
      if (!found.has(node.expression.text)) found.set(node.expression.text, where(node));
    }
    if (ts.isIdentifier(node) || ts.isPrivateIdentifier(node)) follow(node);
    ts.forEachChild(node, visit);
  };
  while (queue.length > 0) {
    const node = queue.pop()!;
    if (seen.has(node)) continue;
    seen.add(node);
    visit(node);
  }
  return found;
}

function buildProgram(): { program: ts.Program; checker: ts.TypeChecker } {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const roots = Object.keys(operations).map((name) => join(OPERATIONS_DIR, `${lowerFirst(name)}.ts`));
  const program = ts.createProgram(roots, { ...parsed.options, noEmit: true });
  return { program, checker: program.getTypeChecker() };
}

describe('operations against the model', () => {
  test('the registry is not empty and every key is an operation of the model', () => {
    const names = Object.keys(operations);
    assert.ok(names.length > 0);
    for (const name of names) assert.ok(isKnownOperation(name), `${name} is not an operation of cognito-idp`);
  });

  test('each registered operation lives in its own file, named after it', () => {
    for (const name of Object.keys(operations)) {
      const file = join(OPERATIONS_DIR, `${lowerFirst(name)}.ts`);
      assert.ok(existsSync(file), `${name} should be in src/operations/${lowerFirst(name)}.ts`);
      assert.equal(operations[name]!.name, lowerFirst(name), `the registry maps ${name} to the function of that name`);
    }
  });

  test('every exception class is a Cognito exception of the model', () => {
    for (const [name, value] of Object.entries(exceptions)) {
      if (typeof value !== 'function' || name === 'CognitoException' || PROTOCOL_LEVEL.has(name)) continue;
      assert.ok(modelErrorNames.has(name), `${name} is not an error of the model`);
    }
  });

  test('every exception an operation can throw is listed for it in the model', () => {
    const { program, checker } = buildProgram();
    const problems: string[] = [];
    for (const name of Object.keys(operations)) {
      const allowed = operationErrors(name);
      for (const [thrown, at] of reachableExceptions(program, checker, name)) {
        if (PROTOCOL_LEVEL.has(thrown) || allowed.has(thrown)) continue;
        problems.push(`${name} can raise ${thrown} (${at}), which the model does not list for it`);
      }
    }
    assert.deepEqual(problems, []);
  });

  test('the scan follows calls into shared modules, and only the calls', () => {
    // A check on the check. DescribeUserPool reaches ResourceNotFoundException only through
    // loadPool in src/operations/shared/pools.ts; CreateUserPool imports the same module
    // (through describePool) without calling loadPool.
    const { program, checker } = buildProgram();
    const describe = reachableExceptions(program, checker, 'DescribeUserPool');
    assert.match(describe.get('ResourceNotFoundException') ?? '', /^src[\\/]operations[\\/]shared[\\/]pools\.ts:\d+$/);
    assert.equal(reachableExceptions(program, checker, 'CreateUserPool').has('ResourceNotFoundException'), false);
  });
});

describe('README', () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  /** The first column of the table under the "Supported operations" heading. */
  function tableOperations(): string[] {
    const start = readme.search(/^## Supported operations\s*$/m);
    assert.ok(start >= 0, 'README has a "## Supported operations" section');
    const section = readme.slice(start).split(/\n## /)[0]!;
    const rows = section.split('\n').filter((l) => /^\|\s*`/.test(l));
    return rows.map((row) => /^\|\s*`([^`]+)`/.exec(row)![1]!);
  }

  test('the table of supported operations is the registry', () => {
    assert.deepEqual([...tableOperations()].sort(), Object.keys(operations).sort());
  });

  test('every flag and environment variable is documented', () => {
    for (const { flag, env } of CONFIG_OPTIONS) {
      assert.ok(readme.includes(`\`${flag}`), `README documents ${flag}`);
      assert.ok(readme.includes(`\`${env}\``), `README documents ${env}`);
    }
    for (const env of RESET_ENV_VARS) assert.ok(readme.includes(`\`${env}\``), `README documents ${env}`);
  });

  test('the SDK example runs as printed', async () => {
    const block = /## Use it from an SDK[\s\S]*?```js\n([\s\S]*?)```/.exec(readme);
    assert.ok(block, 'README has a js example under "Use it from an SDK"');
    assert.ok(block[1]!.includes("'http://127.0.0.1:9230'"));
    const server = await startTestServer();
    try {
      const code = block[1]!.replace("'http://127.0.0.1:9230'", JSON.stringify(server.url));
      // Asynchronously: the server answering the example runs in this process.
      const run = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
      assert.match(run.stdout, /^us-east-1_[0-9A-Za-z]{9} FORCE_CHANGE_PASSWORD\n$/);
    } finally {
      await server.cleanup();
    }
  });
});
