/**
 * Running the program's TypeScript tests against one build, fail fast: each uvu file in its
 * own Node process (`node --import tsx <file>`, as scripts/run-tests.ts does) with
 * DECLOUD_PROGRAM_SO pointing at the build, the files most likely to fail first, stopping
 * at the first file that fails.
 *
 * Likely to fail first: the file named after the instruction the check lives in
 * (program/test/<instruction>.test.ts), then the files of instructions that call the check's
 * fn (those naming one of its errors first), then those of instructions that use its module
 * and name one of its errors, then any file naming one, then the module's other users, then
 * the rest; the faster file first within each group.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { functionErrors } from './scanner.js';
import type { Check } from './scanner.js';

export const TEST_DIR = 'program/test';

export interface TestFile {
  /** Repository-relative path. */
  path: string;
  text: string;
  /** Why the file cannot judge a mutant (it runs another program): left out of the runs. */
  ignoredBecause?: string;
  /** Its duration against the unmutated program, when the baseline ran. */
  baselineSecs?: number;
}

export interface TestRun {
  file: string;
  passed: boolean;
  timedOut: boolean;
  secs: number;
  /** The first failing test's name (uvu's `FAIL "..."`), or the last output line. */
  failure?: string;
}

/**
 * program/test's files. Those that (or whose local imports) name program/deploy/decloud.so
 * without reading DECLOUD_PROGRAM_SO are marked ignored; the baseline's canary run (a
 * broken program that every file must fail against) then settles it for the rest.
 */
