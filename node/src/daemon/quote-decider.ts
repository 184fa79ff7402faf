import { PublicKey } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import type { QuoteDecider } from '@decloud/sdk/net/quote-protocol';
import { leaseAddress } from '@decloud/sdk/chain/index';
import { decideQuote, isQuoteRefusal, signQuote } from '@decloud/sdk/quotes/index';
import type { SellableCapacity } from '../capacity/index.js';
import type { LeaseManager, LeaseRecord } from '../leases/index.js';
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
 * capacity free right now (sellable minus live leases), signed with the operator key over
 * the on-chain terms (renter, lease id and delegate as the renter chose them, rate,
 * duration, expiry, terms hash). The quote is recorded in the lease manager before it is
 * sent, so the lease it funds is known. A lease id this host has served before (its lease
 * address has a record here) is refused: a new lease needs a new id.
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
    const records = await c.manager.list();
    const decided = decideQuote(offer, request, freeCapacity(c.sellable, records), now);
    const used = isQuoteRefusal(decided) ? undefined : leaseIdProblem(request.renter, request.leaseId, records);
    const terms = used === undefined ? decided : { reason: 'MALFORMED' as const, message: used };
    if (isQuoteRefusal(terms)) {
      c.metrics.quoteRefusals.inc({ reason: terms.reason });
      return terms;
    }
    const signed = signQuote(terms, c.operator.secretKey);
    await c.manager.recordQuote(signed.quote, new PublicKey(request.renter), signal ? { signal } : {});
    return signed;
  };
}

/** Why a lease id cannot be quoted: it has no lease address, or this host has a lease at that address already. */
function leaseIdProblem(renter: string, leaseId: bigint, records: LeaseRecord[]): string | undefined {
  let address: string;
  try {
    address = leaseAddress(new PublicKey(renter), leaseId).toBase58();
  } catch {
    return `lease id ${leaseId} has no lease address (bump 255): draw another one (newLeaseId) and ask again`;
  }
  if (records.some((r) => r.lease === address)) return `lease id ${leaseId} was used already (lease ${address}): draw a new one (newLeaseId) and ask again`;
  return undefined;
}
