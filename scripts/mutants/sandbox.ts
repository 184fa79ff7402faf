/**
 * Applying one mutant. The program crate (program/Cargo.toml, Cargo.lock, src/) is copied
 * once into a private root, so the whole run mutates one version of the sources however
 * the working tree changes meanwhile. A mutant rewrites one file of the copy; the copy is
 * compiled for the host and its Rust unit tests run (`cargo test`, std), then the SBF .so
 * is built with the project's offline pipeline; the file is then put back.
 *
 * The private root mirrors what scripts/sbf/pipeline.ts `buildProgram({ root })` uses:
 *   program/src/, program/Cargo.toml     read (the crate)
 *   program/.sysroot                     read, built once when missing: a link to the
 *                                        repository's program/.sysroot cache (core +
 *                                        compiler_builtins), so a build takes ~20 s, not minutes
 *   .build/sbf/                          written (IR, rewritten IR, object): private, so the
 *                                        run never races a `npm run build:program`
 * and target/ for cargo (incremental between mutants: same paths every time).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SbfBuildError } from '../sbf/build-error.js';
import { SbfLinkError } from '../sbf/linker/errors.js';
import { buildProgram } from '../sbf/pipeline.js';

/** Never mutated: the host stand-ins for syscalls (`cargo test` only). */
export const NOT_MUTATED = ['program/src/runtime/host_syscalls.rs'];

/** program/src/**\/*.rs under `root`: repository-relative path -> text. */
export function programSources(root: string): Map<string, string> {
  const sources = new Map<string, string>();
  const src = join(root, 'program/src');
  for (const entry of readdirSync(src, { recursive: true, encoding: 'utf8' }).sort()) {
    if (entry.endsWith('.rs')) sources.set(relative(root, join(src, entry)), readFileSync(join(src, entry), 'utf8'));
  }
  return sources;
}

export interface StepResult {
  ok: boolean;
  secs: number;
  /** Why it failed: the first lines of the tool's diagnostics. */
  detail?: string;
}

export interface SbfBuild extends StepResult {
  sha256?: string;
}

export class Sandbox {
  /** Repository-relative path (program/src/...) -> the snapshot's text. */
  readonly sources: Map<string, string>;

  private constructor(
    readonly root: string,
    readonly repoRoot: string,
  ) {
    this.sources = programSources(root);
  }

  static create(repoRoot: string): Sandbox {
    const root = mkdtempSync(join(tmpdir(), 'decloud-mutants-'));
    const crate = join(root, 'program');
    mkdirSync(crate, { recursive: true });
    for (const file of ['Cargo.toml', 'Cargo.lock']) {
      if (existsSync(join(repoRoot, 'program', file))) cpSync(join(repoRoot, 'program', file), join(crate, file));
    }
    cpSync(join(repoRoot, 'program/src'), join(crate, 'src'), { recursive: true });
    const sysroot = join(repoRoot, 'program/.sysroot');
    mkdirSync(sysroot, { recursive: true });
    symlinkSync(sysroot, join(crate, '.sysroot'), 'dir');
    return new Sandbox(root, repoRoot);
  }

  /** The snapshot's sources, hashed in path order (what the results are about). */
  sourcesSha256(): string {
    const hash = createHash('sha256');
    for (const [path, text] of [...this.sources].sort(([a], [b]) => a.localeCompare(b))) hash.update(`${path}\0${text}\0`);
    return hash.digest('hex');
  }

  /** Writes `text` as `file` of the copy (a repository-relative path). */
  write(file: string, text: string): void {
    writeFileSync(join(this.root, file), text);
  }

  restore(file: string): void {
    const original = this.sources.get(file);
    if (original !== undefined) this.write(file, original);
  }

  /** `cargo test --no-run`: does the crate compile for the host (tests included)? */
  compileHost(): StepResult {
    return this.cargo(['test', '--offline', '--quiet', '--no-run'], compileErrors);
  }

  /** `cargo test`: the Rust unit tests (run after compileHost). */
  unitTests(): StepResult {
    return this.cargo(['test', '--offline', '--quiet'], failedTests);
  }

  /** The offline SBF build of the copy into `outFile`. */
  buildSbf(outFile: string): SbfBuild {
    const started = performance.now();
    const lines: string[] = [];
    try {
      const built = buildProgram({ root: this.root, outFile, log: (line) => lines.push(line) });
      return { ok: true, secs: since(started), sha256: built.sha256 };
    } catch (error) {
      if (!(error instanceof SbfBuildError || error instanceof SbfLinkError)) throw error;
      return { ok: false, secs: since(started), detail: firstLines(error.message, 12) };
    }
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }

  private cargo(args: string[], explain: (output: string) => string): StepResult {
    const started = performance.now();
    const result = spawnSync('cargo', [...args, '--manifest-path', join(this.root, 'program/Cargo.toml')], {
      cwd: this.root,
      env: { ...process.env, CARGO_TARGET_DIR: join(this.root, 'target'), CARGO_TERM_COLOR: 'never' },
      encoding: 'utf8',
      timeout: 600_000,
      killSignal: 'SIGKILL',
      maxBuffer: 64 * 1024 * 1024,
    });
    const ok = !result.error && result.status === 0;
    const output = `${result.stdout ?? ''}\n${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`;
    return ok ? { ok, secs: since(started) } : { ok, secs: since(started), detail: explain(output) };
  }
}

function compileErrors(output: string): string {
  const errors = output.split('\n').filter((l) => /^error(\[E\d+\])?:/.test(l) && !/could not compile|aborting due to/.test(l));
  return firstLines((errors.length ? errors : output.split('\n')).join('\n'), 6);
}

/** `cargo test`'s failed tests: `---- path::to::test stdout ----`. */
function failedTests(output: string): string {
  const names = [...output.matchAll(/^---- (\S+) stdout ----$/gm)].map((m) => m[1]);
  return names.length ? names.join(', ') : firstLines(output, 6);
}

function firstLines(text: string, count: number): string {
  return text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(0, count)
    .join('\n');
}

function since(started: number): number {
  return (performance.now() - started) / 1000;
}
