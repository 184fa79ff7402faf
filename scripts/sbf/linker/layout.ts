import { SbfLinkError } from './errors.js';
import { SIZE } from './elf-format.js';
import { MAX_IMAGE_SIZE, alignUp } from './section-merge.js';

/** A byte range of the output; its virtual address is its file offset (sBPF v0 requires it). */
export interface Span {
  offset: number;
  size: number;
}

export interface LayoutInput {
  textSize: number;
  rodataSize: number;
  rodataAlign: number;
  dynamicEntries: number;
  dynamicSymbols: number;
  dynstrSize: number;
  dynamicRelocations: number;
  shstrtabSize: number;
  sectionCount: number;
}

export interface OutputLayout {
  programHeaders: Span;
  text: Span;
  rodata: Span;
  dynamic: Span;
  dynsym: Span;
  dynstr: Span;
  relDyn: Span;
  shstrtab: Span;
  sectionHeaders: Span;
  fileSize: number;
}

/** Four program headers: code, read-only data, dynamic-linking tables, PT_DYNAMIC. */
export const PROGRAM_HEADER_COUNT = 4;

/**
 * Places the output in file order: ELF header, program headers, `.text`, `.rodata`,
 * `.dynamic`, `.dynsym`, `.dynstr`, `.rel.dyn`, `.shstrtab`, section headers.
 * Tables of 8-byte fields are 8-aligned because the loader views them as structs.
 */
export function planLayout(input: LayoutInput): OutputLayout {
  let cursor = 0;
  const place = (size: number, align: number): Span => {
    const offset = alignUp(cursor, align);
    cursor = offset + size;
    return { offset, size };
  };
  place(SIZE.EHDR, 8);
  const programHeaders = place(PROGRAM_HEADER_COUNT * SIZE.PHDR, 8);
  const text = place(input.textSize, 8);
  const rodata = place(input.rodataSize, input.rodataAlign);
  const dynamic = place(input.dynamicEntries * SIZE.DYN, 8);
  const dynsym = place(input.dynamicSymbols * SIZE.SYM, 8);
  const dynstr = place(input.dynstrSize, 1);
  const relDyn = place(input.dynamicRelocations * SIZE.REL, 8);
  const shstrtab = place(input.shstrtabSize, 1);
  const sectionHeaders = place(input.sectionCount * SIZE.SHDR, 8);
  if (cursor > MAX_IMAGE_SIZE) {
    throw new SbfLinkError('OUTPUT_TOO_LARGE', `the program would be ${cursor} bytes; a Solana program is at most 10 MiB, split it or shrink its data`);
  }
  return { programHeaders, text, rodata, dynamic, dynsym, dynstr, relDyn, shstrtab, sectionHeaders, fileSize: cursor };
}
