import { BoundedReader } from './bounded-reader.js';
import { SbfLinkError, hex } from './errors.js';
import { ELF_MAGIC, ELFCLASS64, ELFDATA2LSB, EM_BPF, ET, SHN, SHT, SIZE, STT } from './elf-format.js';

/** One section of the relocatable object; `data` is empty for SHT_NOBITS. */
export interface InputSection {
  index: number;
  name: string;
  type: number;
  flags: number;
  size: number;
  align: number;
  link: number;
  info: number;
  data: Uint8Array;
}

export interface InputSymbol {
  index: number;
  /** For section symbols, the section's name (their own name is empty). */
  name: string;
  value: number;
  size: number;
  bind: number;
  type: number;
  sectionIndex: number;
}

export interface InputRelocation {
  offset: number;
  type: number;
  symbolIndex: number;
}

export interface RelocationSection {
  name: string;
  /** SHT_RELA carries explicit addends; LLVM's BPF backend only writes SHT_REL. */
  explicitAddends: boolean;
  targetIndex: number;
  relocations: InputRelocation[];
}

export interface BpfObject {
  sections: InputSection[];
  symbols: InputSymbol[];
  relocationSections: RelocationSection[];
}

interface SectionHeader {
  nameOffset: number;
  type: number;
  flags: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
}

const decoder = new TextDecoder('utf-8');

/** Parses an ELF64 little-endian EM_BPF relocatable object (what `clang -c` / `llc -filetype=obj` write). */
export function readBpfObject(bytes: Uint8Array): BpfObject {
  const reader = new BoundedReader(bytes);
  checkIdentity(reader);
  const headers = readSectionHeaders(reader);
  const shstrndx = reader.u16(62, 'e_shstrndx');
  const names = headers[shstrndx];
  if (names === undefined || names.type !== SHT.STRTAB) {
    throw new SbfLinkError('MALFORMED_ELF', `e_shstrndx ${shstrndx} does not name a string table (${headers.length} sections); the object is corrupt, rebuild it`);
  }
  const sections = headers.map((h, index) => toSection(reader, h, index, names));
  const symbols = readSymbols(reader, headers, sections);
  const relocationSections = readRelocationSections(reader, headers, sections, symbols.length);
  return { sections, symbols, relocationSections };
}

function checkIdentity(reader: BoundedReader): void {
  const isElf = reader.length >= ELF_MAGIC.length && ELF_MAGIC.every((b, i) => reader.bytes[i] === b);
  if (!isElf) {
    throw new SbfLinkError('NOT_BPF_OBJECT', 'input is not an ELF file (no \\x7fELF magic); pass the .o written by `clang -target bpf -c` or `llc -march=bpfel -filetype=obj`');
  }
  if (reader.length < SIZE.EHDR) {
    throw new SbfLinkError('MALFORMED_ELF', `ELF header is truncated (${reader.length} of ${SIZE.EHDR} bytes); rebuild the object`);
  }
  if (reader.u8(4, 'EI_CLASS') !== ELFCLASS64 || reader.u8(5, 'EI_DATA') !== ELFDATA2LSB) {
    throw new SbfLinkError('NOT_BPF_OBJECT', 'input is not a 64-bit little-endian ELF; compile with `-target bpf` (bpfel)');
  }
  const machine = reader.u16(18, 'e_machine');
  if (machine !== EM_BPF) {
    throw new SbfLinkError('NOT_BPF_OBJECT', `input is an ELF for machine ${machine}, not EM_BPF (${EM_BPF}); compile with \`clang -target bpf\` or \`llc -march=bpfel\``);
  }
  const type = reader.u16(16, 'e_type');
  if (type !== ET.REL) {
    throw new SbfLinkError('NOT_BPF_OBJECT', `input has e_type ${type}, not ET_REL (1): it is already linked; pass the relocatable .o instead`);
  }
}

function readSectionHeaders(reader: BoundedReader): SectionHeader[] {
  const shoff = reader.u64(40, 'e_shoff');
  const shentsize = reader.u16(58, 'e_shentsize');
  const shnum = reader.u16(60, 'e_shnum');
  if (shentsize !== SIZE.SHDR || shnum === 0) {
    throw new SbfLinkError('MALFORMED_ELF', `section header table is unusable (e_shentsize ${shentsize}, e_shnum ${shnum}); rebuild the object`);
  }
  reader.slice(shoff, shnum * SIZE.SHDR, 'section header table');
  const headers: SectionHeader[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * SIZE.SHDR;
    headers.push({
      nameOffset: reader.u32(at, 'sh_name'),
      type: reader.u32(at + 4, 'sh_type'),
      flags: reader.u64(at + 8, 'sh_flags'),
      offset: reader.u64(at + 24, 'sh_offset'),
      size: reader.u64(at + 32, 'sh_size'),
      link: reader.u32(at + 40, 'sh_link'),
      info: reader.u32(at + 44, 'sh_info'),
      align: reader.u64(at + 48, 'sh_addralign'),
      entsize: reader.u64(at + 56, 'sh_entsize'),
    });
  }
  return headers;
}

