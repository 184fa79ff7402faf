/**
 * The SBF linker against real parts: C and LLVM IR fixtures compiled at test time by
 * Debian's clang/llc 14, linked, then loaded and executed by litesvm's real sBPF loader.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import { Keypair, Transaction, TransactionInstruction } from '@solana/web3.js';
import { linkSbf } from '../linker/link.js';
import type { LinkOptions } from '../linker/link.js';
import { SbfLinkError } from '../linker/errors.js';

const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'sbf-linker-test-'));
test.after(() => rmSync(work, { recursive: true, force: true }));

const BPF_C_FLAGS = ['-target', 'bpf', '-mcpu=v2', '-O2', '-fno-builtin', '-ffreestanding', '-c'];

let compiled = 0;

function compileC(source: string, flags: string[] = BPF_C_FLAGS): Uint8Array {
  const out = join(work, `${source}.${++compiled}.o`);
  execFileSync('clang', [...flags, join(fixtures, source), '-o', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Uint8Array(readFileSync(out));
}

function compileIr(source: string): Uint8Array {
  const out = join(work, `${source}.o`);
  execFileSync('llc', ['-march=bpfel', '-mcpu=v2', '-O2', '-filetype=obj', join(fixtures, source), '-o', out]);
  return new Uint8Array(readFileSync(out));
}

interface Execution {
  logs: string[];
  computeUnits: bigint;
  /** InstructionError::Custom code when the program returned one */
  customError: number | null;
  failed: boolean;
}

/** Deploys the linked bytes into a fresh litesvm and sends one instruction without accounts. */
function execute(program: Uint8Array, data: number[]): Execution {
  const svm = new LiteSVM();
  const programId = Keypair.generate().publicKey;
  svm.addProgram(programId, program);
  const payer = Keypair.generate();
  svm.airdrop(payer.publicKey, 1_000_000_000n);
  const tx = new Transaction().add(new TransactionInstruction({ programId, keys: [], data: Buffer.from(data) }));
  tx.recentBlockhash = svm.latestBlockhash();
  tx.feePayer = payer.publicKey;
  tx.sign(payer);
  const result = svm.sendTransaction(tx);
  if (result instanceof FailedTransactionMetadata) {
    const meta = result.meta();
    const error = result.err() as { err?: () => { code?: number } };
    const code = typeof error.err === 'function' ? error.err().code : undefined;
    return { logs: meta.logs(), computeUnits: meta.computeUnitsConsumed(), customError: code ?? null, failed: true };
  }
  return { logs: result.logs(), computeUnits: result.computeUnitsConsumed(), customError: null, failed: false };
}

const programLogs = (e: Execution) => e.logs.filter((l) => l.startsWith('Program log: ')).map((l) => l.slice(13));

function expectLinkError(object: Uint8Array, code: string, fragments: string[], options?: LinkOptions): void {
  try {
    linkSbf(object, options);
  } catch (error) {
    assert.instance(error, SbfLinkError);
    const e = error as SbfLinkError;
    assert.is(e.code, code, e.message);
    for (const fragment of fragments) assert.ok(e.message.includes(fragment), `"${fragment}" missing from: ${e.message}`);
    return;
  }
  assert.unreachable(`linking should fail with ${code}`);
}

/** Rewrites the type of the first relocation in `relName`, parsing the ELF headers independently. */
function withRelocationType(object: Uint8Array, relName: string, type: number): Uint8Array {
  const copy = object.slice();
  const view = new DataView(copy.buffer);
  const shoff = Number(view.getBigUint64(40, true));
  const shnum = view.getUint16(60, true);
  const names = Number(view.getBigUint64(shoff + view.getUint16(62, true) * 64 + 24, true));
  for (let i = 0; i < shnum; i++) {
    const header = shoff + i * 64;
    const nameAt = names + view.getUint32(header, true);
    const name = Buffer.from(copy.subarray(nameAt, copy.indexOf(0, nameAt))).toString();
    if (name !== relName) continue;
    view.setUint32(Number(view.getBigUint64(header + 24, true)) + 8, type, true);
    return copy;
  }
  throw new Error(`no section ${relName}`);
}

