/** What the main thread asks of the litesvm worker (svm-thread.ts), as plain data: bigints and byte arrays pass as they are. */

/** The program the worker loads into every fresh litesvm (its worker data). */
export interface SvmThreadProgram {
  programId: Uint8Array;
  elf: Uint8Array;
}

export interface WireAccount {
  lamports: bigint;
  owner: Uint8Array;
  data: Uint8Array;
}

export interface WireOutcome {
  ok: boolean;
  logs: string[];
  /** the transaction error as text, when it failed */
  err?: string;
  /** the custom error number, when an instruction failed with one */
  code?: number;
  /** true when an instruction failed (the transaction was executed and charged its fee) */
  instructionError?: boolean;
}

export interface SvmThreadOperations {
  /** a fresh litesvm with the program deployed (its ProgramData naming `upgradeAuthority`) and the clock at `unixTimestamp` */
  reset: { input: { unixTimestamp: bigint; upgradeAuthority: Uint8Array }; output: null };
  airdrop: { input: { address: Uint8Array; lamports: bigint }; output: null };
  setTime: { input: { unixTimestamp: bigint }; output: null };
  /** a signed legacy transaction, serialized */
  send: { input: { wire: Uint8Array }; output: WireOutcome };
  /** null for accounts that do not exist (never created, or closed to zero lamports) */
  accounts: { input: { addresses: Uint8Array[] }; output: Array<WireAccount | null> };
  rent: { input: { dataLength: bigint }; output: bigint };
}
