/**
 * libp2p 3 has no auto-dialer: peers found by the DHT are only reported, and the bootstrap
 * list is dialed once. This service dials discovered peers while the node has fewer
 * connections than it wants, redials the bootstrap list while it has none, and runs one
 * self look-up as soon as the routing table has its first peer, which is what fills the
 * routing tables of a fresh network quickly.
 */
import type { KadDHT } from '@libp2p/kad-dht';
import type { Libp2p, PeerInfo } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { derivedSignal, lifetimeController } from './abort.js';

export interface PeerDialerComponents {
  libp2p: Pick<Libp2p, 'addEventListener' | 'removeEventListener' | 'dial' | 'getPeers' | 'peerId'>;
  dht: KadDHT;
}

export interface PeerDialerInit {
  /** Dial discovered peers while connected to fewer peers than this. */
  targetPeers: number;
  dialTimeoutMs?: number;
  /** Bound on the self look-up (default 30 s). */
  selfQueryTimeoutMs?: number;
  /** Bootstrap multiaddrs, redialed every `reconnectIntervalMs` (default 5 s) while no peer is connected. */
  bootstrap: string[];
  reconnectIntervalMs?: number;
}

export interface PeerDialer {
  stop(): void;
}

/** The routing table of a single kad-dht instance; not part of kad-dht's public interface. */
interface ObservableRoutingTable extends EventTarget { size: number }

export function startPeerDialer(components: PeerDialerComponents, init: PeerDialerInit): PeerDialer {
  const { libp2p, dht } = components;
  const lifetime = lifetimeController();
  const dialing = new Set<string>();

  const onDiscovery = (event: CustomEvent<PeerInfo>): void => {
    const peer = event.detail;
    const id = peer.id.toString();
    if (peer.id.equals(libp2p.peerId) || dialing.has(id)) return;
    const connected = libp2p.getPeers();
    if (connected.length >= init.targetPeers || connected.some((p) => p.equals(peer.id))) return;
    dialing.add(id);
    libp2p.dial(peer.id, { signal: derivedSignal(init.dialTimeoutMs ?? 10_000, lifetime.signal) })
      .catch(() => { /* unreachable peers are common; the DHT offers others */ })
      .finally(() => dialing.delete(id));
  };

  const selfQuery = async (): Promise<void> => {
    const signal = derivedSignal(init.selfQueryTimeoutMs ?? 30_000, lifetime.signal);
    for await (const event of dht.getClosestPeers(libp2p.peerId.toMultihash().bytes, { signal })) void event;
  };

  const table = (dht as unknown as { routingTable?: ObservableRoutingTable }).routingTable;
  const onRoutingTablePeer = (): void => {
    if (table?.size !== 1) return;
    selfQuery().catch(() => { /* retried when the table next goes from empty to one peer */ });
  };

  const bootstrapAddrs = init.bootstrap.map((addr) => multiaddr(addr));
  const redialBootstrap = (): void => {
    if (libp2p.getPeers().length > 0) return;
    for (const addr of bootstrapAddrs) {
      libp2p.dial(addr, { signal: derivedSignal(init.dialTimeoutMs ?? 10_000, lifetime.signal) }).catch(() => { /* next round */ });
    }
  };
  const watchdog = bootstrapAddrs.length > 0 ? setInterval(redialBootstrap, init.reconnectIntervalMs ?? 5_000) : undefined;

  libp2p.addEventListener('peer:discovery', onDiscovery);
  table?.addEventListener('peer:add', onRoutingTablePeer);

  return {
    stop() {
      clearInterval(watchdog);
      lifetime.abort();
      libp2p.removeEventListener('peer:discovery', onDiscovery);
      table?.removeEventListener('peer:add', onRoutingTablePeer);
    },
  };
}
