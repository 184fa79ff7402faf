/**
 * An offer as the index serves it: the decoded fields for reading (bigints as decimal
 * strings, JSON has no 64-bit integers) and the signed bytes in base64, which a client
 * verifies itself (verifyOffer) instead of trusting the index.
 */
import { priceOf } from '@decloud/sdk/offers/pricing';
import type { ResourceRequest, SignedOffer } from '@decloud/sdk/offers/types';

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export function offerJson(signed: SignedOffer, request?: ResourceRequest): Json {
  const { offer } = signed;
  return withStrings({
    ...offer,
    ...(request === undefined ? {} : { lamportsPerHourForRequest: priceOf(offer, request) }),
    signed: Buffer.from(signed.bytes).toString('base64'),
  });
}

/** A deep copy with every bigint turned into its decimal string. */
export function withStrings(value: unknown): Json {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(withStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withStrings(inner)]));
  }
  return value as Json;
}
