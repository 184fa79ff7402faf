/**
 * Finding hosts for a renter: the offer book (fed by gossip) first; when nothing in it
 * matches yet (a node that just started has heard no publication), a DHT look-up by
 * capability, retried until the deadline while the routing table fills. Results come
 * ranked by the book: price for the requested resources, then benchmark, then uptime.
 */
import type { PeerId } from '@libp2p/interface';
import { peerIdFromString } from '@libp2p/peer-id';
import { derivedSignal, raceSignal } from '../net/abort.js';
import type { Capability } from '../net/capability-keys.js';
import type { DecloudNode } from '../net/decloud-node.js';
import { rememberOfferAddresses } from '../net/offer-addresses.js';
import { base58FromSolanaPublicKey } from '../identity/base58.js';
import { solanaPublicKeyFromPeerId } from '../identity/host-identity.js';
import { checkOfferFilter } from '../offers/offer-filter.js';
import type { OfferFilter } from '../offers/offer-filter.js';
import { OFFER_KINDS } from '../offers/types.js';
import type { SignedOffer } from '../offers/types.js';
import { pause, waitForPeer } from './network-wait.js';
import { messageOf, RenterError } from './renter-error.js';

export interface HostSearchOptions {
  signal?: AbortSignal;
  /** How long to keep looking when nothing matches yet, ms (default 10 s). */
  timeoutMs?: number;
  /** Most offers to return (default 20). */
  limit?: number;
}

export const DEFAULT_HOST_SEARCH_MS = 10_000;
export const DEFAULT_HOST_LIMIT = 20;
/** Between DHT look-ups that found nothing: the routing table of a fresh node fills in this order of time. */
const RETRY_MS = 300;

/** Matching offers, best first; [] when none turned up before the deadline. */
export async function searchHosts(node: DecloudNode, filter: OfferFilter, options: HostSearchOptions = {}): Promise<SignedOffer[]> {
  try {
    checkOfferFilter(filter);
  } catch (err) {
    throw new RenterError('BAD_OPTION', `host filter: ${messageOf(err)}`, { cause: err });
  }
  const limit = options.limit ?? DEFAULT_HOST_LIMIT;
  const query = (): SignedOffer[] => node.book.query(filter, { limit });
  const known = query();
  if (known.length > 0) return known;
  const deadline = derivedSignal(options.timeoutMs ?? DEFAULT_HOST_SEARCH_MS, options.signal);
  try {
    await joined(node, deadline, options.signal);
    for (;;) {
      await raceSignal(Promise.all(capabilitiesToSearch(filter).map((capability) =>
        node.hosts.findHostsByCapability(capability, { signal: deadline }).catch(() => []))), deadline);
      const found = query();
      if (found.length > 0) return found;
      await pause(RETRY_MS, deadline);
    }
  } catch (err) {
    options.signal?.throwIfAborted();
    if (deadline.aborted) return query();
    throw err;
  }
}

/** The current offer of one host (by peer id): from the book, else its DHT record. */
export async function findHostOffer(node: DecloudNode, peer: PeerId | string, options: Omit<HostSearchOptions, 'limit'> = {}): Promise<SignedOffer> {
  const { peerId, host } = hostOfPeer(peer);
  const known = node.book.get(host);
  if (known !== undefined && known.offer.expiresAt > Date.now()) return known;
  const deadline = derivedSignal(options.timeoutMs ?? DEFAULT_HOST_SEARCH_MS, options.signal);
  let lastError: unknown;
  try {
    await joined(node, deadline, options.signal);
    for (;;) {
      try {
        const signed = await raceSignal(node.hosts.fetchOffer(peerId, { signal: deadline }), deadline);
        node.book.add(signed);
        await raceSignal(rememberOfferAddresses(node.libp2p.peerStore, signed), deadline).catch(() => undefined);
        return node.book.get(host) ?? signed;
      } catch (err) {
        lastError = err;
      }
      await pause(RETRY_MS, deadline);
    }
  } catch (err) {
    options.signal?.throwIfAborted();
    if (!deadline.aborted) throw err;
  }
  throw new RenterError('HOST_NOT_FOUND', `no offer of host ${peerId.toString()} on the network (${messageOf(lastError ?? 'no answer')}): the host is offline or not published yet; list live hosts with \`decloud hosts\``, { cause: lastError });
}

/** Waits for the first connection; a deadline passing first means the bootstrap peers were unreachable. */
async function joined(node: DecloudNode, deadline: AbortSignal, caller: AbortSignal | undefined): Promise<void> {
  try {
    await waitForPeer(node, deadline);
  } catch (err) {
    caller?.throwIfAborted();
    throw new RenterError('NETWORK_UNREACHABLE', 'no peer of the DeCloud network answered: check the bootstrap addresses (--bootstrap, DECLOUD_BOOTSTRAP or ~/.decloud/config.json) and that those peers run', { cause: err });
  }
}

/**
 * The DHT keys to look under: the most selective the filter names (country, then CPU
 * architecture, then kind); every kind when it names none. GPU filters match parts of model
 * names, which a DHT key cannot, so the book filters GPUs after the look-up.
 */
export function capabilitiesToSearch(filter: OfferFilter): Capability[] {
  if (filter.country !== undefined) return [{ type: 'region', value: filter.country }];
  if (filter.arch !== undefined) return [{ type: 'arch', value: filter.arch }];
  const kinds = filter.kind === undefined ? OFFER_KINDS : [filter.kind];
  return kinds.map((kind) => ({ type: 'kind', value: kind }));
}

/** The peer id and the host key it is (a host's peer id is its Ed25519 operator key). */
function hostOfPeer(peer: PeerId | string): { peerId: PeerId; host: string } {
  try {
    const peerId = typeof peer === 'string' ? peerIdFromString(peer) : peer;
    return { peerId, host: base58FromSolanaPublicKey(solanaPublicKeyFromPeerId(peerId)) };
  } catch (err) {
    throw new RenterError('BAD_OPTION', `${JSON.stringify(peer.toString())} is not a host's peer id: copy it from \`decloud hosts\``, { cause: err });
  }
}
