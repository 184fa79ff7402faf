/** The steps of one rental, reported as they happen (a CLI shows a spinner per step). */
import type { AccessDetails } from '../access/types.js';
import type { Quote } from '../quotes/types.js';

export const RENT_STEPS = ['quote', 'quoted', 'funding', 'funded', 'starting', 'running'] as const;
export type RentStep = (typeof RENT_STEPS)[number];

export type RentProgress =
  /** Asking the host for a quote. */
  | { step: 'quote'; host: string; peerId: string; durationSecs: number }
  /** The host signed a quote: rate and deposit are known, and `hostSignature` (verified) is the host operator's over the lease terms, which open_lease checks. */
  | { step: 'quoted'; quote: Quote; hostSignature: Uint8Array }
  /** Opening the lease on-chain: `deposit` lamports go into escrow, `rentExempt` into the account (both come back at the end but the proven part). */
  | { step: 'funding'; deposit: bigint; rentExempt: bigint }
  /** The lease account exists on-chain. */
  | { step: 'funded'; lease: string; signature: string }
  /** Asking the host to verify the lease and start the container. */
  | { step: 'starting'; lease: string }
  /** The host reports the container running. */
  | { step: 'running'; lease: string; details: AccessDetails };

export type RentProgressListener = (progress: RentProgress) => void;
