/**
 * The IR rewrite: unit cases on rustc-shaped IR text, a property for the inline-or-syscall
 * rule, and Debian's real llc 14 compiling the result (it rejects the input).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { SbfBuildError } from '../build-error.js';
import { INLINE_STORE_LIMIT, importedFunctions, rewriteIr } from '../rewrite-ir.js';

const work = mkdtempSync(join(tmpdir(), 'sbf-rewrite-test-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

/** A module shaped like rustc 1.63's output (typed pointers, attributes, metadata). */
function module(body: string, declarations = ''): string {
  return [
    'target datalayout = "e-m:e-p:64:64-i64:64-i128:128-n32:64-S128"',
    'target triple = "bpfel"',
    '',
    'define void @f(i8* %dst, i8* %src, i64 %n) unnamed_addr #0 {',
    'start:',
    body,
    '  ret void',
    '}',
    '',
    'declare void @llvm.memcpy.p0i8.p0i8.i64(i8* noalias nocapture writeonly, i8* noalias nocapture readonly, i64, i1 immarg) #1',
    'declare void @llvm.memmove.p0i8.p0i8.i64(i8* nocapture writeonly, i8* nocapture readonly, i64, i1 immarg) #1',
    'declare void @llvm.memset.p0i8.i64(i8* nocapture writeonly, i8, i64, i1 immarg) #1',
    'declare void @llvm.trap() #2',
    declarations,
    '',
    'attributes #0 = { nounwind }',
    'attributes #1 = { argmemonly nofree nounwind willreturn }',
    'attributes #2 = { cold noreturn nounwind }',
    '',
  ].join('\n');
}

const memcpy = (len: string, dstAlign = 1, srcAlign = 1) =>
  `  call void @llvm.memcpy.p0i8.p0i8.i64(i8* noundef nonnull align ${dstAlign} %dst, i8* noundef nonnull align ${srcAlign} %src, i64 ${len}, i1 false) #3, !alias.scope !2`;

test('a variable-size memcpy becomes a sol_memcpy_ call with the same arguments', () => {
  const { ir, counts } = rewriteIr(module(memcpy('%n')));
  assert.ok(
    ir.includes('  call void @sol_memcpy_(i8* noundef nonnull align 1 %dst, i8* noundef nonnull align 1 %src, i64 %n) #3, !alias.scope !2'),
    ir,
  );
  assert.not.match(ir, /call void @llvm\.memcpy/);
  assert.ok(ir.includes('declare void @sol_memcpy_(i8*, i8*, i64)'));
  assert.equal(counts, { memcpy: 1, memmove: 0, memset: 0, trap: 0 });
});

test('memmove and memset map to their syscalls; tail calls keep their marker', () => {
  const body = [
    '  tail call void @llvm.memmove.p0i8.p0i8.i64(i8* align 8 %dst, i8* align 8 %src, i64 %n, i1 false)',
    '  call void @llvm.memset.p0i8.i64(i8* align 1 %dst, i8 7, i64 %n, i1 false)',
  ].join('\n');
  const { ir, counts } = rewriteIr(module(body));
  assert.ok(ir.includes('  tail call void @sol_memmove_(i8* align 8 %dst, i8* align 8 %src, i64 %n)'), ir);
  assert.ok(ir.includes('  call void @sol_memset_(i8* align 1 %dst, i8 7, i64 %n)'), ir);
  assert.ok(ir.includes('declare void @sol_memmove_(i8*, i8*, i64)'));
  assert.ok(ir.includes('declare void @sol_memset_(i8*, i8, i64)'));
  assert.equal(counts, { memcpy: 0, memmove: 1, memset: 1, trap: 0 });
});

test('constant sizes stay inline unless they need more than the store limit', () => {
  const cases: [string, number, number, boolean][] = [
    ['32', 8, 8, false], // 4 word stores
    ['128', 8, 8, false], // 16 stores: at the limit
    ['152', 8, 8, true], // 19 stores
    ['32', 1, 8, true], // 32 byte stores (the smaller alignment counts)
    ['16', 1, 1, false],
    ['4096', 8, 8, true], // beyond what the backend can inline at all
  ];
  for (const [len, dstAlign, srcAlign, rewritten] of cases) {
    const { counts } = rewriteIr(module(memcpy(len, dstAlign, srcAlign)));
    assert.is(counts.memcpy, rewritten ? 1 : 0, `${len} bytes at align ${dstAlign}/${srcAlign}`);
  }
});

test('property: a call is rewritten exactly when its size is unknown or needs too many stores', () => {
  fc.assert(
    fc.property(
      fc.option(fc.integer({ min: 0, max: 100_000 }), { nil: undefined }),
      fc.constantFrom(1, 2, 4, 8, 16),
      fc.constantFrom(1, 2, 4, 8, 16),
      (size, dstAlign, srcAlign) => {
        const { ir, counts } = rewriteIr(module(memcpy(size === undefined ? '%n' : String(size), dstAlign, srcAlign)));
        const stores = size === undefined ? Infinity : Math.ceil(size / Math.min(dstAlign, srcAlign, 8));
        const expected = stores > INLINE_STORE_LIMIT;
        return counts.memcpy === (expected ? 1 : 0) && ir.includes('@sol_memcpy_(') === expected;
      },
    ),
  );
});

