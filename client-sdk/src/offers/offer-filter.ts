import { fieldChecks, U32_MAX } from '../codec/field-checks.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { isCountryCode } from './countries.js';
import { CPU_ARCHS, OFFER_KINDS } from './types.js';
import type { CpuArch, OfferKind, ResourceRequest } from './types.js';

/** What a renter looks for. Every field is optional; an empty filter matches every live offer. */
export interface OfferFilter {
  minCpuCores?: number;
  minMemoryMiB?: number;
  minDiskGiB?: number;
  /** Case-insensitive part of the GPU model name, e.g. "rtx 4090". */
  gpuModel?: string;
  /** GPUs needed (of `gpuModel` when given). */
  minGpus?: number;
  /** ISO 3166-1 alpha-2. */
  country?: string;
  /** Region label, compared case-insensitively. */
  regionLabel?: string;
  /** Highest price for the requested resources (min* fields), lamports per hour. */
  maxLamportsPerHour?: bigint;
  /** Lease length the offer must allow (within its duration min/max). */
  durationSecs?: number;
  kind?: OfferKind;
  /** An image the offer must allow. */
  image?: string;
  arch?: CpuArch;
}

/** Above any price priceOf can return (u64 unit prices x u32 quantities), so every bound is meaningful. */
const MAX_REQUEST_PRICE = 2n ** 128n;

const check: FieldChecks = fieldChecks((message) => new RangeError(message));

/** Throws RangeError naming the bad filter field. */
export function checkOfferFilter(filter: OfferFilter): void {
  check.object('filter', filter);
  const counts = ['minCpuCores', 'minMemoryMiB', 'minDiskGiB', 'minGpus', 'durationSecs'] as const;
  for (const key of counts) if (filter[key] !== undefined) check.integer(`filter.${key}`, filter[key], 0, U32_MAX);
  if (filter.gpuModel !== undefined) check.text('filter.gpuModel', filter.gpuModel, 1, 64);
  if (filter.country !== undefined && (typeof filter.country !== 'string' || !isCountryCode(filter.country))) {
    check.fail('filter.country', `must be an ISO 3166-1 alpha-2 code in upper case (e.g. "DE"), got ${JSON.stringify(filter.country)}`);
  }
  if (filter.regionLabel !== undefined) check.text('filter.regionLabel', filter.regionLabel, 0, 64);
  if (filter.maxLamportsPerHour !== undefined) check.bigint('filter.maxLamportsPerHour', filter.maxLamportsPerHour, 0n, MAX_REQUEST_PRICE);
  if (filter.kind !== undefined) check.oneOf('filter.kind', filter.kind, OFFER_KINDS);
  if (filter.image !== undefined) check.token('filter.image', filter.image, 1, 128);
  if (filter.arch !== undefined) check.oneOf('filter.arch', filter.arch, CPU_ARCHS);
}

/** The resources a filter asks for: what ranking prices. */
export function requestOfFilter(filter: OfferFilter): ResourceRequest {
  return {
    cpuCores: filter.minCpuCores ?? 0,
    memoryMiB: filter.minMemoryMiB ?? 0,
    diskGiB: filter.minDiskGiB ?? 0,
    gpus: filter.minGpus ?? 0,
  };
}
