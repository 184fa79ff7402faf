/**
 * Rewrites rustc's LLVM IR (text) so the upstream BPF backend can compile it for Solana:
 * memory intrinsics it would lower to libcalls become calls to the runtime's memory
 * syscalls, and `llvm.trap` (panics, with `panic_immediate_abort`) becomes the `abort`
 * syscall. Pure: text in, text out.
 */
import { SbfBuildError } from './build-error.js';

/**
 * Constant-size intrinsics needing more loads/stores than this (size / alignment) become
 * syscalls too: a memory syscall costs ~10 compute units whatever the size (up to 2.5 KB),
 * an inline copy two instructions per store, and above 128 stores the backend would emit
 * a `memcpy` call it cannot compile.
 */
export const INLINE_STORE_LIMIT = 16;

export type MemoryIntrinsic = 'memcpy' | 'memmove' | 'memset';

export interface RewriteCounts {
  memcpy: number;
  memmove: number;
  memset: number;
  trap: number;
}

export interface IrRewrite {
  ir: string;
  counts: RewriteCounts;
}

const SYSCALL: Record<MemoryIntrinsic, string> = { memcpy: 'sol_memcpy_', memmove: 'sol_memmove_', memset: 'sol_memset_' };
const ABORT = 'abort';
const INTRINSIC_CALL = /\bcall void @llvm\.(memcpy|memmove|memset)\.(?:p0i8\.p0i8|p0i8|p0\.p0|p0)\.i\d+\(/;
const TRAP_CALL = /\bcall void @llvm\.trap\(\)/;

export function rewriteIr(ir: string): IrRewrite {
  const counts: RewriteCounts = { memcpy: 0, memmove: 0, memset: 0, trap: 0 };
  /** Parameter types of each syscall the rewritten calls need declared. */
  const needed = new Map<string, string[]>();
  const lines = ir.split('\n').map((line) => {
    const memory = INTRINSIC_CALL.exec(line);
    if (memory) {
      const rewritten = rewriteMemoryCall(line, memory.index, memory.index + memory[0].length, memory[1] as MemoryIntrinsic);
      if (!rewritten) return line;
      counts[rewritten.kind] += 1;
      needed.set(SYSCALL[rewritten.kind], rewritten.paramTypes);
      return rewritten.line;
    }
    if (TRAP_CALL.test(line)) {
      counts.trap += 1;
      needed.set(ABORT, []);
      return line.replace('@llvm.trap()', `@${ABORT}()`);
    }
    return line;
  });
  // Drop `declare void @llvm.trap()` once the rewrite left nothing calling it.
  const trapUsed = lines.some((line) => !line.startsWith('declare') && line.includes('@llvm.trap('));
  const kept = counts.trap > 0 && !trapUsed ? lines.filter((line) => declaredName(line) !== 'llvm.trap') : lines;
  return { ir: ensureDeclarations(kept, needed).join('\n'), counts };
}

/** The names a module calls but does not define (its `declare`s), LLVM intrinsics excluded. */
export function importedFunctions(ir: string): string[] {
  const names: string[] = [];
  for (const line of ir.split('\n')) {
    const name = declaredName(line);
    if (name && !name.startsWith('llvm.')) names.push(name);
  }
  return names.sort();
}

interface RewrittenCall {
  kind: MemoryIntrinsic;
  line: string;
  paramTypes: string[];
}

/** `call void @llvm.memcpy.*(dst, src, len, volatile)` -> `call void @sol_memcpy_(dst, src, len)`. */
function rewriteMemoryCall(line: string, callStart: number, openEnd: number, kind: MemoryIntrinsic): RewrittenCall | undefined {
  const close = matchingParen(line, openEnd - 1);
  const args = splitTopLevel(line.slice(openEnd, close));
  const [dst, srcOrValue, len] = args;
  if (args.length !== 4 || dst === undefined || srcOrValue === undefined || len === undefined) {
    throw new SbfBuildError('IR_REWRITE', `unexpected ${kind} call (want 4 arguments): ${line.trim()}`);
  }
  const [lenType, lenValue] = typeAndValue(len);
  if (lenType !== 'i64') {
    throw new SbfBuildError('IR_REWRITE', `${kind} with a ${lenType} length is not supported (the syscalls take u64): ${line.trim()}`);
  }
  if (/^\d+$/.test(lenValue) && inlineStores(Number(lenValue), kind === 'memset' ? [dst] : [dst, srcOrValue]) <= INLINE_STORE_LIMIT) {
    return undefined;
  }
  const head = line.slice(0, callStart);
  const tail = line.slice(close + 1);
  const paramTypes = [typeAndValue(dst)[0], typeAndValue(srcOrValue)[0], lenType];
  return { kind, line: `${head}call void @${SYSCALL[kind]}(${dst}, ${srcOrValue}, ${len})${tail}`, paramTypes };
}

/** How many loads/stores the backend needs for `size` bytes at the pointers' `align N`. */
function inlineStores(size: number, pointers: string[]): number {
  const align = Math.min(...pointers.map((p) => Number(/\balign (\d+)\b/.exec(p)?.[1] ?? 1)));
  return Math.ceil(size / Math.min(align, 8));
}

/** Adds a `declare` for each needed syscall, or checks the module's own matches the calls. */
function ensureDeclarations(lines: string[], needed: Map<string, string[]>): string[] {
  const out = [...lines];
  for (const [name, paramTypes] of [...needed].sort(([a], [b]) => a.localeCompare(b))) {
    const existing = lines.find((line) => declaredName(line) === name);
    if (existing === undefined) {
      out.push(name === ABORT ? `declare void @${ABORT}() noreturn nounwind` : `declare void @${name}(${paramTypes.join(', ')})`);
      continue;
    }
    const existingTypes = declaredParamTypes(existing);
    if (name !== ABORT && existingTypes.join(',') !== paramTypes.join(',')) {
      throw new SbfBuildError(
        'IR_REWRITE',
        `the program declares ${name}(${existingTypes.join(', ')}) but the rewrite calls it with (${paramTypes.join(', ')}): ` +
          'fix its signature in program/src/runtime/syscalls.rs',
      );
    }
  }
  return out;
}

function declaredName(line: string): string | undefined {
  return /^declare\b[^@]*@("[^"]+"|[\w.$-]+)\(/.exec(line)?.[1]?.replace(/^"|"$/g, '');
}

function declaredParamTypes(line: string): string[] {
  const open = line.indexOf('(', line.indexOf('@'));
  const params = line.slice(open + 1, matchingParen(line, open));
  return params.trim() === '' ? [] : splitTopLevel(params).map((param) => typeAndValue(param)[0]);
}

/** Splits `i8* noundef align 1 %x` into its type (`i8*`) and its value (`%x`, the last token). */
function typeAndValue(arg: string): [string, string] {
  const trimmed = arg.trim();
  const match = /^(ptr|i\d+\**|\w+\*+)(?:\s+(.*))?$/.exec(trimmed);
  if (!match) throw new SbfBuildError('IR_REWRITE', `cannot read the type of argument \`${trimmed}\``);
  const rest = match[2] ?? '';
  return [match[1] as string, rest.split(/\s+/).at(-1) ?? ''];
}

/** Index of the parenthesis closing the one at `open`, skipping quoted names. */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let i = open; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth += 1;
    if (c === ')' && --depth === 0) return i;
  }
  throw new SbfBuildError('IR_REWRITE', `unbalanced parentheses in: ${text.trim()}`);
}

/** Splits at commas outside (), [], {}, <> and quotes (constant expressions nest them). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (c === '"') quoted = !quoted;
    if (quoted) continue;
    if ('([{<'.includes(c)) depth += 1;
    else if (')]}>'.includes(c)) depth -= 1;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}