function toSection(reader: BoundedReader, h: SectionHeader, index: number, names: SectionHeader): InputSection {
  const name = readString(reader, names, h.nameOffset, `name of section ${index}`);
  const data = h.type === SHT.NOBITS || h.type === SHT.NULL
    ? new Uint8Array(0)
    : reader.slice(h.offset, h.size, `contents of section ${name}`);
  return { index, name, type: h.type, flags: h.flags, size: h.size, align: Math.max(1, h.align), link: h.link, info: h.info, data };
}

function readString(reader: BoundedReader, table: SectionHeader, offset: number, what: string): string {
  const bytes = reader.slice(table.offset, table.size, 'string table');
  const end = bytes.indexOf(0, offset);
  if (offset >= bytes.length || end < 0) {
    throw new SbfLinkError('MALFORMED_ELF', `${what} points at ${hex(offset)}, outside its ${bytes.length}-byte string table; the object is corrupt, rebuild it`);
  }
  return decoder.decode(bytes.subarray(offset, end));
}

function readSymbols(reader: BoundedReader, headers: SectionHeader[], sections: InputSection[]): InputSymbol[] {
  const tables = headers.filter((h) => h.type === SHT.SYMTAB);
  if (tables.length > 1) {
    throw new SbfLinkError('MALFORMED_ELF', `object has ${tables.length} symbol tables, a relocatable object has one; rebuild it`);
  }
  const table = tables[0];
  if (table === undefined) return [];
  const strings = headers[table.link];
  if (table.entsize !== SIZE.SYM || table.size % SIZE.SYM !== 0 || strings?.type !== SHT.STRTAB) {
    throw new SbfLinkError('MALFORMED_ELF', 'symbol table has a bad entry size or no string table; rebuild the object');
  }
  const symbols: InputSymbol[] = [];
  for (let index = 0; index < table.size / SIZE.SYM; index++) {
    const at = table.offset + index * SIZE.SYM;
    const info = reader.u8(at + 4, 'st_info');
    const sectionIndex = reader.u16(at + 6, 'st_shndx');
    const type = info & 0xf;
    const ownName = readString(reader, strings, reader.u32(at, 'st_name'), `name of symbol ${index}`);
    if (sectionIndex === SHN.XINDEX || (sectionIndex >= sections.length && sectionIndex < SHN.LORESERVE)) {
      throw new SbfLinkError('MALFORMED_ELF', `symbol ${ownName || index} is in section ${sectionIndex}, which does not exist; rebuild the object`);
    }
    const name = type === STT.SECTION && ownName === '' ? (sections[sectionIndex]?.name ?? '') : ownName;
    symbols.push({
      index, name, type, sectionIndex,
      bind: info >> 4,
      value: reader.u64(at + 8, 'st_value'),
      size: reader.u64(at + 16, 'st_size'),
    });
  }
  return symbols;
}

function readRelocationSections(
  reader: BoundedReader, headers: SectionHeader[], sections: InputSection[], symbolCount: number,
): RelocationSection[] {
  const result: RelocationSection[] = [];
  headers.forEach((h, index) => {
    if (h.type !== SHT.REL && h.type !== SHT.RELA) return;
    const name = sections[index]?.name ?? String(index);
    const entrySize = h.type === SHT.REL ? SIZE.REL : SIZE.RELA;
    if (h.size % entrySize !== 0 || h.info === 0 || h.info >= headers.length) {
      throw new SbfLinkError('MALFORMED_ELF', `relocation section ${name} has a bad size or target section (${h.info}); rebuild the object`);
    }
    const relocations: InputRelocation[] = [];
    for (let at = h.offset; at < h.offset + h.size; at += entrySize) {
      const offset = reader.u64(at, 'r_offset');
      const type = reader.u32(at + 8, 'r_info type');
      const symbolIndex = reader.u32(at + 12, 'r_info symbol');
      if (symbolIndex >= symbolCount) {
        throw new SbfLinkError('MALFORMED_ELF', `relocation in ${name} at ${hex(offset)} names symbol ${symbolIndex}, but there are ${symbolCount}; rebuild the object`);
      }
      relocations.push({ offset, type, symbolIndex });
    }
    result.push({ name, explicitAddends: h.type === SHT.RELA, targetIndex: h.info, relocations });
  });
  return result;
}
