/**
 * The offline build of the on-chain program, step by step:
 * sysroot -> rustc (LLVM IR) -> IR rewrite -> llc (BPF object) -> linkSbf (sBPF v0 .so).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { compileToIr, compileToObject } from './compile.js';
import { linkSbf } from './linker/link.js';
import { progress } from './progress.js';
import { importedFunctions, rewriteIr } from './rewrite-ir.js';
import { checkImports } from './syscalls.js';
import { ensureSysroot } from './sysroot.js';
import { REFERENCE_RUST_RELEASE, locateToolchain } from './toolchain.js';

export const CRATE_NAME = 'decloud';

export interface ProgramBuild {
  /** Repository root (holds `program/`). */
  root: string;
  /** Where the `.so` is written. */
  outFile: string;
  log?: (line: string) => void;
}

export interface BuiltProgram {
  bytes: Uint8Array;
  sha256: string;
}

export function buildProgram(build: ProgramBuild): BuiltProgram {
  const log = build.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const step = progress(5, log);
  const show = (path: string) => relative(build.root, path);
  const crateDir = join(build.root, 'program');
  const workDir = join(build.root, '.build/sbf');
  mkdirSync(workDir, { recursive: true });
  const irPath = join(workDir, `${CRATE_NAME}.ll`);
  const rewrittenPath = join(workDir, `${CRATE_NAME}.sbf.ll`);
  const objectPath = join(workDir, `${CRATE_NAME}.o`);

  const toolchain = locateToolchain();
  if (toolchain.rustRelease !== REFERENCE_RUST_RELEASE) {
    log(`note: rustc ${toolchain.rustRelease} differs from ${REFERENCE_RUST_RELEASE}, which built the committed decloud.so; the bytes will differ`);
  }

  const sysroot = step('sysroot (core + compiler_builtins)', () => {
    const built = ensureSysroot(toolchain, join(crateDir, '.sysroot'));
    const how = built.cached ? 'cached' : 'built';
    return { value: built.dir, detail: `${how} ${show(built.dir)} (rustc ${toolchain.rustRelease}, LLVM ${toolchain.llvmMajor})` };
  });

  const warnings = step(`rustc ${CRATE_NAME} -> LLVM IR`, () => {
    const stderr = compileToIr(toolchain, { crateDir, crateName: CRATE_NAME, sysroot, irPath });
    return { value: stderr.trim(), detail: `${show(irPath)}, ${kib(statSync(irPath).size)}` };
  });
  if (warnings) log(warnings);

  step('rewrite IR (memory intrinsics -> syscalls, trap -> abort)', () => {
    const { ir, counts } = rewriteIr(readFileSync(irPath, 'utf8'));
    const imports = importedFunctions(ir);
    checkImports(imports);
    writeFileSync(rewrittenPath, ir);
    const rewritten = `memcpy ${counts.memcpy}, memmove ${counts.memmove}, memset ${counts.memset}, trap ${counts.trap}`;
    return { value: undefined, detail: `${rewritten}; syscalls: ${imports.join(', ')}` };
  });

  step('llc -> BPF object', () => {
    compileToObject(toolchain, rewrittenPath, objectPath);
    return { value: undefined, detail: `${show(objectPath)}, ${kib(statSync(objectPath).size)}` };
  });

  return step('link -> sBPF shared object', () => {
    const bytes = linkSbf(readFileSync(objectPath), { entrypoint: 'entrypoint' });
    mkdirSync(join(build.outFile, '..'), { recursive: true });
    writeFileSync(build.outFile, bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { value: { bytes, sha256 }, detail: `${show(build.outFile)}, ${bytes.length} bytes, sha256 ${sha256}` };
  });
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}
