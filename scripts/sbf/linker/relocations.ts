import { SbfLinkError, hex } from './errors.js';
import type { BpfObject, InputRelocation, InputSection, InputSymbol } from './elf-reader.js';
import { sectionRole } from './section-roles.js';
import { INSN_SIZE, OPCODE_CALL_IMM, OPCODE_LDDW, R_BPF, relocationTypeName } from './elf-format.js';
import { MAX_DYNAMIC_NAME_BYTES, isSyscallName, locateSymbol } from './symbols.js';
import type { MergedOutput } from './symbols.js';

/** A byte offset inside merged `.text` or `.rodata`. */
export interface Place {
  section: 'text' | 'rodata';
  offset: number;
}

/** What one input relocation becomes; `context` names it in error messages. */
export type PlannedRelocation = { context: string } & (
  /** `lddw rX, sym+addend`: absolute address patched in, R_BPF_64_RELATIVE for the loader. */
  | { kind: 'address-load'; at: number; target: Place }
  /** A 64-bit pointer stored in read-only data: R_BPF_64_RELATIVE with the v0 layout. */
  | { kind: 'data-pointer'; at: number; target: Place }
  /** `call` to a function of this object: pc-relative, no loader work. */
  | { kind: 'internal-call'; at: number; target: number }
  /** `call` to a runtime syscall: imm -1 and R_BPF_64_32 against a dynamic symbol. */
  | { kind: 'syscall'; at: number; name: string }
);

/** Whether the runtime loader has to see this relocation (an entry in `.rel.dyn`). */
export const needsLoaderRelocation = (plan: PlannedRelocation): boolean => plan.kind !== 'internal-call';

/** Decides what every relocation of a loaded section becomes; debug/BTF relocations are dropped. */
export function planRelocations(object: BpfObject, merged: MergedOutput): PlannedRelocation[] {
  const plans: PlannedRelocation[] = [];
  for (const group of object.relocationSections) {
    const section = object.sections[group.targetIndex];
    if (section === undefined) continue;
    const role = sectionRole(section);
    if (role !== 'text' && role !== 'rodata') continue;
    if (group.explicitAddends) {
      throw new SbfLinkError('UNSUPPORTED_RELOCATION', `${group.name} is an SHT_RELA section; LLVM's BPF backend writes SHT_REL only, compile with clang/llc for bpfel`);
    }
    const base = merged[role].placements.get(section.index) ?? 0;
    for (const relocation of group.relocations) {
      const plan = planOne(object, merged, section, role, base, relocation);
      if (plan !== null) plans.push(plan);
    }
  }
  return plans;
}

function planOne(
  object: BpfObject, merged: MergedOutput, section: InputSection, role: 'text' | 'rodata', base: number, r: InputRelocation,
): PlannedRelocation | null {
  const symbol = object.symbols[r.symbolIndex] as InputSymbol;
  const typeName = relocationTypeName(r.type);
  const context = `${typeName} in ${section.name} at ${hex(r.offset)} against \`${symbol.name || `symbol ${symbol.index}`}\``;
  const at = base + r.offset;
  const view = new DataView(section.data.buffer, section.data.byteOffset, section.data.byteLength);
  const need = (bytes: number, what: string) => {
    if (r.offset + bytes > section.data.length) {
      throw new SbfLinkError('MALFORMED_ELF', `${context}: the ${what} it patches runs past the end of the section; rebuild the object`);
    }
  };
  const expectOpcode = (opcode: number, what: string) => {
    if (view.getUint8(r.offset) !== opcode) {
      throw new SbfLinkError('UNSUPPORTED_RELOCATION', `${context}: expected ${what} (opcode ${hex(opcode)}) there, found ${hex(view.getUint8(r.offset))}`);
    }
  };
  const unsupported = (why: string) => new SbfLinkError('UNSUPPORTED_RELOCATION', `${context}: ${why}`);
  if (role === 'text' && r.offset % INSN_SIZE !== 0) {
    throw new SbfLinkError('MALFORMED_ELF', `${context}: the offset is not on an instruction boundary; rebuild the object`);
  }

  switch (r.type) {
    case R_BPF.NONE:
      return null;
    case R_BPF.R64_64: {
      if (role !== 'text') throw unsupported('R_BPF_64_64 patches an lddw instruction and may only appear in code');
      need(2 * INSN_SIZE, 'lddw instruction');
      expectOpcode(OPCODE_LDDW, 'lddw');
      const target = dataTarget(object, symbol, merged, context, view.getInt32(r.offset + 4, true));
      return { context, kind: 'address-load', at, target };
    }
    case R_BPF.ABS64: {
      if (role !== 'rodata') throw unsupported('a 64-bit data pointer inside code cannot be relocated by the sBPF v0 loader');
      need(8, '64-bit pointer');
      const target = dataTarget(object, symbol, merged, context, safeAddend(view.getBigInt64(r.offset, true), context));
      return { context, kind: 'data-pointer', at, target };
    }
    case R_BPF.R64_32: {
      if (role !== 'text') throw unsupported('R_BPF_64_32 patches a call instruction and may only appear in code');
      need(INSN_SIZE, 'call instruction');
      expectOpcode(OPCODE_CALL_IMM, 'call');
      const location = locateSymbol(object, symbol, merged);
      if (location.kind === 'undefined') return { context, kind: 'syscall', at, name: syscallName(symbol) };
      if (location.kind === 'not-loaded') throw unsupported(`the callee lives in ${location.where}`);
      if (location.kind === 'rodata') throw unsupported('the callee is read-only data, not code');
      // LLVM encodes the callee as symbol + (imm + 1) instructions (imm is -1 for a function symbol).
      const target = location.offset + (view.getInt32(r.offset + 4, true) + 1) * INSN_SIZE;
      if (target < 0 || target >= merged.text.bytes.length || target % INSN_SIZE !== 0) {
        throw new SbfLinkError('MALFORMED_ELF', `${context}: the callee offset ${hex(target)} is not an instruction in .text; rebuild the object`);
      }
      return { context, kind: 'internal-call', at, target };
    }
    default:
      throw unsupported(`the sBPF v0 loader has no equivalent for ${typeName}; only R_BPF_64_64 (lddw), R_BPF_64_32 (call) and R_BPF_64_ABS64 (pointers in read-only data) can be linked`);
  }
}

