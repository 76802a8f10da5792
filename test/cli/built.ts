// The `userpool` command as a user runs it: the project compiled the way `npm run build` does
// it, started through bin/userpool.js. Compiled once per test file, into a temporary folder
// of its own, so that test files never race over dist/ and a stale dist/ is never tested.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../helpers/cli.js';

let built: string | undefined;

/** Removed when the test process ends, whichever test or hook made it. */
const toRemove = new Set<string>();
process.once('exit', () => {
  for (const dir of toRemove) rmSync(dir, { recursive: true, force: true });
});
export function cleanupAtExit(dir: string): void {
  toRemove.add(dir);
}

/** Path of bin/userpool.js in a fresh build of the project (built on first call). */
export function builtBin(): string {
  if (built) return built;
  const root = mkdtempSync(join(tmpdir(), 'userpool-cli-build-'));
  cleanupAtExit(root);
  const tsc = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', join(PROJECT_ROOT, 'tsconfig.build.json'), '--outDir', join(root, 'dist')], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
  });
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
    throw new Error(`the build failed: ${result.stdout}${result.stderr}`);
  }
  // The package's own layout: bin/userpool.js imports ../dist/cli/main.js, ESM by package.json,
  // dependencies from the project's node_modules.
  writeFileSync(join(root, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
  mkdirSync(join(root, 'bin'));
  copyFileSync(join(PROJECT_ROOT, 'bin', 'userpool.js'), join(root, 'bin', 'userpool.js'));
  built = join(root, 'bin', 'userpool.js');
  return built;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a user with no userpool or AWS settings of this machine: no USERPOOL_*,
 * no AWS_*, a HOME without ~/.aws. `extra` adds what a test means to set.
 */
export function userEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('USERPOOL_') && !k.startsWith('AWS_')) env[k] = v;
  }
  return { ...env, HOME: home, ...extra };
}

/** Runs `userpool ...args` to its end. */
export function userpool(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  const child = spawn(process.execPath, [builtBin(), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`userpool ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temporary folder, e.g. a HOME (no ~/.aws unless the test writes one). */
export function tempDir(prefix = 'userpool-cli-'): string {
  const home = mkdtempSync(join(tmpdir(), prefix));
  cleanupAtExit(home);
  return home;
}
