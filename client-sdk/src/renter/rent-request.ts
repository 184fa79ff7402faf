/**
 * What a renter asks for, checked before anything is sent: image, duration (hours or
 * seconds), resources (defaults filled in) and the quote request built from them. Checks
 * against the host's signed offer (image allowed, duration within its range) fail here
 * with the fix, instead of a round trip to a refusal.
 */
import { fieldChecks, U32_MAX } from '../codec/field-checks.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { imageAllowed } from '../offers/images.js';
import type { Offer, ResourceRequest } from '../offers/types.js';
import { checkQuoteRequest, QUOTE_LIMITS } from '../quotes/limits.js';
import { NONCE_LENGTH, QUOTE_VERSION } from '../quotes/types.js';
import type { QuoteRequest } from '../quotes/types.js';
import { secondsOf } from './durations.js';
import type { Duration } from './durations.js';
import { RenterError } from './renter-error.js';

export interface RentOptions {
  /** An image the host allows (its offer lists them), e.g. `decloud/busybox:local`. */
  image: string;
  /** Lease length in hours (fractions allowed); or give `durationSecs`. */
  hours?: number;
  durationSecs?: number;
  /** Defaults: DEFAULT_RESOURCES. */
  resources?: Partial<ResourceRequest>;
  /** Environment variables given to every exec and shell of this lease. */
  env?: Record<string, string>;
}

/** A small container: one core, 512 MiB, 1 GiB of disk. */
export const DEFAULT_RESOURCES: ResourceRequest = { cpuCores: 1, memoryMiB: 512, diskGiB: 1, gpus: 0 };

const check: FieldChecks = fieldChecks((message) => new RenterError('BAD_OPTION', message));

export interface CheckedRent {
  image: string;
  durationSecs: number;
  resources: ResourceRequest;
  env: Record<string, string> | undefined;
}

/** Throws RenterError BAD_OPTION naming the field to fix. */
export function checkRentOptions(options: RentOptions): CheckedRent {
  check.object('rent options', options);
  check.token('image', options.image, 1, QUOTE_LIMITS.maxImageLength);
  const durationSecs = durationOf(options);
  const resources = { ...DEFAULT_RESOURCES, ...(options.resources ?? {}) };
  check.integer('resources.cpuCores', resources.cpuCores, 1, QUOTE_LIMITS.maxCpuCores);
  check.integer('resources.memoryMiB', resources.memoryMiB, 1, U32_MAX);
  check.integer('resources.diskGiB', resources.diskGiB, 0, U32_MAX);
  check.integer('resources.gpus', resources.gpus, 0, QUOTE_LIMITS.maxGpus);
  if (options.env !== undefined) {
    check.object('env', options.env);
    for (const [name, value] of Object.entries(options.env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) check.fail(`env name ${JSON.stringify(name)}`, 'must be letters, digits and _ (not starting with a digit)');
      if (typeof value !== 'string') check.fail(`env.${name}`, 'must be a string');
    }
  }
  return { image: options.image, durationSecs, resources, env: options.env };
}

function durationOf(options: RentOptions): number {
  if (options.hours === undefined && options.durationSecs === undefined) check.fail('duration', 'is missing: give hours or durationSecs');
  return secondsOf({
    ...(options.hours !== undefined ? { hours: options.hours } : {}),
    ...(options.durationSecs !== undefined ? { durationSecs: options.durationSecs } : {}),
  } as Duration);
}

/** Refuses what the host's own offer says it would refuse: an image it does not run, a duration out of its range. */
export function checkAgainstOffer(offer: Offer, rent: CheckedRent): void {
  if (!imageAllowed(offer.images, rent.image)) {
    throw new RenterError('BAD_OPTION', `host ${offer.peerId} does not run image ${rent.image}; it allows: ${offer.images.join(', ')}`, { step: 'quote' });
  }
  const { minSecs, maxSecs } = offer.duration;
  if (rent.durationSecs < minSecs || rent.durationSecs > maxSecs) {
    throw new RenterError('BAD_OPTION', `host ${offer.peerId} rents for ${minSecs}..${maxSecs} s; ${rent.durationSecs} s is outside: pick a duration in that range`, { step: 'quote' });
  }
}

/** The quote request for `rent` under `offer` by the renter, for its chosen lease id and delegate, with a fresh nonce. */
export function quoteRequestOf(offer: Offer, parties: Pick<QuoteRequest, 'renter' | 'leaseId' | 'delegate'>, rent: CheckedRent): QuoteRequest {
  const request: QuoteRequest = {
    version: QUOTE_VERSION,
    renter: parties.renter,
    leaseId: parties.leaseId,
    delegate: parties.delegate,
    resources: { ...rent.resources },
    image: rent.image,
    durationSecs: rent.durationSecs,
    offerSeq: offer.seq,
    nonce: crypto.getRandomValues(new Uint8Array(NONCE_LENGTH)),
  };
  checkQuoteRequest(request);
  return request;
}
