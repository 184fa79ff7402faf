/**
 * The host's offer, built from what it measured, what the operator configured, what its
 * leases leave free and where it listens. An offer shows the free resources, so renters
 * filtering on them skip a host that is booked; the daemon republishes when a lease takes
 * or gives back capacity.
 */
import { OFFER_LIMITS } from '@decloud/sdk/offers/limits';
import type { FreeCapacity } from '@decloud/sdk/quotes/types';
import type { GpuSpec, Offer, OfferRegion, UnitPrices } from '@decloud/sdk/offers/types';
import type { SellableCapacity } from '../capacity/index.js';

export interface OfferInputs {
  operator: string;
  peerId: string;
  addrs: string[];
  sellable: SellableCapacity;
  /** What the live leases leave of `sellable` (freeCapacity). */
  free: FreeCapacity;
  benchScore: number;
  region: OfferRegion;
  prices: UnitPrices;
  images: string[];
  limits: { minLeaseSecs: number; maxLeaseSecs: number };
  /** The stake on-chain (what renters can check), not the configured one. */
  stake: bigint;
  seq: bigint;
  /** unix ms */
  now: number;
  ttlMs: number;
}

/** Most addresses an offer lists: enough for every transport, well inside the offer's size cap. */
export const MAX_OFFER_ADDRS = 8;

export function buildOffer(inputs: OfferInputs): Offer {
  const { sellable, free } = inputs;
  return {
    version: 1,
    kind: 'docker',
    host: inputs.operator,
    peerId: inputs.peerId,
    addrs: offerAddrs(inputs.addrs),
    resources: {
      cpuCores: Math.min(free.cpuCores, OFFER_LIMITS.maxCpuCores),
      cpuModel: clipUtf8(sellable.cpuModel, OFFER_LIMITS.maxCpuModelBytes),
      benchScore: inputs.benchScore,
      memoryMiB: free.memoryMiB,
      diskGiB: free.diskGiB,
      gpus: freeGpus(sellable.gpus, free.gpus).slice(0, OFFER_LIMITS.maxGpuKinds).map((gpu) => ({
        model: clipUtf8(gpu.model, OFFER_LIMITS.maxGpuModelBytes),
        memoryMiB: gpu.memoryMiB,
        count: Math.min(gpu.count, OFFER_LIMITS.maxGpusPerKind),
      })),
      arch: sellable.arch,
    },
    region: { ...inputs.region },
    price: { lamportsPerHour: { ...inputs.prices }, plans: [] },
    duration: { minSecs: inputs.limits.minLeaseSecs, maxSecs: inputs.limits.maxLeaseSecs },
    images: [...inputs.images],
    stake: inputs.stake,
    seq: inputs.seq,
    issuedAt: inputs.now,
    expiresAt: inputs.now + inputs.ttlMs,
  };
}

/**
 * The GPU kinds with `free` GPUs left in all: leases ask for a number of GPUs, not a model,
 * so the taken ones come off the kinds in order; a kind with none left is not listed.
 */
export function freeGpus(kinds: GpuSpec[], free: number): GpuSpec[] {
  let taken = kinds.reduce((sum, gpu) => sum + gpu.count, 0) - free;
  const left: GpuSpec[] = [];
  for (const gpu of kinds) {
    const gone = Math.min(Math.max(taken, 0), gpu.count);
    taken -= gone;
    if (gpu.count > gone) left.push({ ...gpu, count: gpu.count - gone });
  }
  return left;
}

/**
 * The addresses to publish: reachable-from-elsewhere ones first, loopback last (still useful
 * on one machine), no duplicates, none over the per-address limit, at most MAX_OFFER_ADDRS.
 */
export function offerAddrs(addrs: string[]): string[] {
  const fitting = [...new Set(addrs)].filter((addr) => addr.length <= OFFER_LIMITS.maxAddrLength);
  const loopback = (addr: string) => addr.startsWith('/ip4/127.') || addr.startsWith('/ip6/::1/');
  return [...fitting.filter((addr) => !loopback(addr)), ...fitting.filter(loopback)].slice(0, MAX_OFFER_ADDRS);
}

/** `text` cut to at most `maxBytes` of UTF-8, at a character boundary. */
export function clipUtf8(text: string, maxBytes: number): string {
  const encoder = new TextEncoder();
  if (encoder.encode(text).length <= maxBytes) return text;
  const chars = Array.from(text);
  while (encoder.encode(chars.join('')).length > maxBytes) chars.pop();
  return chars.join('');
}
