import { VersionedMessage, VersionedTransaction } from '@solana/web3.js';
import bs58 from 'bs58';
import { invalidParams } from './rpc-error.js';

/**
 * Decoding of transactions and messages received over RPC, with the validator's size
 * limit and sanitize rules checked here: litesvm aborts the whole process on bytes it
 * cannot deserialize, so nothing reaches it that has not been decoded and checked first.
 */
const MAX_TRANSACTION_BYTES = 1232;
const MAX_ACCOUNT_KEYS = 256;

export type BinaryEncoding = 'base58' | 'base64';

const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function decodeBinary(encoded: unknown, encoding: BinaryEncoding, what: string, maxBytes: number): Uint8Array {
  if (typeof encoded !== 'string') throw invalidParams(`${what} must be a ${encoding} string`);
  const maxEncoded = encoding === 'base64' ? Math.ceil(maxBytes / 3) * 4 : Math.ceil(maxBytes * 1.37);
  if (encoded.length > maxEncoded) {
    throw invalidParams(`${encoding} encoded ${what} too large: ${encoded.length} characters (max: encoded/raw ${maxEncoded}/${maxBytes})`);
  }
  let bytes: Uint8Array;
  if (encoding === 'base64') {
    if (!BASE64_PATTERN.test(encoded)) throw invalidParams(`${what} is not valid base64`);
    bytes = Buffer.from(encoded, 'base64');
  } else {
    try {
      bytes = bs58.decode(encoded);
    } catch {
      throw invalidParams(`${what} is not valid base58`);
    }
  }
  if (bytes.length > maxBytes) throw invalidParams(`${what} too large: ${bytes.length} bytes (max ${maxBytes})`);
  return bytes;
}

export function decodeTransaction(encoded: unknown, encoding: BinaryEncoding): VersionedTransaction {
  const bytes = decodeBinary(encoded, encoding, 'transaction', MAX_TRANSACTION_BYTES);
  let transaction: VersionedTransaction;
  try {
    transaction = VersionedTransaction.deserialize(bytes);
  } catch (err) {
    throw invalidParams(`failed to deserialize transaction: ${(err as Error).message}`);
  }
  const problem = messageProblem(transaction.message) ?? signatureProblem(transaction);
  if (problem) throw invalidParams(`invalid transaction: ${problem}`);
  return transaction;
}

export function decodeMessage(encoded: unknown): VersionedMessage {
  const bytes = decodeBinary(encoded, 'base64', 'message', MAX_TRANSACTION_BYTES);
  let message: VersionedMessage;
  try {
    message = VersionedMessage.deserialize(bytes);
  } catch (err) {
    throw invalidParams(`failed to deserialize message: ${(err as Error).message}`);
  }
  const problem = messageProblem(message);
  if (problem) throw invalidParams(`invalid message: ${problem}`);
  return message;
}

function signatureProblem(transaction: VersionedTransaction): string | undefined {
  const required = transaction.message.header.numRequiredSignatures;
  if (transaction.signatures.length !== required) {
    return `the message requires ${required} signatures but the transaction carries ${transaction.signatures.length}`;
  }
  return undefined;
}

/** The structural checks of Agave's message sanitize. */
function messageProblem(message: VersionedMessage): string | undefined {
  const { numRequiredSignatures, numReadonlySignedAccounts, numReadonlyUnsignedAccounts } = message.header;
  const staticCount = message.staticAccountKeys.length;
  if (numReadonlySignedAccounts >= numRequiredSignatures) return 'the message has no writable signer to pay the fee';
  if (numRequiredSignatures + numReadonlyUnsignedAccounts > staticCount) return 'the message header counts more accounts than it lists';
  const lookupCount = message.addressTableLookups.reduce((sum, l) => sum + l.writableIndexes.length + l.readonlyIndexes.length, 0);
  const totalCount = staticCount + lookupCount;
  if (totalCount > MAX_ACCOUNT_KEYS) return `the message references ${totalCount} accounts (max ${MAX_ACCOUNT_KEYS})`;
  for (const [position, ix] of message.compiledInstructions.entries()) {
    if (ix.programIdIndex === 0 || ix.programIdIndex >= staticCount) {
      return `instruction ${position} has program id index ${ix.programIdIndex}, which is not a static non-payer account`;
    }
    const bad = ix.accountKeyIndexes.find((index) => index >= totalCount);
    if (bad !== undefined) return `instruction ${position} references account index ${bad} of ${totalCount}`;
  }
  return undefined;
}
