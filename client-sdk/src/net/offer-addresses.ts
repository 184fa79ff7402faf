/**
 * An offer lists the host's multiaddrs (signed by the host, so nobody else can claim
 * addresses for its peer id). Remembering them lets a renter dial a host it only knows from
 * gossip, including a host reachable only through a relay (`.../p2p-circuit`).
 */
import type { PeerStore } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { multiaddr } from '@multiformats/multiaddr';
import type { Multiaddr } from '@multiformats/multiaddr';
import type { SignedOffer } from '../offers/types.js';

export type AddressBook = Pick<PeerStore, 'merge'>;

/** The offer's parseable multiaddrs; malformed entries are skipped, not fatal. */
export function offerMultiaddrs(signed: SignedOffer): Multiaddr[] {
  const parsed: Multiaddr[] = [];
  for (const text of signed.offer.addrs) {
    try {
      parsed.push(multiaddr(text));
    } catch {
      // A host's typo must not keep its other addresses from being used.
    }
  }
  return parsed;
}

export async function rememberOfferAddresses(peerStore: AddressBook, signed: SignedOffer): Promise<void> {
  const multiaddrs = offerMultiaddrs(signed);
  if (multiaddrs.length === 0) return;
  await peerStore.merge(peerIdFromString(signed.offer.peerId), { multiaddrs });
}
