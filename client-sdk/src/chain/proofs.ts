/**
 * Uptime proofs: the exact bytes a renter (receipt) or a witness (attestation) signs, and
 * the Ed25519 program instruction that must come right before `post_proof` so the
 * program can check the signature through the instructions sysvar.
 */
import { Ed25519Program, type PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { ed25519 } from '@noble/curves/ed25519.js';

export const RECEIPT_DOMAIN = 'decloud/receipt/v1';
export const ATTESTATION_DOMAIN = 'decloud/attest/v1';

function message(domain: string, key: PublicKey, value: bigint, signed: boolean): Uint8Array {
  const out = new Uint8Array(domain.length + 32 + 8);
  out.set(new TextEncoder().encode(domain), 0);
  out.set(key.toBytes(), domain.length);
  const view = new DataView(out.buffer, domain.length + 32, 8);
  if (signed) view.setBigInt64(0, value, true); else view.setBigUint64(0, value, true);
  return out;
}

/** A renter's usage receipt: the lease ran and answered until `until` (unix seconds). */
export const receiptMessage = (lease: PublicKey, until: bigint) => message(RECEIPT_DOMAIN, lease, until, true);

/** A witness's attestation: the host (operator key) answered its challenges in `epoch`. */
export const attestationMessage = (operator: PublicKey, epoch: bigint) => message(ATTESTATION_DOMAIN, operator, epoch, false);

export interface SignedProof { signer: PublicKey; message: Uint8Array; signature: Uint8Array }

/** Signs with a 64-byte Solana secret key (its first 32 bytes are the Ed25519 seed). */
export function signProof(secretKey: Uint8Array, signer: PublicKey, msg: Uint8Array): SignedProof {
  if (secretKey.length !== 64) throw new Error('signProof: expected a 64-byte Solana secret key');
  return { signer, message: msg, signature: ed25519.sign(msg, secretKey.subarray(0, 32)) };
}

export const proofVerifyInstruction = (proof: SignedProof): TransactionInstruction =>
  Ed25519Program.createInstructionWithPublicKey({
    publicKey: proof.signer.toBytes(),
    message: proof.message,
    signature: proof.signature,
  });
