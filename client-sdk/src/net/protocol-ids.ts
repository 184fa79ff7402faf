/** Names of every DeCloud network protocol, topic and DHT key space (versioned on the wire). */

/** Kademlia protocol id: a private DHT, separate from the public IPFS one. */
export const KAD_PROTOCOL = '/decloud/kad/1.0.0';

/** Gossipsub topic carrying signed offers. */
export const OFFER_TOPIC = '/decloud/offers/1';

/** Renter -> host quote request/answer protocol (defined with its messages). */
export { LEASE_PROTOCOL } from '../quotes/types.js';

/**
 * DHT record key space: `/decloud/offer/<peerId>`. kad-dht picks validators and selectors
 * by the first path segment, so `decloud` is the name registered with it.
 */
export const DHT_KEY_NAMESPACE = 'decloud';
export const OFFER_RECORD_PREFIX = `/${DHT_KEY_NAMESPACE}/offer/`;

/** Capability keys: `/decloud/cap/<type>/<value>`, hashed into a CID that hosts provide. */
export const CAPABILITY_PREFIX = '/decloud/cap/';
