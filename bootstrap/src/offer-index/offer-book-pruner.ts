/** Drops expired offers from the book every minute, so the index and memory hold live offers only. */
import type { OfferBook } from '@decloud/sdk/offers/offer-book';

export const PRUNE_INTERVAL_MS = 60_000;

export function startOfferBookPruner(book: OfferBook, clock: () => number = Date.now): { stop(): void } {
  const timer = setInterval(() => book.prune(clock()), PRUNE_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
