/** Messages of the lease negotiation protocol `/decloud/lease/1.0.0`. */
import type { ResourceRequest } from '../offers/types.js';

export const LEASE_PROTOCOL = '/decloud/lease/1.0.0';
export const QUOTE_VERSION = 1;
export const NONCE_LENGTH = 16;
export const TERMS_HASH_LENGTH = 32;

/** The renter asks a host for a quote. Not signed: the on-chain lease is what binds the renter. */
export interface QuoteRequest {
  version: 1;
  /** base58 renter wallet public key. */
  renter: string;
  /** The id the renter will open the lease with (its address has bump 255: newLeaseId). */
  leaseId: bigint;
  /** base58 key the renter names as the lease's delegate; '11111111111111111111111111111111' for none. */
  delegate: string;
  resources: ResourceRequest;
  image: string;
  durationSecs: number;
  /** seq of the offer the renter chose; a different current seq means the price may have changed. */
  offerSeq: bigint;
  /** 16 random bytes, echoed in the quote so it answers this request only. */
  nonce: Uint8Array;
}

/** What the host commits to. The on-chain lease is bound to termsHash(terms). */
export interface QuoteTerms {
  version: 1;
  /** base58 host operator public key. */
  host: string;
  renter: string;
  /** Echoed from the request. */
  leaseId: bigint;
  /** Echoed from the request. */
  delegate: string;
  lamportsPerSecond: bigint;
  /** Escrow for the whole duration: lamportsPerSecond x durationSecs. */
  deposit: bigint;
  durationSecs: number;
  image: string;
  resources: ResourceRequest;
  /** unix ms: the lease must be opened before this. */
  expiresAt: number;
  nonce: Uint8Array;
}

export interface Quote extends QuoteTerms {
  /** sha256 of the canonical encoding of the terms (encodeQuoteTerms). */
  termsHash: Uint8Array;
}

export interface SignedQuote {
  quote: Quote;
  /** The host operator's Ed25519 signature over termsMessage(leaseTermsOf(quote)): what open_lease checks. */
  signature: Uint8Array;
  /** The encoded signed form, as sent on the wire. */
  bytes: Uint8Array;
}

export const QUOTE_REFUSAL_REASONS = ['NO_CAPACITY', 'IMAGE_NOT_ALLOWED', 'PRICE_CHANGED', 'TOO_LONG', 'TOO_SHORT', 'MALFORMED'] as const;
export type QuoteRefusalReason = (typeof QUOTE_REFUSAL_REASONS)[number];

export interface QuoteRefusal {
  reason: QuoteRefusalReason;
  message: string;
}

/** Resources the host can still give out now (its capacity minus running leases). */
export type FreeCapacity = ResourceRequest;

export function isQuoteRefusal(value: QuoteTerms | QuoteRefusal): value is QuoteRefusal {
  return 'reason' in value;
}
