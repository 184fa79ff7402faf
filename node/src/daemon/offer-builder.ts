/** The host's offer, built from what it measured, what the operator configured and where it listens. */
import { OFFER_LIMITS } from '@decloud/sdk/offers/limits';
import type { Offer, OfferRegion, UnitPrices } from '@decloud/sdk/offers/types';
import type { SellableCapacity } from '../capacity/index.js';

export interface OfferInputs {
  operator: string;
  peerId: string;
  addrs: string[];
  sellable: SellableCapacity;
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
  const { sellable } = inputs;
  return {
    version: 1,
    kind: 'docker',
    host: inputs.operator,
    peerId: inputs.peerId,
    addrs: offerAddrs(inputs.addrs),
    resources: {
      cpuCores: Math.min(sellable.cpuCores, OFFER_LIMITS.maxCpuCores),
      cpuModel: clipUtf8(sellable.cpuModel, OFFER_LIMITS.maxCpuModelBytes),
      benchScore: inputs.benchScore,
      memoryMiB: sellable.memoryMiB,
      diskGiB: sellable.diskGiB,
      gpus: sellable.gpus.slice(0, OFFER_LIMITS.maxGpuKinds).map((gpu) => ({
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
