/**
 * Capability keys: what a renter can search the DHT for. A host provides one CID per
 * capability of its offer (region, GPU model, CPU arch, kind); a renter hashes the same
 * key and asks the DHT for its providers.
 */
import { CID } from 'multiformats/cid';
import * as raw from 'multiformats/codecs/raw';
import { sha256 } from 'multiformats/hashes/sha2';
import type { Offer } from '../offers/types.js';
import { NetError } from './net-error.js';
import { CAPABILITY_PREFIX } from './protocol-ids.js';

export const CAPABILITY_TYPES = ['region', 'gpu', 'arch', 'kind'] as const;
export type CapabilityType = (typeof CAPABILITY_TYPES)[number];

export interface Capability {
  type: CapabilityType;
  /** e.g. `DE` (ISO country), `NVIDIA RTX 4090`, `x86_64`, `docker`; matched case-insensitively. */
  value: string;
}

const MAX_VALUE_BYTES = 64;

/** Lower case, trimmed, inner whitespace as `-`: `" NVIDIA  RTX 4090"` -> `nvidia-rtx-4090`. */
export function normalizeCapabilityValue(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, '-');
}

/** `/decloud/cap/<type>/<normalized value>`; throws NetError BAD_CAPABILITY for unusable input. */
export function capabilityKey(capability: Capability): string {
  if (!CAPABILITY_TYPES.includes(capability.type)) {
    throw new NetError('BAD_CAPABILITY', `capability type must be one of ${CAPABILITY_TYPES.join(', ')}, got ${JSON.stringify(capability.type)}`);
  }
  const value = typeof capability.value === 'string' ? normalizeCapabilityValue(capability.value) : '';
  if (value.length === 0 || value.includes('/') || new TextEncoder().encode(value).length > MAX_VALUE_BYTES) {
    throw new NetError('BAD_CAPABILITY', `capability value must be 1-${MAX_VALUE_BYTES} bytes without "/", got ${JSON.stringify(capability.value)}`);
  }
  return `${CAPABILITY_PREFIX}${capability.type}/${value}`;
}

/** The CID providers announce for a capability: CIDv1, raw codec, sha256 of the key text. */
export async function capabilityCid(capability: Capability): Promise<CID> {
  const digest = await sha256.digest(new TextEncoder().encode(capabilityKey(capability)));
  return CID.createV1(raw.code, digest);
}

/** Every capability an offer advertises, without duplicates (two GPU kinds of one model count once). */
export function capabilitiesOfOffer(offer: Offer): Capability[] {
  const all: Capability[] = [
    { type: 'region', value: offer.region.country },
    { type: 'arch', value: offer.resources.arch },
    { type: 'kind', value: offer.kind },
    ...offer.resources.gpus.map((gpu): Capability => ({ type: 'gpu', value: gpu.model })),
  ];
  const seen = new Set<string>();
  return all.filter((capability) => {
    const key = capabilityKey(capability);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
