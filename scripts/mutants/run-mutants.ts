/**
 * `npm run mutants:program`: a mutation check of the on-chain program's security checks.
 * Each check in program/src (an early return of an error, an `Err` arm, an account-check
 * call; see scanner.ts) is removed in turn, and the program's tests must notice: the Rust
 * unit tests of the mutated crate first (cheap), then its SBF build under the TypeScript
 * tests of program/test, one file at a time, likeliest first, stopping at the first
 * failure. A mutant no test notices survives: a check nothing tests.
 *
 * Slow (one ~20 s SBF build per mutant, ~2.5 min of tests per survivor), so not part of
 * `npm test`:
 *
 *   npm run mutants:program -- --list                     the checks and their ids, nothing run
 *   npm run mutants:program -- --filter add_stake --limit 2
 *   npm run mutants:program -- --only instructions/add_stake#5
 *   npm run mutants:program                               every check (an hour or more)
 *
 * Options: --filter <substring of the file path>, --limit N (mutants to run), --only <id>
 * (repeatable, or comma-separated), --list, --no-baseline (do not run the tests against the
 * unmutated build first), --run-equivalent (run the mutants equivalent.ts lists through the
 * SBF build and the TypeScript tests too; by default they only get the Rust unit tests),
 * --keep (keep the temporary copy).
 *
 * Writes bench/results/mutants.json. Exits 1 when a mutant that is not listed as equivalent
 * survives, 2 when it cannot judge (the unmutated snapshot does not build or fails its tests).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { equivalentOf, staleEquivalents } from './equivalent.js';
import type { Equivalent } from './equivalent.js';
import { formatSecs, progressEntry, summaryLine, writeResults } from './report.js';
import type { MutantResult, Step } from './report.js';
import { NOT_MUTATED, Sandbox, programSources } from './sandbox.js';
import { applyMutation, scanChecks } from './scanner.js';
import type { Check, Mutation } from './scanner.js';
import { discoverTestFiles, orderContext, orderTests, runTestFile, runUntilFailure } from './test-files.js';
import type { OrderContext, TestFile } from './test-files.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const write = (line = '') => process.stdout.write(`${line}\n`);

interface Options {
  filter?: string;
  limit?: number;
  only: string[];
  list: boolean;
  baseline: boolean;
  runEquivalent: boolean;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      filter: { type: 'string' },
      limit: { type: 'string' },
      only: { type: 'string', multiple: true },
      list: { type: 'boolean', default: false },
      'no-baseline': { type: 'boolean', default: false },
      'run-equivalent': { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw new Error(`--limit wants a positive integer, not ${values.limit}`);
  return {
    filter: values.filter,
    limit,
    only: (values.only ?? []).flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean),
    list: values.list ?? false,
    baseline: !values['no-baseline'],
    runEquivalent: values['run-equivalent'] ?? false,
    keep: values.keep ?? false,
  };
}

interface Planned {
  check: Check;
  equivalent?: Equivalent;
}

function scanAll(sources: Map<string, string>): Check[] {
  return [...sources].filter(([path]) => !NOT_MUTATED.includes(path)).flatMap(([path, text]) => scanChecks(path, text));
}

function plan(all: Check[], options: Options): Planned[] {
  let checks = all;
  if (options.filter !== undefined) checks = checks.filter((c) => c.file.includes(options.filter as string));
  if (options.only.length) {
    const unknown = options.only.filter((id) => !all.some((c) => c.id === id));
    if (unknown.length) throw new Error(`no check has the id ${unknown.join(', ')} (see --list)`);
    checks = checks.filter((c) => options.only.includes(c.id));
  }
  const planned: Planned[] = [];
  let toRun = 0;
  for (const check of checks) {
    if (options.limit !== undefined && toRun >= options.limit) break;
    const equivalent = equivalentOf(check, all.filter((c) => c.file === check.file));
    planned.push(equivalent ? { check, equivalent } : { check });
    if (!equivalent || options.runEquivalent) toRun++;
  }
  return planned;
}

function isWholeProgram(options: Options): boolean {
  return options.filter === undefined && options.only.length === 0 && options.limit === undefined;
}

function list(options: Options): void {
  const all = scanAll(programSources(root));
  const planned = plan(all, options);
  for (const { check, equivalent } of planned) {
    write(`${check.id.padEnd(36)} ${`${check.file}:${check.line}`.padEnd(50)} ${check.kind}`);
    write(`    ${check.text}`);
    write(`    -> ${check.mutations.map((m) => m.description).join('  |  ')}`);
    if (equivalent) write(`    equivalent: ${equivalent.reason}`);
  }
  const equivalents = planned.filter((p) => p.equivalent).length;
  write(`\n${planned.length} checks (${equivalents} equivalent) in ${new Set(planned.map((p) => p.check.file)).size} files`);
  if (isWholeProgram(options)) warnStale(all);
}

function warnStale(all: Check[]): void {
  for (const entry of staleEquivalents(all)) {
    write(`warning: scripts/mutants/equivalent.ts lists "${entry.check}" in ${entry.file}, which no longer has it`);
  }
}

let interrupted = false;
const tick = () => new Promise((resolve) => setImmediate(resolve));

class Run {
  private readonly context: OrderContext;
  private readonly mutantSo: string;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly tests: TestFile[],
    private readonly baselineSha256: string,
    private readonly runEquivalent: boolean,
  ) {
    this.context = orderContext(sandbox.sources);
    this.mutantSo = join(sandbox.root, 'mutant.so');
  }

  async mutant({ check, equivalent }: Planned): Promise<MutantResult | undefined> {
    const base = { id: check.id, file: check.file, line: check.line, check: check.text };
    // An equivalent mutant gets the cheap stage only (a unit test that kills it shows the entry is stale).
    const cheapOnly = equivalent !== undefined && !this.runEquivalent;
    const started = performance.now();
    const steps: Step[] = [];
    const done = (result: Omit<MutantResult, keyof typeof base | 'steps' | 'secs'>): MutantResult => {
      const secs = (performance.now() - started) / 1000;
      if (equivalent && result.status === 'killed') return { ...base, ...result, staleEquivalent: true, steps, secs };
      if (equivalent && result.status === 'survived') return { ...base, ...result, status: 'equivalent', reason: equivalent.reason, steps, secs };
      return { ...base, ...result, steps, secs };
    };
    const original = this.sandbox.sources.get(check.file) ?? '';
    try {
      // The first mutation that compiles (cargo test --no-run also type-checks the tests).
      let chosen: Mutation | undefined;
      const refused: string[] = [];
      let compileSecs = 0;
      for (const mutation of check.mutations) {
        this.sandbox.write(check.file, applyMutation(original, mutation));
        const compiled = this.sandbox.compileHost();
        compileSecs += compiled.secs;
        await tick();
        if (interrupted) return undefined;
        if (compiled.ok) {
          chosen = mutation;
          break;
        }
        refused.push(`${mutation.description}: ${compiled.detail ?? 'does not compile'}`);
      }
      steps.push({ name: 'cargo build', secs: compileSecs });
      if (!chosen) {
        if (cheapOnly) return done({ status: 'survived' });
        return done({ status: 'build-failed', reason: `no mutation compiles:\n${refused.join('\n')}` });
      }
      const mutation = chosen.description;

      const unit = this.sandbox.unitTests();
      steps.push({ name: 'cargo test', secs: unit.secs });
      await tick();
      if (interrupted) return undefined;
      if (!unit.ok) return done({ status: 'killed', mutation, by: `cargo test (${unit.detail ?? 'failed'})` });
      if (cheapOnly) return done({ status: 'survived', mutation });

      const built = this.sandbox.buildSbf(this.mutantSo);
      steps.push({ name: 'sbf build', secs: built.secs });
      await tick();
      if (interrupted) return undefined;
      if (!built.ok) return done({ status: 'build-failed', mutation, reason: `the SBF build failed:\n${built.detail ?? ''}` });
      if (built.sha256 === this.baselineSha256) {
        // rustc + LLVM proved the check redundant: the program is the same.
        const reason = equivalent?.reason ?? 'the mutant builds to a .so byte-identical to the unmutated one';
        return { ...base, mutation, status: 'equivalent', reason, steps, secs: (performance.now() - started) / 1000 };
      }

      const order = orderTests(check, this.tests, this.context);
      const runs = await runUntilFailure(root, order, this.mutantSo, () => interrupted);
      steps.push({ name: `tests (${runs.length}/${order.length} files)`, secs: runs.reduce((sum, r) => sum + r.secs, 0) });
      if (interrupted) return undefined;
      const failed = runs.find((r) => !r.passed);
      if (failed) return done({ status: 'killed', mutation, by: `${failed.file}: ${JSON.stringify(failed.failure ?? 'failed')}` });
      return done({ status: 'survived', mutation, reason: `no test fails (${runs.length} files ran)` });
    } finally {
      this.sandbox.restore(check.file);
    }
  }
}

/**
 * The unmutated snapshot must compile, pass its unit tests, build, and pass every test file
 * that fails against a broken program (the canary); a file that passes against the canary
 * does not run the program DECLOUD_PROGRAM_SO names and is left out. Returns the build's sha256.
 */
