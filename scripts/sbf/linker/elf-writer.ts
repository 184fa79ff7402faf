import type { OutputLayout, Span } from './layout.js';
import { PROGRAM_HEADER_COUNT } from './layout.js';
import type { DynamicRelocation } from './relocations.js';
import type { StringTable } from './string-table.js';
import { buildStringTable } from './string-table.js';
import {
  DT, ELF_MAGIC, ELFCLASS64, ELFDATA2LSB, EM_BPF, ET, EV_CURRENT, PF, PT, SHF, SHT, SIZE, STB,
} from './elf-format.js';

/** Output sections in header order; the loader wants `.text` and `.rodata` adjacent. */
const SECTION_NAMES = ['', '.text', '.rodata', '.dynamic', '.dynsym', '.dynstr', '.rel.dyn', '.shstrtab'] as const;
export const TEXT_SECTION_INDEX = 1;
const DYNSYM_INDEX = 4;
const DYNSTR_INDEX = 5;
const SHSTRTAB_INDEX = 7;
export const OUTPUT_SECTION_COUNT = SECTION_NAMES.length;
export const SECTION_NAME_TABLE = buildStringTable(SECTION_NAMES);

export interface DynamicSymbol {
  name: string;
  value: number;
  type: number;
  sectionIndex: number;
}

type DynamicTag = readonly [tag: number, value: (layout: OutputLayout) => number];

/** The tags the loader reads (DT_NUM range) plus sizes that make readelf happy; DT_REL only with entries. */
export function dynamicTags(hasRelocations: boolean): DynamicTag[] {
  const relocationTags: DynamicTag[] = [
    [DT.REL, (l) => l.relDyn.offset],
    [DT.RELSZ, (l) => l.relDyn.size],
    [DT.RELENT, () => SIZE.REL],
  ];
  return [
    [DT.SYMTAB, (l) => l.dynsym.offset],
    [DT.SYMENT, () => SIZE.SYM],
    [DT.STRTAB, (l) => l.dynstr.offset],
    [DT.STRSZ, (l) => l.dynstr.size],
    ...(hasRelocations ? relocationTags : []),
    [DT.NULL, () => 0],
  ];
}

export interface SharedObject {
  layout: OutputLayout;
  entry: number;
  text: Uint8Array;
  rodata: Uint8Array;
  rodataAlign: number;
  /** without the mandatory null symbol at index 0 */
  dynamicSymbols: readonly DynamicSymbol[];
  dynstr: StringTable;
  relocations: readonly DynamicRelocation[];
}

/** Serializes an sBPF v0 shared object: ET_DYN, EM_BPF, e_flags 0, sh_addr == sh_offset. */
export function writeSharedObject(so: SharedObject): Uint8Array {
  const { layout } = so;
  const bytes = new Uint8Array(layout.fileSize);
  const view = new DataView(bytes.buffer);
  const u16 = (at: number, v: number) => view.setUint16(at, v, true);
  const u32 = (at: number, v: number) => view.setUint32(at, v, true);
  const u64 = (at: number, v: number) => view.setBigUint64(at, BigInt(v), true);

  bytes.set(ELF_MAGIC, 0);
  bytes.set([ELFCLASS64, ELFDATA2LSB, EV_CURRENT], 4);
  u16(16, ET.DYN);
  u16(18, EM_BPF);
  u32(20, EV_CURRENT);
  u64(24, so.entry);
  u64(32, layout.programHeaders.offset);
  u64(40, layout.sectionHeaders.offset);
  u32(48, 0); // e_flags 0 = sBPF v0
  u16(52, SIZE.EHDR);
  u16(54, SIZE.PHDR);
  u16(56, PROGRAM_HEADER_COUNT);
  u16(58, SIZE.SHDR);
  u16(60, OUTPUT_SECTION_COUNT);
  u16(62, SHSTRTAB_INDEX);

  const tables: Span = { offset: layout.dynamic.offset, size: layout.relDyn.offset + layout.relDyn.size - layout.dynamic.offset };
  const segments: Array<[type: number, flags: number, span: Span, align: number]> = [
    [PT.LOAD, PF.R | PF.X, layout.text, 8],
    [PT.LOAD, PF.R, layout.rodata, so.rodataAlign],
    [PT.LOAD, PF.R, tables, 8],
    [PT.DYNAMIC, PF.R, layout.dynamic, 8],
  ];
  segments.forEach(([type, flags, span, align], i) => {
    const at = layout.programHeaders.offset + i * SIZE.PHDR;
    u32(at, type);
    u32(at + 4, flags);
    u64(at + 8, span.offset);
    u64(at + 16, span.offset);
    u64(at + 24, span.offset);
    u64(at + 32, span.size);
    u64(at + 40, span.size);
    u64(at + 48, align);
  });

  bytes.set(so.text, layout.text.offset);
  bytes.set(so.rodata, layout.rodata.offset);

  dynamicTags(so.relocations.length > 0).forEach(([tag, value], i) => {
    u64(layout.dynamic.offset + i * SIZE.DYN, tag);
    u64(layout.dynamic.offset + i * SIZE.DYN + 8, value(layout));
  });

  so.dynamicSymbols.forEach((sym, i) => {
    const at = layout.dynsym.offset + (i + 1) * SIZE.SYM;
    u32(at, so.dynstr.offsetOf(sym.name));
    bytes[at + 4] = (STB.GLOBAL << 4) | sym.type;
    u16(at + 6, sym.sectionIndex);
    u64(at + 8, sym.value);
  });
  bytes.set(so.dynstr.bytes, layout.dynstr.offset);

  so.relocations.forEach((r, i) => {
    const at = layout.relDyn.offset + i * SIZE.REL;
    u64(at, r.address);
    u32(at + 8, r.type);
    u32(at + 12, r.symbol);
  });
  bytes.set(SECTION_NAME_TABLE.bytes, layout.shstrtab.offset);

  const sections: Array<[type: number, flags: number, span: Span, link: number, info: number, align: number, entsize: number]> = [
    [SHT.PROGBITS, SHF.ALLOC | SHF.EXECINSTR, layout.text, 0, 0, 8, 0],
    [SHT.PROGBITS, SHF.ALLOC, layout.rodata, 0, 0, so.rodataAlign, 0],
    [SHT.DYNAMIC, SHF.ALLOC, layout.dynamic, DYNSTR_INDEX, 0, 8, SIZE.DYN],
    // sh_info: index of the first non-local symbol; every dynamic symbol is global.
    [SHT.DYNSYM, SHF.ALLOC, layout.dynsym, DYNSTR_INDEX, 1, 8, SIZE.SYM],
    [SHT.STRTAB, SHF.ALLOC, layout.dynstr, 0, 0, 1, 0],
    [SHT.REL, SHF.ALLOC, layout.relDyn, DYNSYM_INDEX, 0, 8, SIZE.REL],
    [SHT.STRTAB, 0, layout.shstrtab, 0, 0, 1, 0],
  ];
  sections.forEach(([type, flags, span, link, info, align, entsize], i) => {
    const at = layout.sectionHeaders.offset + (i + 1) * SIZE.SHDR;
    u32(at, SECTION_NAME_TABLE.offsetOf(SECTION_NAMES[i + 1] as string));
    u32(at + 4, type);
    u64(at + 8, flags);
    u64(at + 16, span.offset);
    u64(at + 24, span.offset);
    u64(at + 32, span.size);
    u32(at + 40, link);
    u32(at + 44, info);
    u64(at + 48, align);
    u64(at + 56, entsize);
  });
  return bytes;
}
