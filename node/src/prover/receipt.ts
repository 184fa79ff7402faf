/** A renter's usage receipt as it arrives from the network, and its local signature check. */
import type { PublicKey } from '@solana/web3.js';
import { receiptMessage } from '@decloud/sdk/chain/index';
import type { SignedProof } from '@decloud/sdk/chain/index';
import { verifySolanaSignature } from '@decloud/sdk/identity/signatures';
import { ProverError } from './errors.js';

export interface Receipt {
  lease: PublicKey;
  /** unix seconds the renter vouches the container answered until */
  until: bigint;
  /** the Ed25519 signature of the lease's renter or delegate over receiptMessage(lease, until) */
  signature: Uint8Array;
}

const I64_MAX = (1n << 63n) - 1n;

export function checkReceiptShape(receipt: Receipt): void {
  if (typeof receipt !== 'object' || receipt === null || typeof receipt.lease?.toBytes !== 'function') {
    throw new ProverError('MALFORMED_PROOF', 'a receipt needs { lease: PublicKey, until: bigint, signature: 64 bytes }');
  }
  if (typeof receipt.until !== 'bigint' || receipt.until <= 0n || receipt.until > I64_MAX) {
    throw new ProverError('MALFORMED_PROOF', `receipt.until must be a positive i64 of unix seconds, got ${String(receipt.until)}`);
  }
  if (!(receipt.signature instanceof Uint8Array) || receipt.signature.length !== 64) {
    throw new ProverError('MALFORMED_PROOF', 'receipt.signature must be 64 bytes (an Ed25519 signature)');
  }
}

/** The exact bytes the program checks, with the key that signed them, so a receipt that verifies here verifies on-chain too. */
export function receiptProof(receipt: Receipt, signer: PublicKey): SignedProof {
  return { signer, message: receiptMessage(receipt.lease, receipt.until), signature: receipt.signature };
}

export function receiptSignedBy(receipt: Receipt, signer: PublicKey): boolean {
  const proof = receiptProof(receipt, signer);
  // The message carries its own domain (decloud/receipt/v1), so none is prefixed here.
  return verifySolanaSignature('', proof.message, proof.signature, signer.toBytes());
}

/** Which of `keys` (the lease's renter, then its delegate) signed the receipt; undefined for none. */
export function receiptSigner(receipt: Receipt, keys: PublicKey[]): PublicKey | undefined {
  return keys.find((key) => receiptSignedBy(receipt, key));
}
