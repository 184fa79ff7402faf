/**
 * Links one BPF relocatable object (Debian LLVM 14, `-mcpu=v2`) into a Solana sBPF v0 shared
 * object, the format the runtime's loader relocates itself. Debian's ld.lld cannot write it.
 */
import { readBpfObject } from './elf-reader.js';
import { OUTPUT_SECTION_COUNT, SECTION_NAME_TABLE, TEXT_SECTION_INDEX, dynamicTags, writeSharedObject } from './elf-writer.js';
import type { DynamicSymbol } from './elf-writer.js';
import { STT } from './elf-format.js';
import { planLayout } from './layout.js';
import { applyRelocations, needsLoaderRelocation, planRelocations } from './relocations.js';
import { mergeSections, mergeText } from './section-merge.js';
import { sectionsByRole } from './section-roles.js';
import { buildStringTable } from './string-table.js';
import { findEntrypoint } from './symbols.js';

export interface LinkOptions {
  /** Function the runtime enters; default 'entrypoint'. */
  entrypoint?: string;
}

/** Returns the `.so` bytes; throws only SbfLinkError. The same input always gives the same bytes. */
export function linkSbf(object: Uint8Array, options: LinkOptions = {}): Uint8Array {
  const entryName = options.entrypoint ?? 'entrypoint';
  const input = readBpfObject(object);
  const roles = sectionsByRole(input);
  const merged = { text: mergeText(roles.text), rodata: mergeSections(roles.rodata, 1, '.rodata') };
  const entryOffset = findEntrypoint(input, merged, entryName);
  const plans = planRelocations(input, merged);

  const syscalls = [...new Set(plans.flatMap((p) => (p.kind === 'syscall' ? [p.name] : [])))].sort();
  const dynstr = buildStringTable([entryName, ...syscalls]);
  const relocationCount = plans.filter(needsLoaderRelocation).length;
  const layout = planLayout({
    textSize: merged.text.bytes.length,
    rodataSize: merged.rodata.bytes.length,
    rodataAlign: merged.rodata.align,
    dynamicEntries: dynamicTags(relocationCount > 0).length,
    dynamicSymbols: 1 + 1 + syscalls.length,
    dynstrSize: dynstr.bytes.length,
    dynamicRelocations: relocationCount,
    shstrtabSize: SECTION_NAME_TABLE.bytes.length,
    sectionCount: OUTPUT_SECTION_COUNT,
  });

  const dynamicSymbols: DynamicSymbol[] = [
    { name: entryName, value: layout.text.offset + entryOffset, type: STT.FUNC, sectionIndex: TEXT_SECTION_INDEX },
    ...syscalls.map((name) => ({ name, value: 0, type: STT.NOTYPE, sectionIndex: 0 })),
  ];
  const relocations = applyRelocations(plans, {
    text: merged.text.bytes,
    rodata: merged.rodata.bytes,
    addresses: { text: layout.text.offset, rodata: layout.rodata.offset },
    imageSize: layout.fileSize,
    dynamicSymbolIndex: (name) => 1 + dynamicSymbols.findIndex((s) => s.name === name),
  });

  return writeSharedObject({
    layout,
    entry: layout.text.offset + entryOffset,
    text: merged.text.bytes,
    rodata: merged.rodata.bytes,
    rodataAlign: merged.rodata.align,
    dynamicSymbols,
    dynstr,
    relocations,
  });
}
