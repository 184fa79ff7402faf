/** Real host keys and valid offers for the offer, offer-book and quote tests. */
import { Keypair } from '@solana/web3.js';
import { signOffer } from '../src/offers/sign.js';
import { peerIdFromSolanaPublicKey } from '../src/identity/host-identity.js';
import type { Offer, SignedOffer } from '../src/offers/types.js';

export interface TestHost {
  secret: Uint8Array;
  address: string;
  peerId: string;
}

/** A host keypair from a one-byte seed, so tests are reproducible. */
export function testHost(seedByte: number): TestHost {
  const keypair = Keypair.fromSeed(new Uint8Array(32).fill(seedByte));
  return {
    secret: keypair.secretKey,
    address: keypair.publicKey.toBase58(),
    peerId: peerIdFromSolanaPublicKey(keypair.publicKey.toBytes()).toString(),
  };
}

export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

export type OfferChanges = Partial<Omit<Offer, 'resources' | 'region' | 'price'>> & {
  resources?: Partial<Offer['resources']>;
  region?: Partial<Offer['region']>;
  price?: { lamportsPerHour?: Partial<Offer['price']['lamportsPerHour']>; plans?: Offer['price']['plans'] };
};

export function makeOffer(host: TestHost, changes: OfferChanges = {}): Offer {
  const base: Offer = {
    version: 1,
    kind: 'docker',
    host: host.address,
    peerId: host.peerId,
    addrs: ['/ip4/203.0.113.7/tcp/4001', '/ip4/203.0.113.7/tcp/4002/ws'],
    resources: {
      cpuCores: 8,
      cpuModel: 'AMD Ryzen 7 5800X 8-Core Processor',
      benchScore: 1200,
      memoryMiB: 32768,
      diskGiB: 500,
      gpus: [{ model: 'NVIDIA GeForce RTX 3090', memoryMiB: 24576, count: 1 }],
      arch: 'x86_64',
    },
    region: { country: 'DE', label: 'Frankfurt' },
    price: {
      lamportsPerHour: { cpuCore: 1_000_000n, memoryGiB: 200_000n, diskGiB: 1_000n, gpu: 50_000_000n },
      plans: [{ name: 'small', cpuCores: 2, memoryMiB: 4096, diskGiB: 20, gpus: 0, lamportsPerHour: 2_500_000n }],
    },
    duration: { minSecs: 60, maxSecs: 7 * 24 * 3600 },
    images: ['ubuntu:22.04', 'docker.io/library/*'],
    stake: 5_000_000_000n,
    seq: 1n,
    issuedAt: NOW - 1000,
    expiresAt: NOW + 10 * 60 * 1000,
  };
  return {
    ...base,
    ...changes,
    resources: { ...base.resources, ...changes.resources },
    region: { ...base.region, ...changes.region },
    price: {
      lamportsPerHour: { ...base.price.lamportsPerHour, ...changes.price?.lamportsPerHour },
      plans: changes.price?.plans ?? base.price.plans,
    },
  };
}

export function makeSignedOffer(host: TestHost, changes: OfferChanges = {}): SignedOffer {
  return signOffer(makeOffer(host, changes), host.secret);
}