async function baseline(sandbox: Sandbox, tests: TestFile[], runTests: boolean): Promise<string | undefined> {
  write('baseline: the unmutated snapshot');
  const compiled = sandbox.compileHost();
  if (!compiled.ok) return fail(`it does not compile for the host:\n${compiled.detail ?? ''}`);
  const unit = sandbox.unitTests();
  if (!unit.ok) return fail(`its Rust unit tests fail: ${unit.detail ?? ''}`);
  write(`  cargo build ${formatSecs(compiled.secs)}, cargo test ${formatSecs(unit.secs)}`);
  const programSo = join(sandbox.root, 'baseline.so');
  const built = sandbox.buildSbf(programSo);
  if (!built.ok || !built.sha256) return fail(`the SBF build fails:\n${built.detail ?? ''}`);
  write(`  sbf build ${formatSecs(built.secs)}, sha256 ${built.sha256}`);
  if (!runTests) {
    for (const file of tests.filter((t) => t.ignoredBecause)) write(`warning: ${file.path} left out: ${file.ignoredBecause}`);
    return built.sha256;
  }
  const canary = join(sandbox.root, 'canary.so');
  writeFileSync(canary, 'not an SBF program\n');
  for (const file of tests) {
    delete file.ignoredBecause; // the canary decides
    const broken = runTestFile(root, file, canary);
    await tick();
    if (interrupted) return undefined;
    if (broken.passed) {
      file.ignoredBecause = 'passes against a broken program: it does not run the program DECLOUD_PROGRAM_SO names';
      write(`warning: ${file.path} left out: ${file.ignoredBecause}`);
      continue;
    }
    const run = runTestFile(root, file, programSo);
    await tick();
    if (interrupted) return undefined;
    write(`  ${run.passed ? 'pass' : 'FAIL'} ${file.path} ${formatSecs(run.secs)} (fails against a broken program: ${formatSecs(broken.secs)})`);
    if (!run.passed) return fail(`${file.path} fails on the unmutated program: ${run.failure ?? ''}`);
    file.baselineSecs = run.secs;
  }
  return built.sha256;
}

