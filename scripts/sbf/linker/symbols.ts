import { SbfLinkError, hex } from './errors.js';
import type { BpfObject, InputSymbol } from './elf-reader.js';
import type { MergedSection } from './section-merge.js';
import { INSN_SIZE, SHN, STB, STT } from './elf-format.js';

/** Where a symbol ends up: an offset in merged `.text` / `.rodata`, undefined, or somewhere not loaded. */
export type SymbolLocation =
  | { kind: 'text' | 'rodata'; offset: number }
  | { kind: 'undefined' }
  | { kind: 'not-loaded'; where: string };

export interface MergedOutput {
  text: MergedSection;
  rodata: MergedSection;
}

export function locateSymbol(object: BpfObject, symbol: InputSymbol, merged: MergedOutput): SymbolLocation {
  if (symbol.sectionIndex === SHN.UNDEF) return { kind: 'undefined' };
  if (symbol.sectionIndex >= SHN.LORESERVE) return { kind: 'not-loaded', where: `special section ${hex(symbol.sectionIndex)}` };
  const section = object.sections[symbol.sectionIndex];
  for (const kind of ['text', 'rodata'] as const) {
    const base = merged[kind].placements.get(symbol.sectionIndex);
    if (base === undefined || section === undefined) continue;
    if (symbol.value > section.size) {
      throw new SbfLinkError('MALFORMED_ELF', `symbol ${symbol.name} has value ${hex(symbol.value)} past the end of ${section.name} (${section.size} bytes); rebuild the object`);
    }
    return { kind, offset: base + symbol.value };
  }
  return { kind: 'not-loaded', where: `section ${section?.name ?? symbol.sectionIndex}, which is not loaded` };
}

/** Names the Solana runtime resolves at load time (by murmur3 hash), so calls to them may stay undefined. */
export function isSyscallName(name: string): boolean {
  return name.startsWith('sol_') || name === 'abort';
}

/** The loader reads dynamic symbol names through a 64-byte window that must hold the NUL. */
export const MAX_DYNAMIC_NAME_BYTES = 63;

/** Offset in merged `.text` of the function the runtime enters. */
export function findEntrypoint(object: BpfObject, merged: MergedOutput, name: string): number {
  const candidates = object.symbols
    .filter((s) => s.name === name && s.type !== STT.SECTION && s.type !== STT.FILE && s.sectionIndex !== SHN.UNDEF)
    .sort((a, b) => bindingRank(a) - bindingRank(b) || a.index - b.index);
  const symbol = candidates[0];
  if (symbol === undefined) {
    throw new SbfLinkError('NO_ENTRYPOINT', `the object defines no symbol \`${name}\`; define \`uint64_t ${name}(const uint8_t *input)\` (Rust: \`#[no_mangle] pub extern "C" fn ${name}\`) or pass LinkOptions.entrypoint`);
  }
  const location = locateSymbol(object, symbol, merged);
  if (location.kind !== 'text') {
    throw new SbfLinkError('NO_ENTRYPOINT', `entrypoint \`${name}\` is not a function in a code section; make it a function`);
  }
  if (location.offset % INSN_SIZE !== 0 || location.offset >= merged.text.bytes.length) {
    throw new SbfLinkError('NO_ENTRYPOINT', `entrypoint \`${name}\` is at ${hex(location.offset)} in .text, not on an instruction; rebuild the object`);
  }
  return location.offset;
}

/** Prefers a global definition over a weak or local one of the same name. */
function bindingRank(s: InputSymbol): number {
  return s.bind === STB.GLOBAL ? 0 : s.bind === STB.WEAK ? 1 : 2;
}
