/**
 * The host node's Prometheus metrics, in a registry of their own. Counters are counted by
 * the daemon as things happen; gauges read their sources when scraped.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { LEASE_STATES } from '../leases/index.js';
import type { LeaseState } from '../leases/index.js';

/** What the gauges read at scrape time. */
export interface NodeMetricsSources {
  leaseStates(): Promise<LeaseState[]>;
  /** Containers of this node on the engine. */
  containers(): Promise<number>;
  /** Lamports the host earned on-chain (host account `earned`); undefined when the chain cannot be read. */
  earnedLamports(): Promise<bigint | undefined>;
  peersConnected(): number;
}

export interface NodeMetrics {
  readonly registry: Registry;
  readonly offersPublished: Counter;
  readonly quoteRequests: Counter;
  readonly quoteRefusals: Counter<'reason'>;
  readonly proofsPosted: Counter;
  readonly settledLamports: Counter;
  /** paid out to the owner by claim_rewards: settled payments and uptime rewards */
  readonly claimedLamports: Counter;
}

export function createNodeMetrics(sources: NodeMetricsSources): NodeMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'decloud_node_' });

  new Gauge({
    name: 'decloud_leases', help: 'Leases in the local store, by state', labelNames: ['state'] as const, registers,
    async collect() {
      const counts = new Map<string, number>(LEASE_STATES.map((state) => [state, 0]));
      for (const state of await sources.leaseStates()) counts.set(state, (counts.get(state) ?? 0) + 1);
      for (const [state, count] of counts) this.set({ state }, count);
    },
  });
  new Gauge({
    name: 'decloud_containers', help: "This node's containers on the engine", registers,
    async collect() { this.set(await sources.containers()); },
  });
  let lastEarned = 0;
  new Gauge({
    name: 'decloud_earned_lamports', help: 'Lamports the host has earned (on-chain host account)', registers,
    async collect() {
      // When the chain cannot be read the last known value stands: earnings never go down.
      const earned = await sources.earnedLamports().catch(() => undefined);
      if (earned !== undefined) lastEarned = Number(earned);
      this.set(lastEarned);
    },
  });
  new Gauge({
    name: 'decloud_peers_connected', help: 'libp2p peers with an open connection', registers,
    collect() { this.set(sources.peersConnected()); },
  });

  return {
    registry,
    offersPublished: new Counter({ name: 'decloud_offers_published_total', help: 'Signed offers published (gossip and DHT)', registers }),
    quoteRequests: new Counter({ name: 'decloud_quote_requests_total', help: 'Quote requests answered', registers }),
    quoteRefusals: new Counter({ name: 'decloud_quote_refusals_total', help: 'Quote requests refused, by reason', labelNames: ['reason'] as const, registers }),
    proofsPosted: new Counter({ name: 'decloud_proofs_posted_total', help: 'Uptime proofs (renter receipts and witness attestations) posted on-chain', registers }),
    settledLamports: new Counter({ name: 'decloud_settled_lamports_total', help: 'Lamports moved out of escrow into the host account by this node\'s settlements', registers }),
    claimedLamports: new Counter({ name: 'decloud_claimed_lamports_total', help: 'Lamports paid out to the owner by this node\'s claims (settled payments and uptime rewards)', registers }),
  };
}
