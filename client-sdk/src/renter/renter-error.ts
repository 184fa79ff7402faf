/**
 * Errors of the renter API. `code` is stable for callers to branch on; `step` names the
 * step of a rental that failed; `lease` is set once a lease exists on-chain, so a caller
 * always knows where its deposit is. The message names the cause and the fix.
 */
import type { RentStep } from './rent-progress.js';

export type RenterErrorCode =
  /** An option passed to the SDK is invalid: nothing was sent. */
  | 'BAD_OPTION'
  /** The RPC endpoint does not answer, or does not run the DeCloud program. */
  | 'CHAIN_UNREACHABLE'
  /** No peer of the network could be reached through the bootstrap list. */
  | 'NETWORK_UNREACHABLE'
  /** No live offer matches the filter. */
  | 'NO_HOSTS'
  /** The host's offer could not be found (gossip, DHT). */
  | 'HOST_NOT_FOUND'
  /** The host's node could not be reached (offline, or its addresses are stale). */
  | 'HOST_UNREACHABLE'
  /** The host refused or did not answer the quote request. */
  | 'QUOTE_FAILED'
  /** The wallet cannot pay the deposit, rent and fees. */
  | 'INSUFFICIENT_FUNDS'
  /** The lease could not be opened (or topped up) on-chain. */
  | 'FUNDING_FAILED'
  /** The lease is funded but the host did not start it. */
  | 'ACTIVATION_FAILED'
  /** No lease account at that address: closed, or never opened. */
  | 'LEASE_NOT_FOUND'
  /** The lease belongs to another renter key. */
  | 'NOT_RENTER'
  /** Closing the lease on-chain failed: the escrow is untouched. */
  | 'END_FAILED'
  /** The DeCloud instance was closed. */
  | 'CLOSED';

export class RenterError extends Error {
  override readonly name = 'RenterError';
  readonly step: RentStep | undefined;
  /** base58 address of the lease concerned, when one exists on-chain. */
  readonly lease: string | undefined;

  constructor(readonly code: RenterErrorCode, message: string, options: { step?: RentStep; lease?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.step = options.step;
    this.lease = options.lease;
  }
}

/** The message of anything thrown, for error texts. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
