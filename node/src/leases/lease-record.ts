import type { AccessDetails } from '@decloud/sdk/access/types';
import type { Quote } from '@decloud/sdk/quotes/index';
import type { ContainerHandle } from '../runtime/index.js';
import type { LeaseState } from './lease-state.js';

/** A quote this host signed, waiting for the renter to open its lease. Keyed by terms hash. */
export interface QuoteRecord {
  state: 'quoted';
  quote: Quote;
  /** unix ms */
  recordedAt: number;
}

/** One lease this host accepted. Keyed by the lease account's address. */
export interface LeaseRecord {
  /** base58 address of the on-chain lease account */
  lease: string;
  state: LeaseState;
  /** the quote the lease was verified against */
  quote: Quote;
  /** unix seconds, as on-chain (a top-up moves it) */
  maxEnd: bigint;
  container?: ContainerHandle;
  /** why the lease failed or closed */
  reason?: string;
  /**
   * A failed lease whose on-chain account the host still has to close (refunding the renter
   * the unproven time); set when closing it did not go through yet, retried every tick.
   */
  closePending?: true;
  /** unix ms */
  updatedAt: number;
}

export type { AccessDetails };

export function accessOf(record: LeaseRecord & { container: ContainerHandle }): AccessDetails {
  return { lease: record.lease, renter: record.quote.renter, container: record.container.name, image: record.quote.image, maxEnd: record.maxEnd };
}
