/**
 * The DHT record of a host's latest offer: key `/decloud/offer/<peerId>`, value the signed
 * offer bytes. kad-dht drops a `put` for a key space without a validator, so the validator
 * and selector below are registered for the `decloud` namespace.
 */
import type { SelectFn, ValidateFn } from '@libp2p/kad-dht';
import type { PeerId } from '@libp2p/interface';
import { verifyOffer } from '../offers/sign.js';
import type { SignedOffer } from '../offers/types.js';
import { NetError } from './net-error.js';
import { OFFER_RECORD_PREFIX } from './protocol-ids.js';

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

export function offerRecordKey(peerId: PeerId | string): Uint8Array {
  return utf8.encode(`${OFFER_RECORD_PREFIX}${peerId.toString()}`);
}

/** The peer id named by an offer record key; throws NetError BAD_OFFER_RECORD for any other key. */
export function peerIdOfOfferRecordKey(key: Uint8Array): string {
  let text: string;
  try {
    text = fromUtf8.decode(key);
  } catch {
    throw new NetError('BAD_OFFER_RECORD', 'DHT key is not UTF-8 text; offer records use /decloud/offer/<peerId>');
  }
  const peerId = text.startsWith(OFFER_RECORD_PREFIX) ? text.slice(OFFER_RECORD_PREFIX.length) : '';
  if (peerId.length === 0 || peerId.includes('/')) {
    throw new NetError('BAD_OFFER_RECORD', `DHT key ${JSON.stringify(text.slice(0, 80))} is not /decloud/offer/<peerId>`);
  }
  return peerId;
}

/**
 * Verifies a record value for `key`: a valid, unexpired offer signed by its host, and the
 * host is the peer the key names (so nobody can park an offer under another peer's key).
 */
export function verifyOfferRecord(key: Uint8Array, value: Uint8Array, now: number): SignedOffer {
  const peerId = peerIdOfOfferRecordKey(key);
  const signed = verifyOffer(value, { now });
  if (signed.offer.peerId !== peerId) {
    throw new NetError('BAD_OFFER_RECORD', `offer of peer ${signed.offer.peerId} stored under the key of peer ${peerId}`);
  }
  return signed;
}

export function offerRecordValidator(clock: () => number): ValidateFn {
  return (key, value) => { verifyOfferRecord(key, value, clock()); };
}

/** Picks the valid record with the highest seq (the host's newest offer); ties keep the first. */
export function offerRecordSelector(clock: () => number): SelectFn {
  return (key, records) => {
    let best = 0;
    let bestSeq = -1n;
    records.forEach((record, index) => {
      let seq: bigint;
      try {
        seq = verifyOfferRecord(key, record, clock()).offer.seq;
      } catch {
        return;
      }
      if (seq > bestSeq) { best = index; bestSeq = seq; }
    });
    return best;
  };
}
