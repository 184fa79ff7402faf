/**
 * The witness protocol `/decloud/witness/1.0.0`: once per proof epoch a witness (a key
 * listed in the program config) challenges every active host, and the host answers with
 * the state of its leases signed by its operator key. The challenge also carries the
 * attestations the host earned in earlier epochs and has not acknowledged yet, one per lease
 * the witness saw running (reported with its container up and open on that host on-chain);
 * a valid answer acknowledges them. One stream, one frame each way.
 */
import type { PublicKey } from '@solana/web3.js';

export const WITNESS_PROTOCOL = '/decloud/witness/1.0.0';
export const WITNESS_VERSION = 1;
/** Prefixed to what a host signs in an answer, so the signature can pass for nothing else. */
export const WITNESS_ANSWER_DOMAIN = 'decloud/witness-answer/v1';
export const NONCE_LENGTH = 32;

export const WITNESS_LIMITS = {
  /** Any one witness-protocol frame, signature included. */
  maxMessageBytes: 8192,
  /** Leases one answer lists (running ones first); more are left out. */
  maxLeases: 128,
  /** Earned, unacknowledged attestations one challenge carries (the newest): 64 take 6.7 KB of maxMessageBytes. */
  maxCarriedAttestations: 64,
  maxRefusalMessageBytes: 256,
} as const;

/** An attestation as the witness hands it to a host: its own key is the stream's peer. */
export interface CarriedAttestation {
  /** The lease the witness saw running. */
  lease: PublicKey;
  epoch: bigint;
  /** Ed25519 signature by the witness over attestationMessage(host operator, lease, epoch). */
  signature: Uint8Array;
}

export interface Challenge {
  /** The proof epoch the challenge is sent in: floor(unix secs / proof_epoch_secs). */
  epoch: bigint;
  nonce: Uint8Array;
  attestations: CarriedAttestation[];
}

/** What a host reports about one of its leases. */
export interface LeaseReport {
  lease: PublicKey;
  containerRunning: boolean;
  /** The lease's proven_until on-chain (unix seconds), as the host last read it. */
  provenUntil: bigint;
}

export interface Answer {
  epoch: bigint;
  nonce: Uint8Array;
  leases: LeaseReport[];
  /** By the host's operator key over WITNESS_ANSWER_DOMAIN || nonce || u64 epoch || sha256(encoded leases). */
  signature: Uint8Array;
}

export const WITNESS_REFUSAL_REASONS = ['NOT_A_WITNESS', 'MALFORMED', 'UNAVAILABLE'] as const;
export type WitnessRefusalReason = (typeof WITNESS_REFUSAL_REASONS)[number];

/** A host's refusal to answer (the challenger is not a configured witness, junk, ...). */
export interface Refusal {
  reason: WitnessRefusalReason;
  message: string;
}
