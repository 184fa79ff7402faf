import { base58FromSolanaPublicKey, solanaPublicKeyFromBase58 } from '../identity/base58.js';
import { checkSolanaSecretKey, peerIdFromSolanaPublicKey } from '../identity/host-identity.js';
import { SIGNATURE_LENGTH, signWithSolanaSecret, verifySolanaSignature } from '../identity/signatures.js';
import { decodeSignedOffer, encodeOffer } from './codec.js';
import { OfferError } from './errors.js';
import { OFFER_LIMITS } from './limits.js';
import type { Offer, SignedOffer } from './types.js';

/** Prefixed to the signed bytes so an offer signature can never pass for another message's. */
export const OFFER_SIGNING_DOMAIN = 'decloud/offer/v1';

/** The peer id string a host's offers must carry. */
export function expectedPeerId(host: string): string {
  return peerIdFromSolanaPublicKey(solanaPublicKeyFromBase58(host)).toString();
}

/**
 * Signs an offer with the host's Solana secret key. Refuses (PEER_MISMATCH) an offer whose
 * host or peerId is not this key's, so a host cannot publish an offer others would drop.
 */
export function signOffer(offer: Offer, solanaSecret64: Uint8Array): SignedOffer {
  checkSolanaSecretKey(solanaSecret64);
  const body = encodeOffer(offer);
  const signer = base58FromSolanaPublicKey(solanaSecret64.subarray(32));
  if (offer.host !== signer) {
    throw new OfferError('PEER_MISMATCH', `offer.host ${offer.host} is not the signing key's public key ${signer}`);
  }
  checkPeerId(offer);
  const signature = signWithSolanaSecret(OFFER_SIGNING_DOMAIN, body, solanaSecret64);
  const bytes = new Uint8Array(body.length + SIGNATURE_LENGTH);
  bytes.set(body);
  bytes.set(signature, body.length);
  return decodeSignedOffer(bytes);
}

/**
 * Decodes a signed offer and checks everything a receiver must: size, version, ranges,
 * peer id bound to the host key, validity window, and the host's signature.
 * Throws OfferError; never anything else.
 */
export function verifyOffer(bytes: Uint8Array, opts: { now?: number } = {}): SignedOffer {
  const now = opts.now ?? Date.now();
  const signed = decodeSignedOffer(bytes);
  const { offer } = signed;
  checkPeerId(offer);
  if (now >= offer.expiresAt) {
    throw new OfferError('EXPIRED', `offer seq ${offer.seq} of host ${offer.host} expired at ${new Date(offer.expiresAt).toISOString()}`);
  }
  if (offer.issuedAt > now + OFFER_LIMITS.maxClockSkewMs) {
    throw new OfferError('NOT_YET_VALID', `offer seq ${offer.seq} of host ${offer.host} is issued at ${new Date(offer.issuedAt).toISOString()}, in the future: check the host's (or this machine's) clock`);
  }
  const body = signed.bytes.subarray(0, signed.bytes.length - SIGNATURE_LENGTH);
  if (!verifySolanaSignature(OFFER_SIGNING_DOMAIN, body, signed.signature, solanaPublicKeyFromBase58(offer.host))) {
    throw new OfferError('BAD_SIGNATURE', `offer seq ${offer.seq} is not signed by its host ${offer.host}`);
  }
  return signed;
}

function checkPeerId(offer: Offer): void {
  const expected = expectedPeerId(offer.host);
  if (offer.peerId !== expected) {
    throw new OfferError('PEER_MISMATCH', `offer.peerId ${offer.peerId} is not the peer id of host ${offer.host}; it must be ${expected}`);
  }
}
