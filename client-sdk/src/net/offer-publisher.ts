/**
 * A host's offer on the network: published on gossip, stored as the DHT record
 * `/decloud/offer/<peerId>`, and announced under one provider key per capability, at start,
 * on every change and every `intervalMs`.
 */
import type { AbortOptions } from '@libp2p/interface';
import type { SignedOffer } from '../offers/types.js';
import { derivedSignal, lifetimeController } from './abort.js';
import { capabilitiesOfOffer, capabilityCid, capabilityKey } from './capability-keys.js';
import { NetError } from './net-error.js';
import { offerRecordKey } from './offer-record.js';
import { OFFER_TOPIC } from './protocol-ids.js';
import type { NetComponents, OfferPublisher, OfferPublisherEvents, OfferPublisherInit, PublishReport } from './services.js';
import { TypedEvents } from './typed-events.js';

export type OfferPublisherComponents = Pick<NetComponents, 'pubsub' | 'dht' | 'peerId'>;

export const DEFAULT_REPUBLISH_INTERVAL_MS = 60_000;
export const DEFAULT_DHT_TIMEOUT_MS = 30_000;
export const DEFAULT_FIRST_PEER_WAIT_MS = 10_000;

export function createOfferPublisher(components: OfferPublisherComponents, init: OfferPublisherInit): OfferPublisher {
  const { pubsub, dht, peerId } = components;
  const intervalMs = init.intervalMs ?? DEFAULT_REPUBLISH_INTERVAL_MS;
  const dhtTimeoutMs = init.dhtTimeoutMs ?? DEFAULT_DHT_TIMEOUT_MS;
  const firstPeerWaitMs = init.firstPeerWaitMs ?? DEFAULT_FIRST_PEER_WAIT_MS;
  const events = new TypedEvents<OfferPublisherEvents>();
  let lifetime: AbortController | undefined;
  let timer: ReturnType<typeof setInterval> | undefined;
  /** Capability keys at least one DHT server holds; the DHT re-provides them until cancelled. */
  const provided = new Map<string, Awaited<ReturnType<typeof capabilityCid>>>();

  async function publishNow(options: AbortOptions = {}): Promise<PublishReport> {
    const signal = derivedSignal(undefined, options.signal, lifetime?.signal);
    const signed = await init.source({ signal });
    if (signed.offer.peerId !== peerId.toString()) {
      throw new NetError('BAD_OPTION', `offer source returned an offer of peer ${signed.offer.peerId}, but this node is ${peerId.toString()}: sign offers with this node's host key`);
    }
    const errors: Error[] = [];
    // Gossip first: it is what reaches renters within a second. Just after start nobody may
    // know we are on the topic yet, and a message sent to nobody is lost until the next round.
    await topicPeers(derivedSignal(firstPeerWaitMs, signal));
    signal.throwIfAborted();
    const { recipients } = await pubsub.publish(OFFER_TOPIC, signed.bytes);
    const dhtSignal = derivedSignal(dhtTimeoutMs, signal);
    const [recordStored, keys] = await Promise.all([
      putRecord(signed, dhtSignal).catch((err: Error) => { errors.push(err); return false; }),
      provideCapabilities(signed, dhtSignal, errors),
    ]);
    const report: PublishReport = { signed, gossipRecipients: recipients.length, provided: keys, recordStored, errors };
    events.emit('published', report);
    return report;
  }

  async function topicPeers(signal: AbortSignal): Promise<void> {
    if (pubsub.getSubscribers(OFFER_TOPIC).length > 0) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        pubsub.removeEventListener('subscription-change', check);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const check = (): void => { if (pubsub.getSubscribers(OFFER_TOPIC).length > 0) done(); };
      pubsub.addEventListener('subscription-change', check);
      signal.addEventListener('abort', done);
      if (signal.aborted) done();
    });
  }

  async function putRecord(signed: SignedOffer, signal: AbortSignal): Promise<boolean> {
    let stored = false;
    for await (const event of dht.put(offerRecordKey(peerId), signed.bytes, { signal })) {
      if (event.name === 'PEER_RESPONSE' && event.messageName === 'PUT_VALUE') stored = true;
    }
    return stored;
  }

  /**
   * Provides each capability key until one DHT server holds it; from then on kad-dht
   * re-provides it by itself, so later publications only add new keys and cancel dropped ones.
   */
  async function provideCapabilities(signed: SignedOffer, signal: AbortSignal, errors: Error[]): Promise<string[]> {
    const wanted = new Map(await Promise.all(capabilitiesOfOffer(signed.offer).map(async (c) => [capabilityKey(c), await capabilityCid(c)] as const)));
    for (const [key, cid] of provided) {
      if (wanted.has(key)) continue;
      provided.delete(key);
      await dht.cancelReprovide(cid, { signal }).catch((err: Error) => errors.push(err));
    }
    await Promise.all([...wanted].filter(([key]) => !provided.has(key)).map(async ([key, cid]) => {
      try {
        let stored = false;
        for await (const event of dht.provide(cid, { signal })) {
          if (event.name === 'PEER_RESPONSE' && event.messageName === 'ADD_PROVIDER') stored = true;
        }
        if (stored) provided.set(key, cid);
      } catch (err) {
        errors.push(err as Error);
      }
    }));
    return [...provided.keys()];
  }

  function publishInBackground(): void {
    publishNow().catch((error: Error) => {
      if (lifetime?.signal.aborted !== true) events.emit('error', { error });
    });
  }

  return {
    events,
    publishNow,
    start() {
      if (lifetime !== undefined) return;
      lifetime = lifetimeController();
      timer = setInterval(publishInBackground, intervalMs);
      publishInBackground();
    },
    stop() {
      clearInterval(timer);
      lifetime?.abort();
      lifetime = undefined;
    },
  };
}
