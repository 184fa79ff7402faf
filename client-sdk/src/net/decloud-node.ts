/**
 * A started DeCloud node: the libp2p node plus the DeCloud services built from it (offer
 * book feeding, host finding, publishing, quotes). Shared by the Node and browser entries.
 */
import type { Libp2p, PeerId } from '@libp2p/interface';
import type { Multiaddr } from '@multiformats/multiaddr';
import { OfferBook } from '../offers/offer-book.js';
import { createHostFinder } from './host-finder.js';
import type { DecloudServices } from './libp2p-options.js';
import { createOfferListener } from './offer-listener.js';
import { createOfferPublisher } from './offer-publisher.js';
import { startPeerDialer } from './peer-dialer.js';
import { createQuoteProtocol } from './quote-protocol.js';
import type { QuoteProtocol } from './quote-protocol.js';
import type { HostFinder, NetComponents, OfferListener, OfferPublisher, OfferPublisherInit } from './services.js';

export type DecloudLibp2p = Libp2p<DecloudServices>;

export interface DecloudNodeServiceOptions {
  /** The book gossip and DHT look-ups fill; a new one by default. */
  book?: OfferBook;
  /** Feed the book from the offer topic. Default true; false leaves only DHT look-ups. */
  offerGossip?: boolean;
  /** Keep dialing discovered peers while connected to fewer than this. Default 12. */
  targetPeers?: number;
  clock?: () => number;
}

export interface DecloudNode {
  readonly libp2p: DecloudLibp2p;
  readonly peerId: PeerId;
  readonly book: OfferBook;
  readonly components: NetComponents;
  /** Gossip -> book; its events report accepted and refused offers. */
  readonly offers: OfferListener;
  readonly hosts: HostFinder;
  /** Renters: `requestQuote`; hosts: `handleQuotes`. */
  readonly quotes: QuoteProtocol;
  /** For a host: publish its offer now, on change, and periodically (stopped with the node). */
  publishOffers(init: OfferPublisherInit): OfferPublisher;
  getMultiaddrs(): Multiaddr[];
  stop(): Promise<void>;
}

export const DEFAULT_TARGET_PEERS = 12;

/** Wires the services to a not yet started libp2p node, starts it, and returns the node. */
export async function startDecloudNode(
  libp2p: DecloudLibp2p,
  options: DecloudNodeServiceOptions & { bootstrap?: string[] },
): Promise<DecloudNode> {
  const book = options.book ?? new OfferBook();
  const components: NetComponents = {
    peerId: libp2p.peerId,
    streams: libp2p,
    pubsub: libp2p.services.pubsub,
    dht: libp2p.services.dht,
    book,
    peerStore: libp2p.peerStore,
    clock: options.clock ?? Date.now,
  };
  const dialer = startPeerDialer(
    { libp2p, dht: components.dht },
    { targetPeers: options.targetPeers ?? DEFAULT_TARGET_PEERS, bootstrap: options.bootstrap ?? [] },
  );
  const offers = createOfferListener(components);
  const hosts = createHostFinder(components);
  const quotes = createQuoteProtocol(components);
  const publishers: OfferPublisher[] = [];

  try {
    await libp2p.start();
  } catch (err) {
    dialer.stop();
    throw err;
  }
  if (options.offerGossip !== false) offers.start();

  return {
    libp2p,
    peerId: libp2p.peerId,
    book,
    components,
    offers,
    hosts,
    quotes,
    publishOffers(init) {
      const publisher = createOfferPublisher(components, init);
      publishers.push(publisher);
      publisher.start();
      return publisher;
    },
    getMultiaddrs: () => libp2p.getMultiaddrs(),
    async stop() {
      await quotes.stopHandling();
      for (const publisher of publishers) publisher.stop();
      dialer.stop();
      if (options.offerGossip !== false) offers.stop();
      await libp2p.stop();
    },
  };
}