function dataTarget(object: BpfObject, symbol: InputSymbol, merged: MergedOutput, context: string, addend: number): Place {
  const location = locateSymbol(object, symbol, merged);
  if (location.kind === 'undefined') {
    throw new SbfLinkError('UNDEFINED_SYMBOL', `${context}: the address of \`${symbol.name}\` is taken but it is not defined in the object; only calls to syscalls may stay undefined, define it in the program`);
  }
  if (location.kind === 'not-loaded') {
    throw new SbfLinkError('UNSUPPORTED_RELOCATION', `${context}: the symbol lives in ${location.where}; only code and read-only data can be referenced`);
  }
  return { section: location.kind, offset: location.offset + addend };
}

function safeAddend(value: bigint, context: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new SbfLinkError('MALFORMED_ELF', `${context}: addend ${value} is far outside the program; rebuild the object`);
  }
  return Number(value);
}

function syscallName(symbol: InputSymbol): string {
  const bytes = new TextEncoder().encode(symbol.name).length;
  if (!isSyscallName(symbol.name) || bytes > MAX_DYNAMIC_NAME_BYTES) {
    const why = isSyscallName(symbol.name)
      ? `its name is ${bytes} bytes and the loader resolves at most ${MAX_DYNAMIC_NAME_BYTES}`
      : 'it is not a Solana syscall (sol_* or abort)';
    throw new SbfLinkError(
      'UNDEFINED_SYMBOL',
      `\`${symbol.name || `symbol ${symbol.index}`}\` is called but not defined in the object, and ${why}; define it in the program ` +
        '(e.g. memcpy/memset on top of sol_memcpy_/sol_memset_) or compile its source into the same object',
    );
  }
  return symbol.name;
}

export interface DynamicRelocation {
  address: number;
  type: number;
  /** index in `.dynsym`; 0 for R_BPF_64_RELATIVE */
  symbol: number;
}

export interface PatchTarget {
  text: Uint8Array;
  rodata: Uint8Array;
  /** final (file offset == virtual) address of each merged section */
  addresses: { text: number; rodata: number };
  imageSize: number;
  dynamicSymbolIndex: (name: string) => number;
}

/** Patches the merged bytes in place and returns the loader's relocations, sorted by address. */
export function applyRelocations(plans: readonly PlannedRelocation[], out: PatchTarget): DynamicRelocation[] {
  const text = new DataView(out.text.buffer, out.text.byteOffset, out.text.byteLength);
  const rodata = new DataView(out.rodata.buffer, out.rodata.byteOffset, out.rodata.byteLength);
  const dynamic: DynamicRelocation[] = [];
  for (const plan of plans) {
    switch (plan.kind) {
      case 'address-load': {
        const address = absoluteAddress(plan.target, plan.context, out);
        text.setUint32(plan.at + 4, address, true);
        text.setUint32(plan.at + INSN_SIZE + 4, 0, true);
        dynamic.push({ address: out.addresses.text + plan.at, type: R_BPF.RELATIVE, symbol: 0 });
        break;
      }
      case 'data-pointer': {
        // sBPF v0 reads the pointer's low 32 bits from offset + 4 and rewrites all 8 bytes.
        const address = absoluteAddress(plan.target, plan.context, out);
        rodata.setUint32(plan.at, 0, true);
        rodata.setUint32(plan.at + 4, address, true);
        dynamic.push({ address: out.addresses.rodata + plan.at, type: R_BPF.RELATIVE, symbol: 0 });
        break;
      }
      case 'internal-call':
        text.setInt32(plan.at + 4, (plan.target - plan.at) / INSN_SIZE - 1, true);
        break;
      case 'syscall':
        text.setInt32(plan.at + 4, -1, true);
        dynamic.push({ address: out.addresses.text + plan.at, type: R_BPF.R64_32, symbol: out.dynamicSymbolIndex(plan.name) });
        break;
    }
  }
  return dynamic.sort((a, b) => a.address - b.address);
}

/** The loader adds the program base to a 32-bit image address; 0 is its "unrelocated" marker. */
function absoluteAddress(target: Place, context: string, out: PatchTarget): number {
  const address = out.addresses[target.section] + target.offset;
  if (address <= 0 || address > out.imageSize) {
    throw new SbfLinkError('UNSUPPORTED_RELOCATION', `${context}: the target address ${address} lies outside the ${out.imageSize}-byte program`);
  }
  return address;
}
