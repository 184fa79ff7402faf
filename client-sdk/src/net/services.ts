/**
 * The services of a DeCloud node, as interfaces: what each one offers, the components it
 * is built from, and the events it emits. Implementations live in their own files.
 */
import type { GossipSub } from '@libp2p/gossipsub';
import type { KadDHT } from '@libp2p/kad-dht';
import type { AbortOptions, Libp2p, PeerId } from '@libp2p/interface';
import type { OfferBook } from '../offers/offer-book.js';
import type { SignedOffer } from '../offers/types.js';
import type { Capability } from './capability-keys.js';
import type { AddressBook } from './offer-addresses.js';
import type { OfferMessageVerdict } from './offer-message-verdict.js';
import type { TypedEvents } from './typed-events.js';

/** The part of the SDK's OfferBook the network layer writes to. */
export type OfferStore = Pick<OfferBook, 'add'>;

/** Everything services are built from; each service takes only the pieces it needs. */
export interface NetComponents {
  peerId: PeerId;
  /** Opening and answering protocol streams. */
  streams: Pick<Libp2p, 'dialProtocol' | 'handle' | 'unhandle'>;
  pubsub: GossipSub;
  dht: KadDHT;
  book: OfferStore;
  /** Where the addresses listed in offers go, so hosts can be dialed by peer id. */
  peerStore: AddressBook;
  /** Unix ms; injectable so expiry is testable. */
  clock: () => number;
}

// ---- offers from gossip into the book -----------------------------------------------

export interface OfferListenerEvents {
  /** A new (or newer) offer entered the book. */
  offer: { signed: SignedOffer; outcome: 'added' | 'replaced'; from: PeerId };
  /** A message was refused; `from` is the peer that sent it to us. */
  refused: { verdict: Exclude<OfferMessageVerdict, { action: 'accept' }>; from: PeerId };
}

export interface OfferListener {
  readonly events: TypedEvents<OfferListenerEvents>;
  /** Subscribes to the offer topic and installs its validator. */
  start(): void;
  stop(): void;
}

// ---- a host publishing its offer ----------------------------------------------------

export interface OfferPublisherInit {
  /**
   * The host's current signed offer. Called on every (re)publication: return a freshly
   * signed offer (higher seq, later expiry) so peers that already hold the previous one
   * accept and forward it.
   */
  source: (options: AbortOptions) => SignedOffer | Promise<SignedOffer>;
  /** Republication period, ms (default 60 s). */
  intervalMs?: number;
  /** Bound on each DHT operation, ms (default 30 s). */
  dhtTimeoutMs?: number;
  /** How long a publication waits for a first peer on the offer topic, ms (default 10 s). */
  firstPeerWaitMs?: number;
}

export interface PublishReport {
  signed: SignedOffer;
  gossipRecipients: number;
  /** Capability keys (`/decloud/cap/...`) at least one other DHT server holds. */
  provided: string[];
  /** Whether the offer record reached at least one other DHT server. */
  recordStored: boolean;
  errors: Error[];
}

export interface OfferPublisherEvents {
  published: PublishReport;
  error: { error: Error };
}

export interface OfferPublisher {
  readonly events: TypedEvents<OfferPublisherEvents>;
  /** Publishes now and then every `intervalMs`. */
  start(): void;
  /** Publishes at once (call it when the offer changed). */
  publishNow(options?: AbortOptions): Promise<PublishReport>;
  stop(): void;
}

// ---- a renter finding hosts through the DHT -----------------------------------------

export interface FindHostsOptions extends AbortOptions {
  /** Stop after this many providers (default 20, the DHT's bucket size). */
  limit?: number;
}

export interface HostFinder {
  /** Providers of the capability -> their offer records -> verified -> into the book. */
  findHostsByCapability(capability: Capability, options?: FindHostsOptions): Promise<SignedOffer[]>;
  /** The newest valid offer record of one host; throws NetError OFFER_NOT_FOUND. */
  fetchOffer(peerId: PeerId | string, options?: AbortOptions): Promise<SignedOffer>;
}