export function discoverTestFiles(root: string): TestFile[] {
  const dir = join(root, TEST_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((entry) => entry.endsWith('.test.ts') && !entry.includes('node_modules'))
    .sort()
    .map((entry) => {
      const path = relative(root, join(dir, entry));
      const text = readFileSync(join(dir, entry), 'utf8');
      const hardCoded = deployedProgramLoader(root, path, new Set());
      const file: TestFile = { path, text };
      if (hardCoded) file.ignoredBecause = `${hardCoded} loads program/deploy/decloud.so, not DECLOUD_PROGRAM_SO`;
      return file;
    });
}

/** The file (`path` or one of its local imports under program/test) that loads the committed program, if any. */
function deployedProgramLoader(root: string, path: string, seen: Set<string>): string | undefined {
  if (seen.has(path)) return undefined;
  seen.add(path);
  const text = readFileSync(join(root, path), 'utf8');
  if (loadsDeployedProgram(text)) return path;
  for (const m of text.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
    const imported = relative(root, join(root, dirname(path), (m[1] ?? '').replace(/\.js$/, '.ts')));
    if (!imported.startsWith(`${TEST_DIR}/`) || !existsSync(join(root, imported))) continue;
    const loader = deployedProgramLoader(root, imported, seen);
    if (loader) return loader;
  }
  return undefined;
}

/** Code (comments aside) that names decloud.so in a string and never reads DECLOUD_PROGRAM_SO. */
export function loadsDeployedProgram(text: string): boolean {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  return /['"`][^'"`\n]*decloud\.so['"`]/.test(code) && !code.includes('DECLOUD_PROGRAM_SO');
}

/** What the ordering needs to know about the program's sources (repository path -> text). */
export interface OrderContext {
  /** fn name -> the ProgramError variants it names (any file). */
  fnErrors: Map<string, string[]>;
  /** Instruction name -> its source (program/src/instructions/<name>.rs). */
  instructions: Map<string, string>;
}

export function orderContext(sources: Map<string, string>): OrderContext {
  const fnErrors = new Map<string, string[]>();
  const instructions = new Map<string, string>();
  for (const [path, text] of sources) {
    for (const [fn, errors] of functionErrors(text)) fnErrors.set(fn, [...new Set([...(fnErrors.get(fn) ?? []), ...errors])]);
    const m = /^program\/src\/instructions\/(\w+)\.rs$/.exec(path);
    if (m?.[1] && m[1] !== 'mod') instructions.set(m[1], text);
  }
  return { fnErrors, instructions };
}

/** The test files to run for `check`, likeliest to fail first. */
export function orderTests(check: Check, files: TestFile[], context: OrderContext): TestFile[] {
  const stem = basename(check.file, '.rs');
  const errors = [...new Set([...check.errors, ...(check.callee ? (context.fnErrors.get(check.callee) ?? []) : [])])];
  // Instructions that use the check's module, and among them those that call its fn.
  const moduleUsers = new Set<string>();
  const fnUsers = new Set<string>();
  for (const [name, text] of context.instructions) {
    if (name === stem || !(text.includes(`${stem}::`) || text.includes(`::${stem}`))) continue;
    moduleUsers.add(name);
    if (check.fn && new RegExp(`\\b${check.fn}\\s*[(:<]`).test(text)) fnUsers.add(name);
  }
  const rank = (file: TestFile): number => {
    const name = basename(file.path, '.test.ts');
    const namesError = errors.some((e) => new RegExp(`\\b${e}\\b`).test(file.text));
    if (name === stem) return 0;
    if (fnUsers.has(name)) return namesError ? 1 : 2;
    if (moduleUsers.has(name) && namesError) return 3;
    if (namesError) return 4;
    if (moduleUsers.has(name)) return 5;
    return 6;
  };
  const cost = (file: TestFile) => file.baselineSecs ?? file.text.length / 10_000;
  return files
    .filter((file) => file.ignoredBecause === undefined)
    .map((file) => ({ file, rank: rank(file), cost: cost(file) }))
    .sort((a, b) => a.rank - b.rank || a.cost - b.cost || a.file.path.localeCompare(b.file.path))
    .map(({ file }) => file);
}

/** A file's time limit: generous against its baseline, 10 min without one. */
export function timeLimitMs(file: TestFile): number {
  return file.baselineSecs === undefined ? 600_000 : Math.max(60_000, Math.round((4 * file.baselineSecs + 30) * 1000));
}

export function runTestFile(root: string, file: TestFile, programSo: string): TestRun {
  const started = performance.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(root, file.path)], {
    cwd: root,
    env: { ...process.env, FORCE_COLOR: '0', DECLOUD_PROGRAM_SO: programSo },
    encoding: 'utf8',
    timeout: timeLimitMs(file),
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
  });
  const secs = (performance.now() - started) / 1000;
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  const passed = !result.error && result.status === 0 && allPassed(result.stdout ?? '');
  const run: TestRun = { file: file.path, passed, timedOut, secs };
  if (!passed) run.failure = timedOut ? `timed out after ${Math.round(timeLimitMs(file) / 1000)} s` : failureOf(`${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  return run;
}

/**
 * Runs `files` in order until one fails (or `stop()` says so, checked between files, which
 * lets signal handlers run); returns every run.
 */
export async function runUntilFailure(root: string, files: TestFile[], programSo: string, stop: () => boolean = () => false): Promise<TestRun[]> {
  const runs: TestRun[] = [];
  for (const file of files) {
    const run = runTestFile(root, file, programSo);
    runs.push(run);
    await new Promise((resolve) => setImmediate(resolve));
    if (!run.passed || stop()) break;
  }
  return runs;
}

/**
 * uvu's summary says every test passed. Its exit code alone does not: a `before` hook that
 * throws leaves `Total: 1, Passed: 0` and exit code 0 (scripts/run-tests.ts reads it so too).
 */
export function allPassed(stdout: string): boolean {
  const plain = stdout.replace(/\x1b\[[0-9;]*m/g, '');
  const total = Number(/Total:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const passed = Number(/Passed:\s+(\d+)/.exec(plain)?.[1] ?? NaN);
  const skipped = Number(/Skipped:\s+(\d+)/.exec(plain)?.[1] ?? 0);
  return Number.isFinite(total) && Number.isFinite(passed) && passed + skipped === total;
}

function failureOf(output: string): string {
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const failed = /FAIL\s+"([^"]+)"/.exec(plain);
  if (failed?.[1]) return failed[1];
  const total = /Total:\s+(\d+)/.exec(plain)?.[1];
  const passed = /Passed:\s+(\d+)/.exec(plain)?.[1];
  if (total !== undefined && passed !== undefined) return `${passed} of ${total} tests passed (a hook failed)`;
  const lines = plain.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? 'exited non-zero';
}
