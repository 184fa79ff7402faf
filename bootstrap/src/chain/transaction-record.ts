import bs58 from 'bs58';
import type { RawInnerInstruction } from './svm-protocol.js';
import type { TransactionErrorJson } from './transaction-error.js';

/**
 * What the ledger remembers of a committed transaction: everything getTransaction,
 * getSignatureStatuses and getSignaturesForAddress answer with, as plain JSON so the
 * history persists as is.
 */
export interface CompiledInstructionJson {
  programIdIndex: number;
  accounts: number[];
  /** base58 */
  data: string;
  stackHeight: number | null;
}

export interface InnerInstructionsJson {
  index: number;
  instructions: CompiledInstructionJson[];
}

export interface ReturnDataJson {
  programId: string;
  data: [string, 'base64'];
}

export interface TransactionRecord {
  signature: string;
  slot: number;
  /** unix seconds */
  blockTime: number;
  /** the transaction as received, base64 */
  wire: string;
  /** static keys, then keys loaded from lookup tables (writable, then readonly) */
  accountKeys: string[];
  loadedAddresses: { writable: string[]; readonly: string[] };
  err: TransactionErrorJson | null;
  fee: number;
  preBalances: number[];
  postBalances: number[];
  logMessages: string[];
  innerInstructions: InnerInstructionsJson[];
  computeUnitsConsumed: number;
  returnData: ReturnDataJson | null;
}

export function innerInstructionsToJson(perInstruction: RawInnerInstruction[][]): InnerInstructionsJson[] {
  return perInstruction
    .map((list, index) => ({
      index,
      instructions: list.map((ix) => ({ programIdIndex: ix.programIdIndex, accounts: [...ix.accounts], data: bs58.encode(ix.data), stackHeight: ix.stackHeight })),
    }))
    .filter((entry) => entry.instructions.length > 0);
}

/** litesvm reports an all-zero program id with empty data when no program set return data. */
export function returnDataToJson(returnData: { programId: Uint8Array; data: Uint8Array }): ReturnDataJson | null {
  const { programId, data } = returnData;
  if (data.length === 0 && programId.every((byte) => byte === 0)) return null;
  return { programId: bs58.encode(programId), data: [Buffer.from(data).toString('base64'), 'base64'] };
}