test('hello: logs its rodata string through the sol_log_ syscall', () => {
  const run = execute(linkSbf(compileC('hello.c')), []);
  assert.not.ok(run.failed, run.logs.join('\n'));
  assert.equal(programLogs(run), ["Hello from DeCloud's linker"]);
  assert.ok(run.computeUnits > 0n);
  console.log(`hello program: ${run.computeUnits} compute units`);
});

test('calls: in-section, by symbol, across .text sections, static callee at a section offset; sol_log_64_', () => {
  const program = linkSbf(compileC('calls.c'));
  const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
  const addSquare = (a: number, b: number) => a * a + b;
  const triple = (x: number) => 3 * x + 1;
  for (const [a, b] of [[10, 3], [1, 200]] as const) {
    const run = execute(program, [a, b]);
    assert.not.ok(run.failed, run.logs.join('\n'));
    const expected = [fib(a), addSquare(a, b), addSquare(b, 7) ^ 0x55, (triple(a) << 4) | 9, triple(b)];
    assert.equal(programLogs(run), [expected.map((v) => `0x${v.toString(16)}`).join(', ')]);
  }
});

test('pointers in .rodata (R_BPF_64_ABS64: strings, into a string, functions) resolve like lddw addresses', () => {
  const program = linkSbf(compileC('pointer-table.c'));
  const functionPointers = (run: Execution) => {
    const numbers = (programLogs(run)[2] ?? '').split(', ').map((v) => BigInt(v));
    assert.is(numbers.length, 5, run.logs.join('\n'));
    return numbers as [bigint, bigint, bigint, bigint, bigint];
  };
  const first = execute(program, [2, 1, 0, 21]);
  assert.equal(programLogs(first).slice(0, 2), ['two', 'tail-two']);
  const [tableTwice, loadedTwice, twice, square] = functionPointers(first);
  assert.is(tableTwice, loadedTwice);
  assert.is(twice, 42n);
  assert.is(square, 441n);
  const second = execute(program, [3, 0, 1, 12]);
  assert.equal(programLogs(second).slice(0, 2), ['three', 'tail-one']);
  const [tableSquare, loadedSquare] = functionPointers(second);
  assert.is(tableSquare, loadedSquare);
  assert.is.not(tableSquare, tableTwice);
  // Code addresses are in the program region, 0x1_0000_0000 + file offset, past the ELF headers.
  for (const address of [tableTwice, tableSquare]) assert.ok(address > 0x1_0000_0000n && address < 0x1_0001_0000n, address.toString(16));
});

test('llc-built IR with a pointer table in .data.rel.ro links and runs', () => {
  const program = linkSbf(compileIr('relro-table.ll'));
  assert.equal(programLogs(execute(program, [0])), ['left']);
  assert.equal(programLogs(execute(program, [1])), ['right']);
});

test('a returned error code surfaces as that custom program error', () => {
  const program = linkSbf(compileC('custom-error.c'));
  const failing = execute(program, [7]);
  assert.ok(failing.failed);
  assert.is(failing.customError, 6007);
  const passing = execute(program, []);
  assert.not.ok(passing.failed, passing.logs.join('\n'));
});

test('debug info is dropped: -g (R_BPF_64_ABS32/NODYLD32/ABS64 in .debug_*, .BTF) links to the same bytes', () => {
  const plain = linkSbf(compileC('calls.c'));
  const debug = linkSbf(compileC('calls.c', [...BPF_C_FLAGS, '-g']));
  assert.equal(Buffer.compare(plain, debug), 0);
});

test('output is byte-identical across links, independent of the input buffer, and the input is untouched', () => {
  const object = compileC('calls.c');
  const before = object.slice();
  const first = linkSbf(object);
  const padded = new Uint8Array(object.length + 13);
  padded.set(object, 13);
  const second = linkSbf(padded.subarray(13));
  assert.equal(Buffer.compare(first, second), 0);
  assert.equal(Buffer.compare(object, before), 0);
});

