/**
 * Finds the offline SBF toolchain: Debian's rustc (with rust-src) and the llc of the
 * same LLVM major version, failing with the command that installs what is missing.
 */
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SbfBuildError } from './build-error.js';
import { runTool } from './run-tool.js';

/** Debian's compiler; rustup's (on PATH first on many machines) has no matching rust-src. */
export const DEBIAN_RUSTC = '/usr/bin/rustc';
/** The committed decloud.so is built with this release; others produce other bytes. */
export const REFERENCE_RUST_RELEASE = '1.63.0';
const SETUP = 'run scripts/setup-system.sh';

export interface Toolchain {
  rustc: string;
  /** `rustc -vV`, which keys the sysroot cache. */
  rustcVersion: string;
  rustRelease: string;
  llvmMajor: number;
  /** rust-src's `library/` directory (core's sources). */
  rustSrc: string;
  llc: string;
}

export function locateToolchain(): Toolchain {
  if (!isExecutable(DEBIAN_RUSTC)) {
    throw new SbfBuildError('TOOL_MISSING', `Debian's rustc not found at ${DEBIAN_RUSTC}: ${SETUP} (installs rustc, rust-src, llvm)`);
  }
  const rustcVersion = runTool(DEBIAN_RUSTC, ['-vV']).stdout;
  const rustRelease = /^release: (.+)$/m.exec(rustcVersion)?.[1] ?? 'unknown';
  const llvmMajor = Number(/^LLVM version: (\d+)/m.exec(rustcVersion)?.[1] ?? NaN);
  if (Number.isNaN(llvmMajor)) {
    throw new SbfBuildError('TOOL_MISMATCH', `${DEBIAN_RUSTC} -vV reports no LLVM version; it must be Debian's rustc ${REFERENCE_RUST_RELEASE}: ${SETUP}`);
  }
  const sysroot = runTool(DEBIAN_RUSTC, ['--print', 'sysroot']).stdout.trim();
  const rustSrc = join(sysroot, 'lib/rustlib/src/rust/library');
  if (!existsSync(join(rustSrc, 'core/src/lib.rs'))) {
    throw new SbfBuildError('RUST_SRC_MISSING', `rust-src for rustc ${rustRelease} not found in ${rustSrc}: ${SETUP} (installs rust-src)`);
  }
  return { rustc: DEBIAN_RUSTC, rustcVersion, rustRelease, llvmMajor, rustSrc, llc: locateLlc(llvmMajor) };
}

/** `llc-<major>` or `llc`, whichever matches the LLVM that rustc's IR is written for. */
function locateLlc(llvmMajor: number): string {
  const found = [`llc-${llvmMajor}`, 'llc'].map(findOnPath).filter((p): p is string => p !== undefined);
  if (found.length === 0) {
    throw new SbfBuildError('TOOL_MISSING', `llc not found: ${SETUP} (installs llvm)`);
  }
  for (const llc of found) {
    if (llvmMajorOf(llc) === llvmMajor) return llc;
  }
  throw new SbfBuildError(
    'TOOL_MISMATCH',
    `${found.join(', ')} is LLVM ${llvmMajorOf(found[0] as string)}, but rustc emits LLVM ${llvmMajor} IR: install llvm-${llvmMajor} (${SETUP})`,
  );
}

function llvmMajorOf(llc: string): number {
  return Number(/LLVM version (\d+)/.exec(runTool(llc, ['--version']).stdout)?.[1] ?? NaN);
}

function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The caller's environment without what cargo or rustup set for another compiler
 * (RUSTFLAGS, RUSTC_*, CARGO_*, RUSTUP_*); `bootstrap` lets Debian's stable rustc
 * build `core` (RUSTC_BOOTSTRAP=1).
 */
export function rustcEnvironment(options: { bootstrap: boolean }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(RUSTC_|RUSTFLAGS|RUSTDOCFLAGS|CARGO_|RUSTUP_)/.test(name)) env[name] = value;
  }
  if (options.bootstrap) env.RUSTC_BOOTSTRAP = '1';
  return env;
}
