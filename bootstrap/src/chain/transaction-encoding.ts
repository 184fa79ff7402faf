import { VersionedTransaction } from '@solana/web3.js';
import type { VersionedMessage } from '@solana/web3.js';
import bs58 from 'bs58';
import { RpcError, RpcErrorCode } from './rpc-error.js';
import type { CompiledInstructionJson, TransactionRecord } from './transaction-record.js';

/**
 * getTransaction's answer for a recorded transaction in the encodings web3.js asks for:
 * `json` (the default of Connection.getTransaction), `jsonParsed` (getParsedTransaction;
 * instructions stay in their raw, partially decoded form), `base64`, `base58`.
 */
export const TRANSACTION_ENCODINGS = ['json', 'jsonParsed', 'base64', 'base58', 'binary'] as const;
export type TransactionEncoding = (typeof TRANSACTION_ENCODINGS)[number];

export function encodeTransactionRecord(record: TransactionRecord, encoding: TransactionEncoding, maxSupportedTransactionVersion?: number): unknown {
  const bytes = Buffer.from(record.wire, 'base64');
  const transaction = VersionedTransaction.deserialize(bytes);
  const version = transaction.version;
  if (version !== 'legacy' && (maxSupportedTransactionVersion === undefined || version > maxSupportedTransactionVersion)) {
    throw new RpcError(
      RpcErrorCode.unsupportedTransactionVersion,
      `Transaction version (${version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": ${version}`,
    );
  }
  const parsed = encoding === 'jsonParsed';
  return {
    slot: record.slot,
    blockTime: record.blockTime,
    transaction: encodeTransaction(transaction, bytes, encoding, record),
    meta: {
      err: record.err,
      status: record.err === null ? { Ok: null } : { Err: record.err },
      fee: record.fee,
      preBalances: record.preBalances,
      postBalances: record.postBalances,
      innerInstructions: parsed
        ? record.innerInstructions.map(({ index, instructions }) => ({ index, instructions: instructions.map((ix) => parsedInstruction(ix, record.accountKeys)) }))
        : record.innerInstructions,
      logMessages: record.logMessages,
      preTokenBalances: [],
      postTokenBalances: [],
      rewards: [],
      ...(parsed ? {} : { loadedAddresses: record.loadedAddresses }),
      computeUnitsConsumed: record.computeUnitsConsumed,
      ...(record.returnData ? { returnData: record.returnData } : {}),
    },
    ...(maxSupportedTransactionVersion === undefined ? {} : { version }),
  };
}

function encodeTransaction(transaction: VersionedTransaction, bytes: Uint8Array, encoding: TransactionEncoding, record: TransactionRecord): unknown {
  if (encoding === 'base64') return [Buffer.from(bytes).toString('base64'), 'base64'];
  if (encoding === 'base58') return [bs58.encode(bytes), 'base58'];
  if (encoding === 'binary') return bs58.encode(bytes);
  const message = transaction.message;
  const signatures = transaction.signatures.map((signature) => bs58.encode(signature));
  const lookups = message.version === 0
    ? { addressTableLookups: message.addressTableLookups.map((l) => ({ accountKey: l.accountKey.toBase58(), writableIndexes: l.writableIndexes, readonlyIndexes: l.readonlyIndexes })) }
    : {};
  const instructions: CompiledInstructionJson[] = message.compiledInstructions.map((ix) => ({
    programIdIndex: ix.programIdIndex,
    accounts: ix.accountKeyIndexes,
    data: bs58.encode(ix.data),
    stackHeight: null,
  }));
  if (encoding === 'json') {
    return {
      signatures,
      message: { header: message.header, accountKeys: message.staticAccountKeys.map((key) => key.toBase58()), recentBlockhash: message.recentBlockhash, instructions, ...lookups },
    };
  }
  return {
    signatures,
    message: {
      accountKeys: annotatedAccountKeys(message, record.accountKeys),
      recentBlockhash: message.recentBlockhash,
      instructions: instructions.map((ix) => parsedInstruction(ix, record.accountKeys)),
      ...lookups,
    },
  };
}

function annotatedAccountKeys(message: VersionedMessage, accountKeys: string[]) {
  const staticCount = message.staticAccountKeys.length;
  return accountKeys.map((pubkey, index) => ({
    pubkey,
    signer: index < message.header.numRequiredSignatures,
    writable: message.isAccountWritable(index),
    source: index < staticCount ? 'transaction' : 'lookupTable',
  }));
}

function parsedInstruction(ix: CompiledInstructionJson, accountKeys: string[]) {
  return {
    programId: accountKeys[ix.programIdIndex] ?? '',
    accounts: ix.accounts.map((index) => accountKeys[index] ?? ''),
    data: ix.data,
    stackHeight: ix.stackHeight,
  };
}
