/**
 * The host's quoting policy, pure so it is easy to test and to reason about: given its
 * current offer, a renter's request and what is free right now, either the terms it will
 * sign or a refusal with a reason the renter can act on.
 */
import { U64_MAX } from '../codec/field-checks.js';
import { imageAllowed } from '../offers/images.js';
import { priceOf } from '../offers/pricing.js';
import type { Offer, ResourceRequest } from '../offers/types.js';
import { QuoteError } from './errors.js';
import { checkQuoteRequest, QUOTE_LIMITS } from './limits.js';
import { QUOTE_VERSION } from './types.js';
import type { FreeCapacity, QuoteRefusal, QuoteRefusalReason, QuoteRequest, QuoteTerms } from './types.js';

const SECONDS_PER_HOUR = 3600n;

export function decideQuote(offer: Offer, request: QuoteRequest, capacity: FreeCapacity, now: number): QuoteTerms | QuoteRefusal {
  try {
    checkQuoteRequest(request);
  } catch (err) {
    if (err instanceof QuoteError) return refuse('MALFORMED', err.message);
    throw err;
  }
  if (request.offerSeq !== offer.seq) {
    return refuse('PRICE_CHANGED', `the request names offer seq ${request.offerSeq}, the current offer is seq ${offer.seq}: fetch it and ask again`);
  }
  const { minSecs, maxSecs } = offer.duration;
  if (request.durationSecs < minSecs) return refuse('TOO_SHORT', `durationSecs ${request.durationSecs} is below this host's minimum of ${minSecs}`);
  if (request.durationSecs > maxSecs) return refuse('TOO_LONG', `durationSecs ${request.durationSecs} is above this host's maximum of ${maxSecs}`);
  if (!imageAllowed(offer.images, request.image)) {
    return refuse('IMAGE_NOT_ALLOWED', `image ${request.image} is not allowed here; allowed: ${offer.images.join(', ')}`);
  }
  const offered = { ...offer.resources, gpus: offer.resources.gpus.reduce((sum, gpu) => sum + gpu.count, 0) };
  const short = shortfall(request.resources, offered, 'offers') ?? shortfall(request.resources, capacity, 'has free');
  if (short !== undefined) return refuse('NO_CAPACITY', short);

  const lamportsPerSecond = ceilDiv(priceOf(offer, request.resources), SECONDS_PER_HOUR);
  const deposit = lamportsPerSecond * BigInt(request.durationSecs);
  if (deposit > U64_MAX) return refuse('TOO_LONG', `the deposit for ${request.durationSecs} s would exceed a u64 of lamports; ask for a shorter lease`);
  return {
    version: QUOTE_VERSION,
    host: offer.host,
    renter: request.renter,
    leaseId: request.leaseId,
    delegate: request.delegate,
    lamportsPerSecond,
    deposit,
    durationSecs: request.durationSecs,
    image: request.image,
    resources: { ...request.resources },
    expiresAt: now + QUOTE_LIMITS.ttlMs,
    nonce: request.nonce.slice(),
  };
}

/** A refusal whose message fits the wire limit (cut at a character boundary). */
function refuse(reason: QuoteRefusalReason, message: string): QuoteRefusal {
  const encoder = new TextEncoder();
  const chars = Array.from(message);
  while (encoder.encode(chars.join('')).length > QUOTE_LIMITS.maxRefusalMessageBytes) chars.pop();
  return { reason, message: chars.join('') };
}

/** Names the first resource `request` needs beyond `available`, or undefined when it fits. */
function shortfall(request: ResourceRequest, available: ResourceRequest, verb: string): string | undefined {
  for (const key of ['cpuCores', 'memoryMiB', 'diskGiB', 'gpus'] as const) {
    if (request[key] > available[key]) return `requested ${key} ${request[key]}, the host ${verb} ${available[key]}`;
  }
  return undefined;
}

/** Rounded up, so a per-second rate never undercuts the hourly price. */
function ceilDiv(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}
