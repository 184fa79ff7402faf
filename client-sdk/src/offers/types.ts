/** What a host sells, as published on gossipsub `/decloud/offers/1` and the DHT. */

export const OFFER_VERSION = 1;
export const OFFER_KINDS = ['docker', 'aws', 'gcp'] as const;
export const CPU_ARCHS = ['x86_64', 'arm64'] as const;

export type OfferKind = (typeof OFFER_KINDS)[number];
export type CpuArch = (typeof CPU_ARCHS)[number];

export interface GpuSpec {
  model: string;
  memoryMiB: number;
  count: number;
}

export interface OfferResources {
  cpuCores: number;
  cpuModel: string;
  /** Integer score of the host's verification benchmark (higher is faster). */
  benchScore: number;
  memoryMiB: number;
  diskGiB: number;
  gpus: GpuSpec[];
  arch: CpuArch;
}

export interface OfferRegion {
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  label: string;
}

export interface UnitPrices {
  cpuCore: bigint;
  memoryGiB: bigint;
  diskGiB: bigint;
  gpu: bigint;
}

/** A fixed bundle at a fixed price; it caps the price of any request it covers. */
export interface OfferPlan {
  name: string;
  cpuCores: number;
  memoryMiB: number;
  diskGiB: number;
  gpus: number;
  lamportsPerHour: bigint;
}

export interface OfferPrice {
  lamportsPerHour: UnitPrices;
  plans: OfferPlan[];
}

export interface Offer {
  version: 1;
  kind: OfferKind;
  /** base58 operator public key. */
  host: string;
  /** libp2p peer id, always the one derived from `host`. */
  peerId: string;
  addrs: string[];
  resources: OfferResources;
  region: OfferRegion;
  price: OfferPrice;
  duration: { minSecs: number; maxSecs: number };
  /** Allowed images: exact names, or prefixes ending in `*` (`*` alone allows any image). */
  images: string[];
  stake: bigint;
  /** Grows with every offer the host signs; the newest wins and older ones are replays. */
  seq: bigint;
  /** unix ms */
  issuedAt: number;
  /** unix ms */
  expiresAt: number;
}

export interface SignedOffer {
  offer: Offer;
  signature: Uint8Array;
  /** The encoded signed form: encodeOffer(offer) || signature. */
  bytes: Uint8Array;
}

/** Resources a renter asks for. */
export interface ResourceRequest {
  cpuCores: number;
  memoryMiB: number;
  diskGiB: number;
  gpus: number;
}
