/**
 * Reporting: one progress entry per mutant, the final summary line, and
 * bench/results/mutants.json.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const RESULTS_FILE = 'bench/results/mutants.json';

export type MutantStatus = 'killed' | 'survived' | 'build-failed' | 'equivalent';

export interface Step {
  name: string;
  secs: number;
}

export interface MutantResult {
  id: string;
  file: string;
  line: number;
  check: string;
  /** The code that replaced the check (the first alternative that compiled). */
  mutation?: string;
  status: MutantStatus;
  /** What killed it: `cargo test (…)` or `program/test/x.test.ts: "test name"`. */
  by?: string;
  /** Why it is equivalent, or why it did not build. */
  reason?: string;
  /** An equivalent entry whose mutant was killed (`--run-equivalent`): the entry is stale. */
  staleEquivalent?: boolean;
  steps: Step[];
  secs: number;
}

export interface RunSummary {
  date: string;
  /** sha256 of the unmutated snapshot's .so (the build every mutant differs from). */
  programSha256: string;
  sourcesSha256: string;
  selection: { filter?: string; only?: string[]; limit?: number };
  /** Test files left out: they do not run the program DECLOUD_PROGRAM_SO names. */
  ignoredTestFiles: Array<{ file: string; reason: string }>;
  results: MutantResult[];
  secs: number;
}

export function formatSecs(secs: number): string {
  return `${secs.toFixed(secs < 10 ? 2 : 1)} s`;
}

/** `[i/n] id file:line status secs`, then the removed check -> its replacement, then the detail. */
export function progressEntry(index: number, count: number, result: MutantResult): string {
  const width = String(count).length;
  const head = `[${String(index).padStart(width)}/${count}] ${result.id}  ${result.file}:${result.line}  ${result.status.toUpperCase()}  ${formatSecs(result.secs)}`;
  const lines = [head, `      ${result.check}${result.mutation ? `   ->   ${result.mutation}` : ''}`];
  const detail = result.by ? `killed by ${result.by}` : result.reason;
  if (detail) lines.push(...detail.split('\n').map((l) => `      ${l}`));
  if (result.staleEquivalent) lines.push('      listed in scripts/mutants/equivalent.ts, yet killed: remove the entry');
  if (result.steps.length) lines.push(`      (${result.steps.map((s) => `${s.name} ${formatSecs(s.secs)}`).join(', ')})`);
  return lines.join('\n');
}

export interface Tally {
  killed: number;
  survived: number;
  buildFailed: number;
  equivalent: number;
  total: number;
}

export function tally(results: MutantResult[]): Tally {
  const count = (status: MutantStatus) => results.filter((r) => r.status === status).length;
  return { killed: count('killed'), survived: count('survived'), buildFailed: count('build-failed'), equivalent: count('equivalent'), total: results.length };
}

/** `killed K, survived S, build-failed B of N` (N counts the equivalent ones too). */
export function summaryLine(results: MutantResult[]): string {
  const t = tally(results);
  const equivalent = t.equivalent ? ` (${t.equivalent} equivalent)` : '';
  return `killed ${t.killed}, survived ${t.survived}, build-failed ${t.buildFailed} of ${t.total}${equivalent}`;
}

/** The JSON document: the required summary fields, then every mutant's detail. */
export function resultsJson(summary: RunSummary): object {
  const t = tally(summary.results);
  const where = (r: MutantResult) => ({ id: r.id, file: r.file, line: r.line, check: r.check });
  return {
    date: summary.date,
    programSha256: summary.programSha256,
    total: t.total,
    killed: t.killed,
    survived: summary.results.filter((r) => r.status === 'survived').map((r) => ({ ...where(r), mutation: r.mutation })),
    equivalent: summary.results.filter((r) => r.status === 'equivalent').map((r) => ({ ...where(r), reason: r.reason })),
    buildFailed: summary.results.filter((r) => r.status === 'build-failed').map((r) => ({ ...where(r), reason: r.reason })),
    secs: Math.round(summary.secs * 10) / 10,
    sourcesSha256: summary.sourcesSha256,
    selection: summary.selection,
    ignoredTestFiles: summary.ignoredTestFiles,
    mutants: summary.results.map((r) => ({
      ...where(r),
      status: r.status,
      mutation: r.mutation,
      by: r.by,
      staleEquivalent: r.staleEquivalent,
      secs: Math.round(r.secs * 10) / 10,
      steps: r.steps.map((s) => ({ name: s.name, secs: Math.round(s.secs * 100) / 100 })),
    })),
  };
}

/** Writes the results next to the other benchmark results (via a .tmp file, git-ignored). */
export function writeResults(root: string, summary: RunSummary): string {
  const path = join(root, RESULTS_FILE);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, `${JSON.stringify(resultsJson(summary), null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
  return path;
}
