import { fieldChecks, U32_MAX, U64_MAX } from '../codec/field-checks.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { OFFER_LIMITS } from '../offers/limits.js';
import type { ResourceRequest } from '../offers/types.js';
import { QuoteError } from './errors.js';
import { NONCE_LENGTH, QUOTE_REFUSAL_REASONS, QUOTE_VERSION } from './types.js';
import type { QuoteRefusal, QuoteRequest, QuoteTerms } from './types.js';

export const QUOTE_LIMITS = {
  /** Any one lease-protocol message, signature included. */
  maxMessageBytes: 1024,
  maxImageLength: OFFER_LIMITS.maxImageLength,
  maxCpuCores: OFFER_LIMITS.maxCpuCores,
  maxGpus: OFFER_LIMITS.maxPlanGpus,
  maxRefusalMessageBytes: 256,
  /** How long a quote stays valid: time for the renter to open the lease on-chain. */
  ttlMs: 2 * 60 * 1000,
} as const;

const check: FieldChecks = fieldChecks((message) => new QuoteError('OUT_OF_RANGE', message));

export function checkQuoteRequest(request: QuoteRequest): void {
  check.object('request', request);
  checkVersion('request', request.version);
  check.solanaAddress('request.renter', request.renter);
  check.bigint('request.leaseId', request.leaseId, 0n, U64_MAX);
  check.solanaAddress('request.delegate', request.delegate);
  checkResources('request.resources', request.resources);
  check.token('request.image', request.image, 1, QUOTE_LIMITS.maxImageLength);
  check.integer('request.durationSecs', request.durationSecs, 1, U32_MAX);
  check.bigint('request.offerSeq', request.offerSeq, 0n, U64_MAX);
  check.bytes('request.nonce', request.nonce, NONCE_LENGTH);
}

export function checkQuoteTerms(terms: QuoteTerms): void {
  check.object('quote', terms);
  checkVersion('quote', terms.version);
  check.solanaAddress('quote.host', terms.host);
  check.solanaAddress('quote.renter', terms.renter);
  check.bigint('quote.leaseId', terms.leaseId, 0n, U64_MAX);
  check.solanaAddress('quote.delegate', terms.delegate);
  check.bigint('quote.lamportsPerSecond', terms.lamportsPerSecond, 0n, U64_MAX);
  check.integer('quote.durationSecs', terms.durationSecs, 1, U32_MAX);
  check.bigint('quote.deposit', terms.deposit, 0n, U64_MAX);
  if (terms.deposit !== terms.lamportsPerSecond * BigInt(terms.durationSecs)) {
    check.fail('quote.deposit', `must be lamportsPerSecond x durationSecs = ${terms.lamportsPerSecond * BigInt(terms.durationSecs)}, got ${terms.deposit}`);
  }
  check.token('quote.image', terms.image, 1, QUOTE_LIMITS.maxImageLength);
  checkResources('quote.resources', terms.resources);
  check.integer('quote.expiresAt', terms.expiresAt, 0, Number.MAX_SAFE_INTEGER);
  check.bytes('quote.nonce', terms.nonce, NONCE_LENGTH);
}

export function checkQuoteRefusal(refusal: QuoteRefusal): void {
  check.object('refusal', refusal);
  check.oneOf('refusal.reason', refusal.reason, QUOTE_REFUSAL_REASONS);
  check.text('refusal.message', refusal.message, 0, QUOTE_LIMITS.maxRefusalMessageBytes);
}

function checkVersion(path: string, version: unknown): void {
  if (version !== QUOTE_VERSION) throw new QuoteError('BAD_VERSION', `${path}.version must be ${QUOTE_VERSION}, got ${String(version)}`);
}

function checkResources(path: string, resources: ResourceRequest): void {
  check.object(path, resources);
  check.integer(`${path}.cpuCores`, resources.cpuCores, 1, QUOTE_LIMITS.maxCpuCores);
  check.integer(`${path}.memoryMiB`, resources.memoryMiB, 1, U32_MAX);
  check.integer(`${path}.diskGiB`, resources.diskGiB, 0, U32_MAX);
  check.integer(`${path}.gpus`, resources.gpus, 0, QUOTE_LIMITS.maxGpus);
}
