/**
 * Feeds the offer book from gossip: every message on the offer topic is judged by the topic
 * validator before gossipsub forwards it, so invalid offers stop at the first honest peer and
 * their sender's score drops.
 */
import { TopicValidatorResult } from '@libp2p/gossipsub';
import type { PeerId } from '@libp2p/interface';
import { rememberOfferAddresses } from './offer-addresses.js';
import { judgeOfferMessage } from './offer-message-verdict.js';
import type { OfferMessageVerdict } from './offer-message-verdict.js';
import { OFFER_TOPIC } from './protocol-ids.js';
import type { NetComponents, OfferListener, OfferListenerEvents } from './services.js';
import { TypedEvents } from './typed-events.js';

export type OfferListenerComponents = Pick<NetComponents, 'pubsub' | 'book' | 'peerStore' | 'clock'>;

const RESULT_OF: Record<OfferMessageVerdict['action'], TopicValidatorResult> = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
};

export function createOfferListener(components: OfferListenerComponents): OfferListener {
  const { pubsub, book, peerStore, clock } = components;
  const events = new TypedEvents<OfferListenerEvents>();

  const validate = (from: PeerId, message: Parameters<typeof judgeOfferMessage>[0]): TopicValidatorResult => {
    const verdict = judgeOfferMessage(message, book, clock());
    if (verdict.action === 'accept') {
      rememberOfferAddresses(peerStore, verdict.signed).catch(() => { /* the host stays findable through the DHT */ });
      events.emit('offer', { signed: verdict.signed, outcome: verdict.outcome, from });
    } else {
      events.emit('refused', { verdict, from });
    }
    return RESULT_OF[verdict.action];
  };

  return {
    events,
    start() {
      pubsub.topicValidators.set(OFFER_TOPIC, validate);
      pubsub.subscribe(OFFER_TOPIC);
    },
    stop() {
      pubsub.unsubscribe(OFFER_TOPIC);
      if (pubsub.topicValidators.get(OFFER_TOPIC) === validate) pubsub.topicValidators.delete(OFFER_TOPIC);
    },
  };
}
