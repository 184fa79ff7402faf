/** The daemon's Prometheus registry: process metrics, peers and offers, read when scraped. */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { DecloudNode } from '@decloud/sdk/net/decloud-node';

export function daemonRegistry(node: DecloudNode): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  new Gauge({
    name: 'decloud_peers',
    help: 'Peers connected to this bootstrap',
    registers: [registry],
    collect() { this.set(node.libp2p.getPeers().length); },
  });
  new Gauge({
    name: 'decloud_index_offers',
    help: 'Offers held by the gossip-fed offer book',
    registers: [registry],
    collect() { this.set(node.book.size); },
  });
  return registry;
}