test('readelf accepts the output: ET_DYN, EM_BPF, e_flags 0, 4 program headers, sh_addr == sh_offset', () => {
  const path = join(work, 'pointer-table.so');
  writeFileSync(path, linkSbf(compileC('pointer-table.c')));
  const result = spawnSync('readelf', ['-a', '-W', path], { encoding: 'utf8' });
  assert.is(result.status, 0);
  assert.is(result.stderr, '', 'readelf printed warnings');
  const out = result.stdout;
  assert.match(out, /Type:\s+DYN/);
  assert.match(out, /Machine:\s+Linux BPF/);
  assert.match(out, /Flags:\s+0x0\n/);
  assert.match(out, /Number of program headers:\s+4/);
  assert.match(out, /R_BPF_64_RELATIVE|R_BPF_DATA_8/);
  const sections = [...out.matchAll(/^\s+\[\s*\d+\]\s+(\.\S+)\s+\S+\s+([0-9a-f]{16})\s+([0-9a-f]{6,})/gm)];
  assert.equal(sections.map((m) => m[1]), ['.text', '.rodata', '.dynamic', '.dynsym', '.dynstr', '.rel.dyn', '.shstrtab']);
  for (const [, name, addr, off] of sections) assert.is(BigInt(`0x${addr}`), BigInt(`0x${off}`), `${name} sh_addr != sh_offset`);
  assert.match(out, /FUNC\s+GLOBAL\s+DEFAULT\s+1 entrypoint/);
  assert.match(out, /NOTYPE\s+GLOBAL\s+DEFAULT\s+UND sol_log_/);
});

test('rejects writable globals, naming them and the fix', () => {
  expectLinkError(compileC('writable-global.c'), 'WRITABLE_DATA', ['counter', 'zeroed_total', '.data', '.bss', 'const']);
});

test('rejects a call to an undefined non-syscall symbol, naming it', () => {
  expectLinkError(compileC('undefined-call.c'), 'UNDEFINED_SYMBOL', ['helper_from_elsewhere', 'syscall']);
});

test('rejects garbage, non-BPF ELF and truncated ELF input with codes', () => {
  expectLinkError(new TextEncoder().encode('definitely not an object file'), 'NOT_BPF_OBJECT', ['ELF']);
  expectLinkError(new Uint8Array(0), 'NOT_BPF_OBJECT', ['ELF']);
  expectLinkError(compileC('hello.c', ['-O2', '-ffreestanding', '-c']), 'NOT_BPF_OBJECT', ['EM_BPF']);
  expectLinkError(linkSbf(compileC('hello.c')), 'NOT_BPF_OBJECT', ['ET_REL']);
  const hello = compileC('hello.c');
  expectLinkError(hello.subarray(0, 40), 'MALFORMED_ELF', ['truncated']);
  expectLinkError(hello.subarray(0, hello.length - 64), 'MALFORMED_ELF', ['truncated']);
});

test('rejects a relocation type the loader cannot apply, naming type, section and symbol', () => {
  const R_BPF_64_ABS32 = 3;
  expectLinkError(withRelocationType(compileC('hello.c'), '.rel.text', R_BPF_64_ABS32), 'UNSUPPORTED_RELOCATION', ['R_BPF_64_ABS32', '.text', '`.']);
});

test('rejects an object without the entrypoint symbol', () => {
  expectLinkError(compileC('hello.c'), 'NO_ENTRYPOINT', ['process_instruction'], { entrypoint: 'process_instruction' });
});

test('corrupted or truncated objects give SbfLinkError, never another exception', () => {
  const bases = [compileC('hello.c'), compileC('pointer-table.c'), compileIr('relro-table.ll')];
  fc.assert(
    fc.property(
      fc.constantFrom(...bases),
      fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }),
      fc.option(fc.nat()),
      (base, flips, cut) => {
        const bytes = base.slice();
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        const input = cut === null ? bytes : bytes.subarray(0, cut % bytes.length);
        try {
          assert.instance(linkSbf(input), Uint8Array);
        } catch (error) {
          if (!(error instanceof SbfLinkError)) throw error;
        }
      },
    ),
    { numRuns: 500 },
  );
});

test.run();
