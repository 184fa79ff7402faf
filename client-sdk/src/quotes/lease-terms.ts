/** A quote as the chain sees it: the terms open_lease takes and the host operator signs. */
import { PublicKey } from '@solana/web3.js';
import type { LeaseTerms } from '../chain/proofs.js';
import type { Quote } from './types.js';

export function leaseTermsOf(quote: Quote): LeaseTerms {
  return {
    renter: new PublicKey(quote.renter),
    hostOperator: new PublicKey(quote.host),
    leaseId: quote.leaseId,
    rate: quote.lamportsPerSecond,
    durationSecs: BigInt(quote.durationSecs),
    quoteExpiresAt: BigInt(Math.floor(quote.expiresAt / 1000)),
    delegate: new PublicKey(quote.delegate),
    termsHash: quote.termsHash,
  };
}
