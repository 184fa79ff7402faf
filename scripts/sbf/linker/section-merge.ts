import { SbfLinkError } from './errors.js';
import type { InputSection } from './elf-reader.js';
import { INSN_SIZE, SHT } from './elf-format.js';

/** Programs live in an account of at most 10 MiB; anything far past that is a corrupt size. */
export const MAX_IMAGE_SIZE = 64 * 1024 * 1024;
/** One page; larger alignments only pad the image and the loader maps bytes, not pages. */
const MAX_ALIGN = 4096;

/** Several input sections concatenated in input order, each at its own alignment. */
export interface MergedSection {
  bytes: Uint8Array;
  align: number;
  /** input section index -> offset of its first byte in `bytes` */
  placements: Map<number, number>;
}

export const alignUp = (n: number, align: number): number => Math.ceil(n / align) * align;

export function mergeSections(inputs: readonly InputSection[], minAlign: number, outputName: string): MergedSection {
  const placements = new Map<number, number>();
  let size = 0;
  let align = minAlign;
  for (const s of inputs) {
    const sectionAlign = Math.max(minAlign, s.align);
    if (!isPowerOfTwo(sectionAlign) || sectionAlign > MAX_ALIGN) {
      throw new SbfLinkError('MALFORMED_ELF', `section ${s.name} has alignment ${s.align}; supported are powers of two up to ${MAX_ALIGN}, lower the alignment attribute or rebuild the object`);
    }
    size = alignUp(size, sectionAlign);
    placements.set(s.index, size);
    size += s.size;
    align = Math.max(align, sectionAlign);
    if (size > MAX_IMAGE_SIZE) {
      throw new SbfLinkError('OUTPUT_TOO_LARGE', `${outputName} would exceed ${MAX_IMAGE_SIZE} bytes at section ${s.name}; a Solana program is at most 10 MiB, split the program or shrink its data`);
    }
  }
  const bytes = new Uint8Array(size);
  for (const s of inputs) {
    // SHT_NOBITS stays zero, which is what it means.
    if (s.type !== SHT.NOBITS) bytes.set(s.data, placements.get(s.index));
  }
  return { bytes, align, placements };
}

/** `.text` input must be whole instructions, or every pc after it would be misaligned. */
export function mergeText(inputs: readonly InputSection[]): MergedSection {
  for (const s of inputs) {
    if (s.size % INSN_SIZE !== 0) {
      throw new SbfLinkError('MALFORMED_ELF', `code section ${s.name} is ${s.size} bytes, not a whole number of ${INSN_SIZE}-byte instructions; rebuild the object`);
    }
  }
  return mergeSections(inputs, INSN_SIZE, '.text');
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0;
}
