import { PublicKey } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import type { QuoteDecider } from '@decloud/sdk/net/quote-protocol';
import { decideQuote, isQuoteRefusal, signQuote } from '@decloud/sdk/quotes/index';
import type { SellableCapacity } from '../capacity/index.js';
import type { LeaseManager } from '../leases/index.js';
import type { NodeMetrics } from '../metrics/index.js';
import { freeCapacity } from './free-capacity.js';
import type { OfferHistory } from './offer-history.js';

export interface QuoteDeciderComponents {
  offers: OfferHistory;
  sellable: SellableCapacity;
  manager: LeaseManager;
  operator: Keypair;
  metrics: NodeMetrics;
  clock: () => number;
}

/**
 * The host's answer to a quote request: decideQuote on the offer the renter named and the
 * capacity free right now (sellable minus live leases), signed with the operator key. The
 * quote is recorded in the lease manager before it is sent, so the lease it funds is known.
 */
export function hostQuoteDecider(c: QuoteDeciderComponents): QuoteDecider {
  return async (request, _renterPeer, { signal }) => {
    c.metrics.quoteRequests.inc();
    const now = c.clock();
    const offer = c.offers.offerFor(request.offerSeq, now);
    if (!offer) {
      c.metrics.quoteRefusals.inc({ reason: 'PRICE_CHANGED' });
      return { reason: 'PRICE_CHANGED', message: 'this host is still signing its first offer: fetch it and ask again' };
    }
    const terms = decideQuote(offer, request, freeCapacity(c.sellable, await c.manager.list()), now);
    if (isQuoteRefusal(terms)) {
      c.metrics.quoteRefusals.inc({ reason: terms.reason });
      return terms;
    }
    const signed = signQuote(terms, c.operator.secretKey);
    await c.manager.recordQuote(signed.quote, new PublicKey(request.renter), signal ? { signal } : {});
    return signed;
  };
}
