/**
 * The signed messages the program checks through an Ed25519 instruction placed right before
 * the instruction that needs it (read back from the instructions sysvar), and that instruction.
 * Integers are little-endian:
 *
 *   terms:       "decloud/terms/v1"   || renter 32 || host operator 32 || lease_id u64 || rate u64
 *                || duration_secs u64 || quote_expires_at i64 || delegate 32 || terms_hash 32   (host operator, open_lease)
 *   receipt:     "decloud/receipt/v1" || lease 32 || until i64                  (lease renter or delegate, post_proof)
 *   attestation: "decloud/attest/v2"  || host operator 32 || lease 32 || epoch u64   (a witness, post_proof)
 *   heartbeat:   "decloud/alive/v1"   || epoch u64                               (a witness, witness_heartbeat)
 */
import { Ed25519Program, type PublicKey, type TransactionInstruction } from '@solana/web3.js';
import { ed25519 } from '@noble/curves/ed25519.js';

export const TERMS_DOMAIN = 'decloud/terms/v1';
export const RECEIPT_DOMAIN = 'decloud/receipt/v1';
export const ATTESTATION_DOMAIN = 'decloud/attest/v2';
export const HEARTBEAT_DOMAIN = 'decloud/alive/v1';

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

type Part = PublicKey | Uint8Array | { u64: bigint } | { i64: bigint };

function message(domain: string, ...parts: Part[]): Uint8Array {
  const chunks = [new TextEncoder().encode(domain), ...parts.map(bytesOf)];
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function bytesOf(part: Part): Uint8Array {
  if (part instanceof Uint8Array) return part;
  if (!('u64' in part) && !('i64' in part)) return part.toBytes();
  const out = new Uint8Array(8);
  const view = new DataView(out.buffer);
  if ('u64' in part) {
    if (part.u64 < 0n || part.u64 > U64_MAX) throw new RangeError(`${part.u64} is not a u64`);
    view.setBigUint64(0, part.u64, true);
  } else {
    if (part.i64 < I64_MIN || part.i64 > I64_MAX) throw new RangeError(`${part.i64} is not an i64`);
    view.setBigInt64(0, part.i64, true);
  }
  return out;
}

/** What a lease is opened under: the terms the host operator signs and open_lease stores. */
export interface LeaseTerms {
  renter: PublicKey;
  hostOperator: PublicKey;
  leaseId: bigint;
  /** lamports per second */
  rate: bigint;
  durationSecs: bigint;
  /** unix seconds; open_lease refuses the terms after it */
  quoteExpiresAt: bigint;
  /** The renter's session key for this lease; PublicKey.default for none. */
  delegate: PublicKey;
  /** sha256 of the quote's canonical terms (32 bytes) */
  termsHash: Uint8Array;
}

/** The host operator's commitment to a lease's terms (176 bytes). */
export function termsMessage(t: LeaseTerms): Uint8Array {
  if (!(t.termsHash instanceof Uint8Array) || t.termsHash.length !== 32) throw new RangeError('termsHash must be 32 bytes');
  return message(TERMS_DOMAIN, t.renter, t.hostOperator, { u64: t.leaseId }, { u64: t.rate }, { u64: t.durationSecs },
    { i64: t.quoteExpiresAt }, t.delegate, t.termsHash);
}

/** A usage receipt: the lease ran and answered until `until` (unix seconds). */
export const receiptMessage = (lease: PublicKey, until: bigint) => message(RECEIPT_DOMAIN, lease, { i64: until });

/** A witness's attestation: the host (operator key) ran `lease` and answered its challenge in `epoch`. */
export const attestationMessage = (operator: PublicKey, lease: PublicKey, epoch: bigint) =>
  message(ATTESTATION_DOMAIN, operator, lease, { u64: epoch });

/** A witness was alive in `epoch`: the evidence a penalty needs that the host could have been challenged. */
export const heartbeatMessage = (epoch: bigint) => message(HEARTBEAT_DOMAIN, { u64: epoch });

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
