/** The messages of the lease access protocols, as values. Their encodings are in *-messages.ts. */
import type { PublicKey } from '@solana/web3.js';

export const ACCESS_VERSION = 1;

/**
 * Why a host refused. Stable names a renter can branch on:
 * MALFORMED / TOO_LARGE: the bytes sent were not a valid message;
 * UNAUTHORIZED: the signature is not the lease renter's or delegate's over this stream's challenge (or receipt);
 * UNKNOWN_LEASE: no such lease account on-chain; WRONG_HOST: the lease is another host's;
 * LEASE_CLOSED: closed on-chain, or past its max end; NOT_ACTIVE: not activated yet (open it first) or its container is gone;
 * REJECTED: activation found the lease does not match the host's quote;
 * BUSY: the host serves too many sessions now; RECEIPT_IN_FUTURE: a receipt vouches for time that has not come;
 * RUNTIME: the container engine failed; TIMEOUT: the exchange or the command took too long;
 * INTERNAL: anything else (details in the host's log).
 */
export const REFUSAL_REASONS = [
  'MALFORMED',
  'TOO_LARGE',
  'UNAUTHORIZED',
  'UNKNOWN_LEASE',
  'WRONG_HOST',
  'LEASE_CLOSED',
  'NOT_ACTIVE',
  'REJECTED',
  'BUSY',
  'RECEIPT_IN_FUTURE',
  'RUNTIME',
  'TIMEOUT',
  'INTERNAL',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export interface Refusal {
  reason: RefusalReason;
  message: string;
}

/** The renter's answer to the host's challenge: which lease, and the signature of its renter or delegate. */
export interface AccessAuth {
  lease: PublicKey;
  /** Ed25519 by the lease's renter or delegate over accessSignedBody(protocol, lease, challenge, request). */
  signature: Uint8Array;
  /** The encoded request this stream carries (its hash is signed). */
  request: Uint8Array;
}

/** What the renter needs to reach its container (the host's LeaseManager answers it on activation). */
export interface AccessDetails {
  /** base58 lease account address */
  lease: string;
  /** base58 renter public key */
  renter: string;
  /** container name on the host */
  container: string;
  image: string;
  /** unix seconds */
  maxEnd: bigint;
}

export interface ExecRequest {
  cmd: string[];
  env?: Record<string, string>;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Output beyond ACCESS_LIMITS.maxExecOutputBytes per stream was dropped. */
  truncated: boolean;
}

export interface ShellRequest {
  /** The command on the terminal; default ['/bin/sh']. */
  cmd: string[];
  env?: Record<string, string>;
  cols: number;
  rows: number;
}

export interface LogsRequest {
  /** Keep the stream open for new output until the renter stops reading. */
  follow: boolean;
  /** Only the last `tail` lines of the existing output; all of it when left out. */
  tail?: number;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** What a container uses now, as its engine reports it. */
export interface ContainerUsage {
  /** 100 = one full core */
  cpuPercent: number;
  memoryBytes: number;
  memoryLimit: number;
  netRx: number;
  netTx: number;
  pids: number;
}

/** Usage and cost of one lease, as the host sees them now. */
export interface LeaseStats extends ContainerUsage {
  /** seconds since the container started */
  uptimeSecs: number;
  /** unix seconds up to which uptime is proven on-chain */
  provenUntil: bigint;
  /** lamports: rate x seconds elapsed since the lease started (up to its max end) */
  costSoFar: bigint;
  /** lamports: rate x proven seconds (what the host can be paid now) */
  provenCost: bigint;
  /** lamports held in escrow */
  deposit: bigint;
  /** unix seconds */
  maxEnd: bigint;
}

/** A renter's usage receipt: the lease's container answered until `until` (unix seconds). */
export interface UsageReceipt {
  lease: PublicKey;
  until: bigint;
  /** Ed25519 by the lease's renter or delegate over receiptMessage(lease, until) (what the program checks). */
  signature: Uint8Array;
}

/** 'stale': the host already holds a receipt as new or newer; nothing changed. */
export const RECEIPT_OUTCOMES = ['accepted', 'stale'] as const;
export type ReceiptOutcome = (typeof RECEIPT_OUTCOMES)[number];
