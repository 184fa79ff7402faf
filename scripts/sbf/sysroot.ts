/**
 * A sysroot for `bpfel-unknown-none`: `core` compiled from Debian's rust-src, plus an empty
 * `compiler_builtins` (the program defines or avoids everything it would provide). Cached
 * under `program/.sysroot/<key>`, the key hashing everything that changes its bytes.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from './run-tool.js';
import { DETERMINISTIC_FLAGS, RUST_TARGET } from './target.js';
import { rustcEnvironment } from './toolchain.js';
import type { Toolchain } from './toolchain.js';

const COMPILER_BUILTINS_STUB = '#![no_std]\n#![feature(compiler_builtins)]\n#![compiler_builtins]\n';

/** `panic_immediate_abort` keeps core's panic machinery (and its formatting) out of the program. */
const CORE_FLAGS = [
  ...DETERMINISTIC_FLAGS,
  '--edition', '2021',
  '--target', RUST_TARGET,
  '--cfg', 'feature="panic_immediate_abort"',
  '-Z', 'force-unstable-if-unmarked',
  '-C', 'metadata=decloud-sysroot',
] as const;

export interface Sysroot {
  dir: string;
  cached: boolean;
}

/** The cache key: rustc's exact version, the flags and the stub (the sources come with rustc). */
export function sysrootKey(toolchain: Toolchain): string {
  const inputs = JSON.stringify({ rustc: toolchain.rustcVersion, flags: CORE_FLAGS, stub: COMPILER_BUILTINS_STUB });
  return createHash('sha256').update(inputs).digest('hex').slice(0, 16);
}

export function ensureSysroot(toolchain: Toolchain, cacheDir: string): Sysroot {
  const dir = join(cacheDir, sysrootKey(toolchain));
  if (existsSync(libDir(dir))) return { dir, cached: true };

  // Build next to the final place and rename, so an interrupted build leaves no half sysroot.
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const lib = libDir(partial);
  mkdirSync(lib, { recursive: true });
  const env = rustcEnvironment({ bootstrap: true });
  const remap = ['--remap-path-prefix', `${toolchain.rustSrc}=/rustc/library`, '--remap-path-prefix', `${partial}=/sysroot`];
  runTool(toolchain.rustc, [
    '--crate-name', 'core', '--crate-type', 'rlib', join(toolchain.rustSrc, 'core/src/lib.rs'),
    ...CORE_FLAGS, ...remap, '--out-dir', lib,
  ], { env });
  const stub = join(partial, 'compiler_builtins.rs');
  writeFileSync(stub, COMPILER_BUILTINS_STUB);
  runTool(toolchain.rustc, [
    '--crate-name', 'compiler_builtins', '--crate-type', 'rlib', stub,
    ...CORE_FLAGS, ...remap, '--sysroot', partial, '--out-dir', lib,
  ], { env });
  rmSync(stub);
  try {
    renameSync(partial, dir);
  } catch (error) {
    // Another build finished the same sysroot first; use that one.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(libDir(dir))) throw error;
  }
  return { dir, cached: false };
}

function libDir(sysroot: string): string {
  return join(sysroot, 'lib/rustlib', RUST_TARGET, 'lib');
}
