/**
 * The libp2p configuration shared by Node and browser nodes: encryption, muxing, services
 * (DHT with the offer record validator, gossipsub tuned for offers, identify, ping, relay,
 * AutoNAT, DCUtR) and the bootstrap list. Transports and identity come from the entry point.
 */
import { autoNAT } from '@libp2p/autonat';
import { bootstrap } from '@libp2p/bootstrap';
import { circuitRelayServer } from '@libp2p/circuit-relay-v2';
import type { CircuitRelayServerInit, CircuitRelayService } from '@libp2p/circuit-relay-v2';
import { dcutr } from '@libp2p/dcutr';
import { gossipsub } from '@libp2p/gossipsub';
import type { GossipSub } from '@libp2p/gossipsub';
import { identify, identifyPush } from '@libp2p/identify';
import type { Identify, IdentifyPush } from '@libp2p/identify';
import { kadDHT, passthroughMapper } from '@libp2p/kad-dht';
import type { KadDHT } from '@libp2p/kad-dht';
import { noise } from '@libp2p/noise';
import { ping } from '@libp2p/ping';
import type { Ping } from '@libp2p/ping';
import { yamux } from '@libp2p/yamux';
import type { ConnectionGater, PrivateKey } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { Libp2pOptions } from 'libp2p';
import type { ConnectionManagerInit, ConnectionMonitorInit } from 'libp2p';
import { decloudGossipsubOptions } from './gossip-config.js';
import { NetError } from './net-error.js';
import type { GossipTuning } from './gossip-config.js';
import { offerRecordSelector, offerRecordValidator } from './offer-record.js';
import { DHT_KEY_NAMESPACE, KAD_PROTOCOL } from './protocol-ids.js';

export interface DecloudServices {
  [name: string]: unknown;
  identify: Identify;
  identifyPush: IdentifyPush;
  /** kad-dht looks its ping component up under this exact name. */
  ping: Ping;
  dht: KadDHT;
  pubsub: GossipSub;
  autonat?: unknown;
  dcutr?: unknown;
  relay?: CircuitRelayService;
}

/** Options every DeCloud node accepts, in Node and in browsers. */
export interface DecloudNetOptions {
  /** Multiaddrs (with `/p2p/<id>`) of bootstrap peers to join through. */
  bootstrap?: string[];
  /** Addresses to listen on (transport specific; `/p2p-circuit` to be reachable through relays). */
  listen?: string[];
  /** Addresses to announce instead of the listen addresses (e.g. a public IP behind port forwarding). */
  announce?: string[];
  /** Serve the DHT (answer queries, store records). Default true; false for short-lived clients. */
  dhtServer?: boolean;
  /** Act as a circuit relay (hop) for peers behind NAT: bootstrap peers do. */
  relayServer?: boolean | CircuitRelayServerInit;
  /** Reach and be reached through relays (circuit relay transport). Default true. */
  relayClient?: boolean;
  /** Ask peers whether we are publicly reachable. Default true. */
  autonat?: boolean;
  /** Upgrade relayed connections to direct ones by hole punching. Default true. */
  dcutr?: boolean;
  gossip?: Partial<GossipTuning>;
  connectionManager?: ConnectionManagerInit;
  /** Keep-alive pings; default one per connection every 30 s. */
  connectionMonitor?: ConnectionMonitorInit;
  connectionGater?: ConnectionGater;
  /** Unix ms; injectable so offer expiry is testable. Default `Date.now`. */
  clock?: () => number;
}

export interface TransportChoice {
  transports: NonNullable<Libp2pOptions['transports']>;
  defaultListen: string[];
}

/**
 * Assembles libp2p options. `start: false`: the caller wires its services (the dialer must
 * see the first discovery events) and then starts the node.
 */
export function decloudLibp2pOptions(
  privateKey: PrivateKey,
  options: DecloudNetOptions,
  transport: TransportChoice,
): Libp2pOptions<DecloudServices> {
  checkMultiaddrs('bootstrap', options.bootstrap ?? [], true);
  checkMultiaddrs('listen', options.listen ?? [], false);
  checkMultiaddrs('announce', options.announce ?? [], false);
  const clock = options.clock ?? Date.now;
  const services: Libp2pOptions<DecloudServices>['services'] = {
    identify: identify(),
    identifyPush: identifyPush(),
    ping: ping(),
    dht: kadDHT({
      protocol: KAD_PROTOCOL,
      // Unset, a node stays a client until it sees a public address: no mesh on a LAN.
      clientMode: options.dhtServer === false,
      // The default mapper drops private and loopback addresses: no mesh on a LAN either.
      peerInfoMapper: passthroughMapper,
      // Every other query waits for the first self-query: run it as soon as a peer is known.
      initialQuerySelfInterval: 0,
      // Classic Kademlia concurrency: kad-dht's default (10 x 10 paths) is tuned for the
      // public IPFS DHT, full of unreachable peers; here it only multiplies streams.
      alpha: 3,
      disjointPaths: 3,
      validators: { [DHT_KEY_NAMESPACE]: offerRecordValidator(clock) },
      selectors: { [DHT_KEY_NAMESPACE]: offerRecordSelector(clock) },
    }),
    pubsub: gossipsub(decloudGossipsubOptions(options.gossip)),
  };
  if (options.autonat !== false) services.autonat = autoNAT();
  if (options.dcutr !== false) services.dcutr = dcutr();
  if (options.relayServer !== undefined && options.relayServer !== false) {
    services.relay = circuitRelayServer(options.relayServer === true ? {} : options.relayServer);
  }
  const bootstrapList = options.bootstrap ?? [];
  return {
    start: false,
    privateKey,
    addresses: {
      listen: options.listen ?? transport.defaultListen,
      ...(options.announce === undefined ? {} : { announce: options.announce }),
    },
    transports: transport.transports,
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: bootstrapList.length > 0 ? [bootstrap({ list: bootstrapList, timeout: 0 })] : [],
    ...(options.connectionManager === undefined ? {} : { connectionManager: options.connectionManager }),
    // libp2p pings every connection every 10 s; a third of that still finds dead peers within a minute.
    connectionMonitor: { pingInterval: 30_000, ...options.connectionMonitor },
    ...(options.connectionGater === undefined ? {} : { connectionGater: options.connectionGater }),
    services,
  };
}

/** Throws NetError BAD_OPTION naming the first entry that is not a multiaddr (or lacks `/p2p/<id>`). */
function checkMultiaddrs(option: string, list: string[], needsPeerId: boolean): void {
  for (const text of list) {
    let parsed: Multiaddr;
    try {
      parsed = multiaddr(text);
    } catch (err) {
      throw new NetError('BAD_OPTION', `${option}: ${JSON.stringify(text)} is not a multiaddr (${(err as Error).message})`, { cause: err });
    }
    if (needsPeerId && parsed.getComponents().every((c) => c.name !== 'p2p')) {
      throw new NetError('BAD_OPTION', `${option}: ${text} has no /p2p/<peer id>; bootstrap peers are dialed by identity, add the peer id it prints`);
    }
  }
}
