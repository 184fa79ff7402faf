/**
 * Finding hosts through the DHT alone (no gossip needed): the providers of a capability
 * key, then each provider's offer record, verified and added to the offer book.
 */
import type { AbortOptions, PeerId } from '@libp2p/interface';
import type { SignedOffer } from '../offers/types.js';
import { abortable, derivedSignal, raceSignal } from './abort.js';
import { capabilitiesOfOffer, capabilityCid, capabilityKey } from './capability-keys.js';
import type { Capability } from './capability-keys.js';
import { NetError } from './net-error.js';
import { rememberOfferAddresses } from './offer-addresses.js';
import { offerRecordKey, verifyOfferRecord } from './offer-record.js';
import type { FindHostsOptions, HostFinder, NetComponents } from './services.js';

export type HostFinderComponents = Pick<NetComponents, 'dht' | 'book' | 'peerStore' | 'clock' | 'peerId'>;

export interface HostFinderInit {
  /** Valid records to collect before settling on the newest (default 2). */
  recordQuorum?: number;
  /**
   * DHT servers whose provider lists to collect before stopping the search (default 2).
   * Every one of the K servers closest to a key holds the same providers, so the first
   * answers carry them all; waiting for every path to end only adds latency.
   */
  providerQuorum?: number;
}

export const DEFAULT_PROVIDER_LIMIT = 20;

export function createHostFinder(components: HostFinderComponents, init: HostFinderInit = {}): HostFinder {
  const { dht, book, peerStore, clock, peerId: self } = components;
  const quorum = init.recordQuorum ?? 2;
  const providerQuorum = init.providerQuorum ?? 2;

  async function fetchOffer(peerId: PeerId | string, options: AbortOptions = {}): Promise<SignedOffer> {
    const key = offerRecordKey(peerId);
    const signal = derivedSignal(undefined, options.signal);
    let best: SignedOffer | undefined;
    let valid = 0;
    const consider = (value: Uint8Array): void => {
      try {
        const signed = verifyOfferRecord(key, value, clock());
        valid++;
        if (best === undefined || signed.offer.seq > best.offer.seq) best = signed;
      } catch {
        // A peer holding a forged or expired record: skip it, others hold the real one.
      }
    };
    try {
      for await (const event of abortable(dht.get(key, { signal }), signal)) {
        if (event.name === 'VALUE') consider(event.value);
        else if (event.name === 'PEER_RESPONSE' && event.record !== undefined) consider(event.record.value);
        // Leaving the loop ends the query.
        if (valid >= quorum) break;
      }
    } catch (err) {
      options.signal?.throwIfAborted();
      // The query failed part way (e.g. a correction to a departed peer); keep what we found.
      if (best === undefined) throw notFound(peerId, err);
    }
    if (best === undefined) throw notFound(peerId);
    return best;
  }

  async function findHostsByCapability(capability: Capability, options: FindHostsOptions = {}): Promise<SignedOffer[]> {
    const limit = options.limit ?? DEFAULT_PROVIDER_LIMIT;
    const key = capabilityKey(capability);
    const cid = await capabilityCid(capability);
    const fetches = new Map<string, Promise<SignedOffer | undefined>>();
    const signal = derivedSignal(undefined, options.signal);
    const fetchOptions: AbortOptions = { signal };
    let answers = 0;
    try {
      for await (const event of abortable(dht.findProviders(cid, fetchOptions), signal)) {
        if (event.name === 'PEER_RESPONSE' && event.providers.length > 0) answers++;
        if (event.name === 'PROVIDER') {
          for (const provider of event.providers) {
            const id = provider.id.toString();
            if (fetches.has(id) || provider.id.equals(self) || fetches.size >= limit) continue;
            // Fetch while the provider query goes on: look-up latency is one round, not two.
            fetches.set(id, fetchOffer(provider.id, fetchOptions).catch(() => undefined));
          }
        }
        if (fetches.size >= limit || answers >= providerQuorum) break;
      }
    } catch (err) {
      options.signal?.throwIfAborted();
      if (fetches.size === 0) throw err;
    }
    const offers = (await raceSignal(Promise.all(fetches.values()), signal)).filter((signed): signed is SignedOffer =>
      signed !== undefined && capabilitiesOfOffer(signed.offer).some((c) => capabilityKey(c) === key));
    const now = clock();
    for (const signed of offers) book.add(signed, now);
    await Promise.all(offers.map((signed) => rememberOfferAddresses(peerStore, signed).catch(() => undefined)));
    return offers;
  }

  return { fetchOffer, findHostsByCapability };
}

function notFound(peerId: PeerId | string, cause?: unknown): NetError {
  return new NetError('OFFER_NOT_FOUND', `no valid offer record for peer ${peerId.toString()} on the DHT: the host is offline or has not published yet`, cause === undefined ? undefined : { cause });
}
