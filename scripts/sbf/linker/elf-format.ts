/** ELF64 numbers the linker reads and writes (System V gABI, LLVM's BPF relocation list). */

export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const EV_CURRENT = 1;

export const ET = { REL: 1, EXEC: 2, DYN: 3 } as const;
export const EM_BPF = 247;

export const SIZE = { EHDR: 64, PHDR: 56, SHDR: 64, SYM: 24, REL: 16, RELA: 24, DYN: 16 } as const;

export const SHT = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, DYNAMIC: 6, NOBITS: 8, REL: 9, DYNSYM: 11,
} as const;
export const SHF = { WRITE: 0x1, ALLOC: 0x2, EXECINSTR: 0x4 } as const;
export const SHN = { UNDEF: 0, LORESERVE: 0xff00, ABS: 0xfff1, COMMON: 0xfff2, XINDEX: 0xffff } as const;

export const STB = { LOCAL: 0, GLOBAL: 1, WEAK: 2 } as const;
export const STT = { NOTYPE: 0, OBJECT: 1, FUNC: 2, SECTION: 3, FILE: 4 } as const;

export const PT = { LOAD: 1, DYNAMIC: 2 } as const;
export const PF = { X: 1, W: 2, R: 4 } as const;

export const DT = {
  NULL: 0, STRTAB: 5, SYMTAB: 6, STRSZ: 10, SYMENT: 11, REL: 17, RELSZ: 18, RELENT: 19,
} as const;

export const R_BPF = {
  NONE: 0, R64_64: 1, ABS64: 2, ABS32: 3, NODYLD32: 4, RELATIVE: 8, R64_32: 10,
} as const;

const relocationNames: Record<number, string> = {
  0: 'R_BPF_NONE', 1: 'R_BPF_64_64', 2: 'R_BPF_64_ABS64', 3: 'R_BPF_64_ABS32',
  4: 'R_BPF_64_NODYLD32', 8: 'R_BPF_64_RELATIVE', 10: 'R_BPF_64_32',
};

export function relocationTypeName(type: number): string {
  return relocationNames[type] ?? `relocation type ${type}`;
}

/** sBPF instruction encoding facts the relocations rely on. */
export const INSN_SIZE = 8;
export const OPCODE_LDDW = 0x18;
export const OPCODE_CALL_IMM = 0x85;
