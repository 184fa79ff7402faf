import type { TransactionErrorJson } from './transaction-error.js';

/**
 * The operations the main thread asks of the litesvm worker, as plain data (structured
 * clone: bigints and byte arrays pass as they are). Addresses are 32-byte arrays.
 */
export interface ClockFields {
  slot: bigint;
  epochStartTimestamp: bigint;
  epoch: bigint;
  leaderScheduleEpoch: bigint;
  unixTimestamp: bigint;
}

export interface PlainAccount {
  lamports: bigint;
  owner: Uint8Array;
  executable: boolean;
  rentEpoch: bigint;
  data: Uint8Array;
}

export interface RawInnerInstruction {
  programIdIndex: number;
  accounts: Uint8Array;
  data: Uint8Array;
  stackHeight: number;
}

export interface ExecutionRequest {
  /** `send` commits (when the transaction can be committed); `simulate` changes nothing. */
  mode: 'send' | 'simulate';
  /** canonical wire bytes of a decoded, sanitized transaction */
  wire: Uint8Array;
  signature: Uint8Array;
  sigVerify: boolean;
  clock: ClockFields;
  /** every account key of the message, static then loaded */
  keys: Uint8Array[];
  /** indexes into `keys` of the writable accounts */
  writable: number[];
}

export interface ExecutionResult {
  err: TransactionErrorJson | null;
  /** for `send`: the transaction is on the ledger (fee charged), with or without an error */
  committed: boolean;
  logs: string[];
  unitsConsumed: bigint;
  /** per top-level instruction */
  innerInstructions: RawInnerInstruction[][];
  returnData: { programId: Uint8Array; data: Uint8Array };
  preBalances: bigint[];
  postBalances: bigint[];
  writableBefore: Array<PlainAccount | null>;
  writableAfter: Array<PlainAccount | null>;
  /** for `simulate`: every account the transaction loaded, as it would be afterwards */
  postAccounts: Array<[Uint8Array, PlainAccount]>;
}

export interface EpochScheduleFields {
  slotsPerEpoch: bigint;
  leaderScheduleSlotOffset: bigint;
  warmup: boolean;
  firstNormalEpoch: bigint;
  firstNormalSlot: bigint;
}

export interface SvmOperations {
  getAccounts: { input: { addresses: Uint8Array[] }; output: Array<PlainAccount | null> };
  setAccount: { input: { address: Uint8Array; account: PlainAccount }; output: null };
  addProgram: { input: { programId: Uint8Array; elf: Uint8Array; clock: ClockFields }; output: { error: string | null } };
  execute: { input: ExecutionRequest; output: ExecutionResult };
  minimumBalanceForRentExemption: { input: { dataLength: bigint }; output: bigint };
  epochSchedule: { input: Record<string, never>; output: EpochScheduleFields };
}
