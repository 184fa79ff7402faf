import { SbfLinkError } from './errors.js';
import type { BpfObject, InputSection } from './elf-reader.js';
import { SHF, SHN, SHT, STT } from './elf-format.js';

/**
 * Where an input section goes in the program: merged `.text`, merged `.rodata`, nowhere
 * (debug info, BTF, symbol tables, unwind tables), or nowhere because sBPF v0 has no
 * writable data.
 */
export type SectionRole = 'text' | 'rodata' | 'writable' | 'ignored';

/** `.data.rel.ro` is writable only until relocation; the loader maps it read-only. */
const isRelro = (s: InputSection) => s.name.startsWith('.data.rel.ro');

/** Unwind tables: llc emits them for IR without `nounwind`, and nothing on sBPF unwinds. */
const isUnwindTable = (s: InputSection) => s.name.startsWith('.eh_frame');

export function sectionRole(s: InputSection): SectionRole {
  if ((s.flags & SHF.ALLOC) === 0 || isUnwindTable(s)) return 'ignored';
  if ((s.flags & SHF.WRITE) !== 0 && !isRelro(s)) return s.size > 0 ? 'writable' : 'ignored';
  if (s.type !== SHT.PROGBITS && s.type !== SHT.NOBITS) return 'ignored';
  return (s.flags & SHF.EXECINSTR) !== 0 ? 'text' : 'rodata';
}

export interface SectionsByRole {
  text: InputSection[];
  rodata: InputSection[];
}

/** Splits the loadable sections; rejects writable data, naming the globals that need `const`. */
export function sectionsByRole(object: BpfObject): SectionsByRole {
  rejectWritableData(object);
  return {
    text: object.sections.filter((s) => sectionRole(s) === 'text'),
    rodata: object.sections.filter((s) => sectionRole(s) === 'rodata'),
  };
}

function rejectWritableData(object: BpfObject): void {
  const writable = object.sections.filter((s) => sectionRole(s) === 'writable');
  const common = object.symbols.filter((sym) => sym.sectionIndex === SHN.COMMON);
  if (writable.length === 0 && common.length === 0) return;
  const holders = writable.map((section) => {
    const names = object.symbols
      .filter((sym) => sym.sectionIndex === section.index && sym.type !== STT.SECTION && sym.type !== STT.FILE && sym.name !== '')
      .map((sym) => `\`${sym.name}\``);
    return `${section.name} (${section.size} bytes${names.length ? `: ${names.join(', ')}` : ''})`;
  });
  holders.push(...common.map((sym) => `common symbol \`${sym.name}\``));
  throw new SbfLinkError(
    'WRITABLE_DATA',
    `writable global data is not supported by Solana sBPF v0, found ${holders.join('; ')}. ` +
      'Make the global const / immutable (C: `const`; Rust: no `static mut` or interior mutability in a static) ' +
      'and keep mutable state in account data, on the stack or in the heap region.',
  );
}
