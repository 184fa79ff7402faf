/**
 * The verdict on one gossiped offer. Reject means the sender misbehaved (gossipsub then
 * lowers its score); Ignore means the message is harmless but adds nothing (not forwarded,
 * no penalty); Accept means it is new and every peer should see it.
 */
import type { Message } from '@libp2p/gossipsub';
import { OfferError } from '../offers/errors.js';
import { OFFER_LIMITS } from '../offers/limits.js';
import { verifyOffer } from '../offers/sign.js';
import type { SignedOffer } from '../offers/types.js';
import type { OfferStore } from './services.js';

export type OfferRejection = 'too-large' | 'invalid' | 'expired' | 'not-from-host' | 'unsigned';
export type OfferIgnoral = 'duplicate-or-stale' | 'just-expired';

export type OfferMessageVerdict =
  | { action: 'accept'; signed: SignedOffer; outcome: 'added' | 'replaced' }
  | { action: 'reject'; reason: OfferRejection; detail: string }
  | { action: 'ignore'; reason: OfferIgnoral; detail: string };

/**
 * Peers can disagree by a few ms on whether an offer has expired; an honest peer that
 * forwarded an offer just before its end must not be punished for it.
 */
export const EXPIRY_GRACE_MS = OFFER_LIMITS.maxClockSkewMs;

/**
 * Judges a gossip message and, when it is a new offer, stores it in `book` (the verdict
 * depends on what the book already holds, so checking and storing are one step).
 */
export function judgeOfferMessage(message: Message, book: OfferStore, now: number): OfferMessageVerdict {
  if (message.data.length > OFFER_LIMITS.maxSignedBytes) {
    return { action: 'reject', reason: 'too-large', detail: `${message.data.length} bytes, the limit is ${OFFER_LIMITS.maxSignedBytes}` };
  }
  if (message.type !== 'signed') {
    return { action: 'reject', reason: 'unsigned', detail: 'offers must travel in signed gossip messages' };
  }
  let signed: SignedOffer;
  try {
    signed = verifyOffer(message.data, { now });
  } catch (err) {
    return verdictOnInvalidOffer(err, message.data, now);
  }
  // Hosts publish their own offers; anyone else publishing one is replaying it.
  if (signed.offer.peerId !== message.from.toString()) {
    return {
      action: 'reject',
      reason: 'not-from-host',
      detail: `offer of host ${signed.offer.peerId} (seq ${signed.offer.seq}) published by ${message.from.toString()}`,
    };
  }
  const outcome = book.add(signed, now);
  if (outcome === 'added' || outcome === 'replaced') return { action: 'accept', signed, outcome };
  if (outcome === 'expired') return { action: 'ignore', reason: 'just-expired', detail: `offer seq ${signed.offer.seq} expired` };
  return { action: 'ignore', reason: 'duplicate-or-stale', detail: `offer seq ${signed.offer.seq} is not newer than the one held` };
}

function verdictOnInvalidOffer(err: unknown, data: Uint8Array, now: number): OfferMessageVerdict {
  const detail = err instanceof Error ? err.message : String(err);
  if (!(err instanceof OfferError) || err.code !== 'EXPIRED') return { action: 'reject', reason: 'invalid', detail };
  try {
    verifyOffer(data, { now: now - EXPIRY_GRACE_MS });
    return { action: 'ignore', reason: 'just-expired', detail };
  } catch {
    return { action: 'reject', reason: 'expired', detail };
  }
}
