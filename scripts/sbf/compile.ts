/**
 * The compiler half of the offline build: rustc turns the crate (plus core, through fat
 * LTO) into one LLVM IR module; llc turns the rewritten IR into a BPF relocatable object.
 */
import { join } from 'node:path';
import { runTool } from './run-tool.js';
import { DETERMINISTIC_FLAGS, RUST_TARGET } from './target.js';
import { rustcEnvironment } from './toolchain.js';
import type { Toolchain } from './toolchain.js';

export interface CrateBuild {
  /** The crate's directory (holding `src/lib.rs`). */
  crateDir: string;
  crateName: string;
  sysroot: string;
  /** Where the `.ll` goes. */
  irPath: string;
}

/**
 * `--emit=llvm-ir` with `-C lto=fat` on a cdylib writes the whole program after LTO, core
 * included, so no llvm-link / llvm-dis pass is needed. Paths are remapped and the crate
 * metadata fixed so the IR does not depend on where the repository is checked out.
 */
export function compileToIr(toolchain: Toolchain, build: CrateBuild): string {
  const args = [
    '--crate-name', build.crateName, '--crate-type', 'cdylib', '--edition', '2021',
    join(build.crateDir, 'src/lib.rs'),
    '--target', RUST_TARGET, '--sysroot', build.sysroot,
    ...DETERMINISTIC_FLAGS,
    '-C', 'lto=fat', '-C', 'overflow-checks=off', '-C', `metadata=${build.crateName}`,
    '--remap-path-prefix', `${build.crateDir}=${build.crateName}`,
    '--remap-path-prefix', `${toolchain.rustSrc}=/rustc/library`,
    '--emit', 'llvm-ir', '-o', build.irPath,
  ];
  // Returned so the caller can show warnings of a successful compile.
  return runTool(toolchain.rustc, args, { env: rustcEnvironment({ bootstrap: false }) }).stderr;
}

/** sBPF v0 wants `-mcpu=v2` (v3 / alu32 opcodes are rejected or miscompile). */
export function compileToObject(toolchain: Toolchain, irPath: string, objectPath: string): void {
  runTool(toolchain.llc, ['-march=bpfel', '-mcpu=v2', '-O2', '-filetype=obj', irPath, '-o', objectPath]);
}
