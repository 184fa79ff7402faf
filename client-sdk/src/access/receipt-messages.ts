/**
 * Usage receipts on `/decloud/receipt/1.0.0`. A receipt carries its own proof (the signature
 * of the lease's renter or delegate over what the program checks), so this protocol needs no challenge:
 *
 *   receipt:        tag 17 | u8 version | lease 32 | u64 until | signature 64
 *   receiptOutcome: tag 18 | u8 version | u8 outcome (0 accepted, 1 stale)
 */
import { PublicKey } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import { receiptMessage, signProof } from '../chain/proofs.js';
import { SIGNATURE_LENGTH } from '../identity/signatures.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { rules } from './field-rules.js';
import { RECEIPT_OUTCOMES } from './types.js';
import type { ReceiptOutcome, UsageReceipt } from './types.js';
import { finishMessage, messageWriter, readAccessMessage } from './wire.js';

const I64_MAX = (1n << 63n) - 1n;

/** The lease's renter or delegate (`signer`) vouches that `lease`'s container answered until `until` (unix seconds). */
export function signReceipt(signer: Keypair, lease: PublicKey | string, until: bigint): UsageReceipt {
  const address = typeof lease === 'string' ? new PublicKey(lease) : lease;
  rules('BAD_REQUEST').bigint('receipt.until', until, 1n, I64_MAX);
  const { signature } = signProof(signer.secretKey, signer.publicKey, receiptMessage(address, until));
  return { lease: address, until, signature };
}

export function encodeReceipt(receipt: UsageReceipt): Uint8Array {
  checkReceipt(rules('BAD_REQUEST'), receipt);
  return finishMessage('receipt', messageWriter('receipt').fixed(receipt.lease.toBytes()).u64(receipt.until).fixed(receipt.signature));
}

export function decodeReceipt(bytes: Uint8Array): UsageReceipt {
  const receipt = readAccessMessage(bytes, 'receipt', (r) => ({
    lease: new PublicKey(r.fixed(32)),
    until: r.u64(),
    signature: r.fixed(SIGNATURE_LENGTH),
  }));
  checkReceipt(rules('MALFORMED'), receipt);
  return receipt;
}

function checkReceipt(check: FieldChecks, receipt: UsageReceipt): void {
  check.object('receipt', receipt);
  if (!(receipt.lease instanceof PublicKey)) check.fail('receipt.lease', 'must be a PublicKey');
  check.bigint('receipt.until', receipt.until, 1n, I64_MAX);
  check.bytes('receipt.signature', receipt.signature, SIGNATURE_LENGTH);
}

export function encodeReceiptOutcome(outcome: ReceiptOutcome): Uint8Array {
  rules('BAD_REQUEST').oneOf('receipt outcome', outcome, RECEIPT_OUTCOMES);
  return finishMessage('receiptOutcome', messageWriter('receiptOutcome').u8(RECEIPT_OUTCOMES.indexOf(outcome)));
}

export function decodeReceiptOutcome(bytes: Uint8Array): ReceiptOutcome {
  return readAccessMessage(bytes, 'receiptOutcome', (r) => r.oneOf(RECEIPT_OUTCOMES, 'receipt outcome'));
}
