/**
 * Test fixtures for the network layer: host keypairs, signed offers, and a network of real
 * in-process nodes on loopback TCP.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58FromSolanaPublicKey } from '../src/identity/base58.js';
import { peerIdFromSolanaPublicKey } from '../src/identity/host-identity.js';
import { signOffer } from '../src/offers/sign.js';
import type { Offer, SignedOffer } from '../src/offers/types.js';
import { createDecloudNode } from '../src/net/create-node.js';
import type { DecloudNodeOptions } from '../src/net/create-node.js';
import type { DecloudNode } from '../src/net/decloud-node.js';

export interface TestHost {
  secret: Uint8Array;
  host: string;
  peerId: string;
}

export function makeHost(): TestHost {
  const seed = ed25519.utils.randomSecretKey();
  const publicKey = ed25519.getPublicKey(seed);
  const secret = new Uint8Array(64);
  secret.set(seed);
  secret.set(publicKey, 32);
  return { secret, host: base58FromSolanaPublicKey(publicKey), peerId: peerIdFromSolanaPublicKey(publicKey).toString() };
}

export interface OfferShape {
  seq?: bigint;
  country?: string;
  gpuModel?: string;
  arch?: Offer['resources']['arch'];
  kind?: Offer['kind'];
  issuedAt?: number;
  ttlMs?: number;
  cpuModel?: string;
}

export function makeOffer(host: TestHost, shape: OfferShape = {}): Offer {
  const issuedAt = shape.issuedAt ?? Date.now();
  return {
    version: 1,
    kind: shape.kind ?? 'docker',
    host: host.host,
    peerId: host.peerId,
    addrs: [],
    resources: {
      cpuCores: 8,
      cpuModel: shape.cpuModel ?? 'Test CPU',
      benchScore: 1000,
      memoryMiB: 16_384,
      diskGiB: 100,
      gpus: shape.gpuModel === undefined ? [] : [{ model: shape.gpuModel, memoryMiB: 24_576, count: 1 }],
      arch: shape.arch ?? 'x86_64',
    },
    region: { country: shape.country ?? 'DE', label: 'test' },
    price: { lamportsPerHour: { cpuCore: 1000n, memoryGiB: 100n, diskGiB: 1n, gpu: 50_000n }, plans: [] },
    duration: { minSecs: 60, maxSecs: 86_400 },
    images: ['*'],
    stake: 1_000_000_000n,
    seq: shape.seq ?? 1n,
    issuedAt,
    expiresAt: issuedAt + (shape.ttlMs ?? 3_600_000),
  };
}

export function signedOffer(host: TestHost, shape: OfferShape = {}): SignedOffer {
  return signOffer(makeOffer(host, shape), host.secret);
}

/** Options for in-process test nodes: loopback TCP only, no NAT machinery, quick start. */
export const LOCAL_NODE: DecloudNodeOptions = {
  listen: ['/ip4/127.0.0.1/tcp/0'],
  webrtc: false,
  autonat: false,
  dcutr: false,
  // Every peer connects from 127.0.0.1: the per-host inbound rate limit must allow a crowd.
  connectionManager: { inboundConnectionThreshold: 10_000, maxIncomingPendingConnections: 1_000 },
};

export interface TestNetwork {
  bootstrap: DecloudNode;
  nodes: DecloudNode[];
  stop(): Promise<void>;
}

/** One bootstrap node and `count` more that join through it. */
export async function startNetwork(count: number, options: DecloudNodeOptions = {}): Promise<TestNetwork> {
  const bootstrap = await createDecloudNode({ ...LOCAL_NODE, ...options });
  const bootstrapAddr = bootstrap.getMultiaddrs()[0]!.toString();
  const nodes: DecloudNode[] = [];
  for (let i = 0; i < count; i++) nodes.push(await createDecloudNode({ ...LOCAL_NODE, ...options, bootstrap: [bootstrapAddr] }));
  return {
    bootstrap,
    nodes,
    async stop() { await Promise.all([bootstrap, ...nodes].map((node) => node.stop())); },
  };
}

/** Polls `condition` every 25 ms until it holds; throws after `timeoutMs` naming `what`. */
export async function waitFor(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