function fail(why: string): undefined {
  process.stderr.write(`mutants:program: cannot judge mutants: the unmutated snapshot of program/src: ${why}\n`);
  return undefined;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.list) {
    list(options);
    return 0;
  }
  const started = performance.now();
  const sandbox = Sandbox.create(root);
  const cleanup = () => {
    if (!options.keep) sandbox.dispose();
  };
  const onSignal = () => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const all = scanAll(sandbox.sources);
    const planned = plan(all, options);
    const tests = discoverTestFiles(root);
    write(`mutants:program: ${planned.length} check${planned.length === 1 ? "" : "s"} of a snapshot of program/src (sources sha256 ${sandbox.sourcesSha256().slice(0, 16)}), copied to ${sandbox.root}`);
    if (isWholeProgram(options)) warnStale(all);

    const programSha256 = await baseline(sandbox, tests, options.baseline);
    if (!programSha256) return interrupted ? 130 : 2;

    const ignored = tests.filter((t) => t.ignoredBecause).map((t) => ({ file: t.path, reason: t.ignoredBecause ?? '' }));
    if (tests.length === ignored.length) return fail('no test file runs the program DECLOUD_PROGRAM_SO names') ?? 2;
    const run = new Run(sandbox, tests, programSha256, options.runEquivalent);
    const results: MutantResult[] = [];
    for (const [i, item] of planned.entries()) {
      const result = await run.mutant(item);
      if (!result || interrupted) {
        write('interrupted');
        return 130;
      }
      results.push(result);
      write(progressEntry(i + 1, planned.length, result));
    }

    const secs = (performance.now() - started) / 1000;
    const selection = { filter: options.filter, only: options.only.length ? options.only : undefined, limit: options.limit };
    const path = writeResults(root, {
      date: new Date().toISOString(),
      programSha256,
      sourcesSha256: sandbox.sourcesSha256(),
      selection,
      ignoredTestFiles: ignored,
      results,
      secs,
    });
    write();
    for (const r of results.filter((r) => r.status === 'survived')) write(`survived: ${r.id} ${r.file}:${r.line}  ${r.check}`);
    write(summaryLine(results));
    write(`${path} (${formatSecs(secs)})`);
    return results.some((r) => r.status === 'survived') ? 1 : 0;
  } finally {
    cleanup();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`mutants:program: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