test('llvm.trap becomes the abort syscall and its declaration goes away', () => {
  const { ir, counts } = rewriteIr(module('  call void @llvm.trap() #4\n  unreachable'));
  assert.ok(ir.includes('  call void @abort() #4'), ir);
  assert.not.ok(ir.includes('@llvm.trap'), 'no trace of llvm.trap');
  assert.ok(ir.includes('declare void @abort() noreturn nounwind'));
  assert.is(counts.trap, 1);
});

test("the module's own declarations are reused, not duplicated", () => {
  const own = 'declare void @sol_memset_(i8*, i8 zeroext, i64) unnamed_addr #0\ndeclare void @abort() unnamed_addr #2';
  const body = '  call void @llvm.memset.p0i8.i64(i8* align 1 %dst, i8 0, i64 %n, i1 false)\n  call void @llvm.trap()';
  const { ir } = rewriteIr(module(body, own));
  assert.is(ir.split('\n').filter((l) => l.startsWith('declare void @sol_memset_')).length, 1, ir);
  assert.is(ir.split('\n').filter((l) => l.startsWith('declare void @abort')).length, 1, ir);
});

test('a declaration with another signature is a clear error', () => {
  const wrong = 'declare void @sol_memset_(i8*, i64, i64)';
  const body = '  call void @llvm.memset.p0i8.i64(i8* align 1 %dst, i8 0, i64 %n, i1 false)';
  try {
    rewriteIr(module(body, wrong));
    assert.unreachable('should throw');
  } catch (error) {
    assert.instance(error, SbfBuildError);
    assert.is((error as SbfBuildError).code, 'IR_REWRITE');
    assert.match((error as SbfBuildError).message, 'program/src/runtime/syscalls.rs');
  }
});

test('a 32-bit length is refused rather than passed to a u64 syscall', () => {
  const body = '  call void @llvm.memcpy.p0i8.p0i8.i32(i8* %dst, i8* %src, i32 %m, i1 false)';
  assert.throws(() => rewriteIr(module(body)), (error: unknown) => error instanceof SbfBuildError && /i32 length/.test(error.message));
});

test('constant expressions and quoted names with commas and parentheses are kept intact', () => {
  const dst = 'i8* getelementptr inbounds ([4 x i8], [4 x i8]* @"a,b(c)", i64 0, i64 1)';
  const body = `  call void @llvm.memcpy.p0i8.p0i8.i64(${dst}, i8* align 1 %src, i64 %n, i1 false)`;
  const { ir } = rewriteIr(module(body));
  assert.ok(ir.includes(`  call void @sol_memcpy_(${dst}, i8* align 1 %src, i64 %n)`), ir);
});

test('opaque pointers (ptr) are understood too', () => {
  const body = '  call void @llvm.memcpy.p0.p0.i64(ptr align 1 %dst, ptr align 1 %src, i64 %n, i1 false)';
  const { ir } = rewriteIr(module(body));
  assert.ok(ir.includes('  call void @sol_memcpy_(ptr align 1 %dst, ptr align 1 %src, i64 %n)'), ir);
  assert.ok(ir.includes('declare void @sol_memcpy_(ptr, ptr, i64)'));
});

test('the rewrite is idempotent and leaves other modules untouched', () => {
  const input = module([memcpy('%n'), memcpy('8', 8, 8), '  call void @llvm.trap()'].join('\n'));
  const once = rewriteIr(input);
  const twice = rewriteIr(once.ir);
  assert.is(twice.ir, once.ir);
  assert.equal(twice.counts, { memcpy: 0, memmove: 0, memset: 0, trap: 0 });
  const plain = module('  %x = add i64 %n, 1');
  assert.is(rewriteIr(plain).ir, plain);
});

test('importedFunctions lists declared non-intrinsic functions, sorted', () => {
  const { ir } = rewriteIr(module(`${memcpy('%n')}\n  call void @llvm.trap()`, 'declare i64 @sol_log_(i8*, i64)\ndeclare noundef i64 @"quoted name"(i64)'));
  assert.equal(importedFunctions(ir), ['abort', 'quoted name', 'sol_log_', 'sol_memcpy_']);
});

test("Debian's llc rejects the raw module and compiles the rewritten one", () => {
  const input = module([
    '  call void @llvm.memcpy.p0i8.p0i8.i64(i8* noundef nonnull align 1 %dst, i8* noundef nonnull align 1 %src, i64 %n, i1 false) #0',
    '  call void @llvm.memset.p0i8.i64(i8* align 1 %dst, i8 0, i64 %n, i1 false)',
  ].join('\n'));
  const llc = (ir: string, name: string) => {
    const path = join(work, `${name}.ll`);
    writeFileSync(path, ir);
    return spawnSync('llc', ['-march=bpfel', '-mcpu=v2', '-O2', '-filetype=asm', path, '-o', '-'], { encoding: 'utf8' });
  };
  const raw = llc(input, 'raw');
  assert.is.not(raw.status, 0, 'llc cannot lower a variable-size memcpy for BPF');
  assert.match(raw.stderr, "built-in function 'memcpy'");
  const rewritten = llc(rewriteIr(input).ir, 'rewritten');
  assert.is(rewritten.status, 0, rewritten.stderr);
  assert.match(rewritten.stdout, /call\s+sol_memcpy_/);
  assert.match(rewritten.stdout, /call\s+sol_memset_/);
});

test.run();
