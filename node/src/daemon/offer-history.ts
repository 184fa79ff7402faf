import type { Offer, SignedOffer } from '@decloud/sdk/offers/types';

/**
 * The offers this run of the node signed and that are still valid. Every republication
 * raises the seq, so a renter may ask for a quote on a seq one or two publications old:
 * within a run the terms are the same, so any of them still counts. A seq from before a
 * restart is unknown here and gets PRICE_CHANGED (the config may have changed).
 */
export class OfferHistory {
  private readonly bySeq = new Map<bigint, SignedOffer>();
  private latest: SignedOffer | undefined;

  add(signed: SignedOffer, now: number): void {
    this.latest = signed;
    this.bySeq.set(signed.offer.seq, signed);
    for (const [seq, old] of this.bySeq) if (old.offer.expiresAt <= now) this.bySeq.delete(seq);
  }

  current(): SignedOffer | undefined {
    return this.latest;
  }

  /** The still valid offer with this seq, else the current one. */
  offerFor(seq: bigint, now: number): Offer | undefined {
    const named = this.bySeq.get(seq);
    return named && named.offer.expiresAt > now ? named.offer : this.latest?.offer;
  }
}
