/**
 * The `decloud-bootstrap` daemon: a DHT server, a circuit relay (hop) for hosts behind NAT
 * and the entry point of browsers (WebSockets, WebRTC-Direct), with an identity and a
 * WebRTC certificate that survive restarts, so its published multiaddrs stay valid.
 * Optionally an uptime witness (`witnessKeyFile` + `rpcUrl`) and an HTTP server (`httpPort`)
 * with the offer index fed by its gossip subscription, health, metrics and the web client.
 */
import { Connection } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import type { Registry } from 'prom-client';
import { DecloudChain } from '@decloud/sdk/chain/index';
import { createDecloudNode } from '@decloud/sdk/net/create-node';
import type { DecloudNode } from '@decloud/sdk/net/decloud-node';
import { startOfferBookPruner } from '../offer-index/offer-book-pruner.js';
import { startOfferIndexServer } from '../offer-index/offer-index-server.js';
import type { OfferIndexServer } from '../offer-index/offer-index-server.js';
import { openStaticSite } from '../offer-index/static-site.js';
import type { StaticSite } from '../offer-index/static-site.js';
import { readKeypairFile } from '../witness/witness-key-file.js';
import { createWitnessMetrics } from '../witness/witness-metrics.js';
import { startWitnessService } from '../witness/witness-service.js';
import type { WitnessService } from '../witness/witness-service.js';
import { certificateFileOf, identityFileOf, listenAddresses } from './daemon-config.js';
import type { BootstrapDaemonConfig } from './daemon-config.js';
import { daemonRegistry } from './daemon-metrics.js';

export interface BootstrapDaemon {
  readonly node: DecloudNode;
  readonly peerId: string;
  /** Base URL of the HTTP server, when one runs. */
  readonly httpUrl: string | undefined;
  /** The witness, when one runs. */
  readonly witness: WitnessService | undefined;
  /** Full multiaddrs (with `/p2p/<peerId>`) that peers and browsers dial. */
  multiaddrs(): string[];
  stop(): Promise<void>;
}

export interface BootstrapDaemonOptions {
  log?: (message: string) => void;
}

export async function startBootstrapDaemon(config: BootstrapDaemonConfig, options: BootstrapDaemonOptions = {}): Promise<BootstrapDaemon> {
  // Everything that can be refused is read before any socket opens.
  if (config.witnessKeyFile !== undefined && config.rpcUrl === undefined) {
    throw new Error('a witness (--witness-key) reads the hosts and the program config from a chain: give --rpc <url> too');
  }
  const witnessKey = config.witnessKeyFile === undefined ? undefined : await readKeypairFile(config.witnessKeyFile);
  const site = config.webDir === undefined ? undefined : await openStaticSite(config.webDir);

  const node = await createDecloudNode({
    ...(witnessKey === undefined ? { identityFile: identityFileOf(config) } : { solanaSecretKey: witnessKey.secretKey }),
    webrtcCertificateFile: certificateFileOf(config),
    listen: listenAddresses(config),
    announce: config.announce.length > 0 ? config.announce : undefined,
    bootstrap: config.bootstrap,
    dhtServer: true,
    relayServer: { reservations: { maxReservations: config.maxReservations } },
    // Every new peer of the network connects here first, often several per second from one NAT.
    connectionManager: { maxConnections: 1_000, inboundConnectionThreshold: 100, maxIncomingPendingConnections: 100 },
  });
  const registry = daemonRegistry(node);
  const pruner = startOfferBookPruner(node.book);
  let witness: WitnessService | undefined;
  let http: OfferIndexServer | undefined;
  const stop = async (): Promise<void> => {
    await http?.close();
    await witness?.stop();
    pruner.stop();
    await node.stop();
  };
  try {
    if (witnessKey !== undefined) witness = await startWitness(node, witnessKey, config.rpcUrl!, registry, options);
    if (config.httpPort !== undefined) http = await startHttp(node, config, config.httpPort, registry, site, () => witness);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    node,
    peerId: node.peerId.toString(),
    httpUrl: http?.url,
    witness,
    multiaddrs: () => node.getMultiaddrs().map((addr) => addr.toString()),
    stop,
  };
}

function startWitness(node: DecloudNode, key: Keypair, rpcUrl: string, registry: Registry, options: BootstrapDaemonOptions): Promise<WitnessService> {
  // Reads hosts, leases and the config; its only transactions are heartbeats, paid by the witness key.
  const chain = DecloudChain.fromKeypair(new Connection(rpcUrl, 'confirmed'), key);
  return startWitnessService({ libp2p: node.libp2p, chain, witness: key, metrics: createWitnessMetrics(registry), ...(options.log ? { log: options.log } : {}) });
}

function startHttp(
  node: DecloudNode, config: BootstrapDaemonConfig, port: number, registry: Registry,
  site: StaticSite | undefined, witness: () => WitnessService | undefined,
): Promise<OfferIndexServer> {
  return startOfferIndexServer({
    host: config.listenHost,
    port,
    book: node.book,
    registry,
    site,
    health: () => ({
      peerId: node.peerId.toString(),
      peers: node.libp2p.getPeers().length,
      witness: witness()?.status() ?? null,
    }),
  });
}
