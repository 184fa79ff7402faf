/** The rustc target and the flags shared by the sysroot and the program compile. */
export const RUST_TARGET = 'bpfel-unknown-none';

/** Flags that make the output depend on the sources only (no debug info, one codegen unit). */
export const DETERMINISTIC_FLAGS = ['-C', 'debuginfo=0', '-C', 'codegen-units=1', '-C', 'panic=abort', '-C', 'opt-level=2'] as const;
