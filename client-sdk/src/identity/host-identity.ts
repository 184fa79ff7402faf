/**
 * A host's libp2p identity is its Solana operator keypair: both are Ed25519, and the 64-byte
 * Solana secret key (seed || public key) is the libp2p raw Ed25519 private key. So the
 * peer id <-> host public key mapping is a pure function, and an offer signed on the network
 * is bound to the on-chain host account.
 */
import { privateKeyFromRaw, publicKeyFromRaw } from '@libp2p/crypto/keys';
import { peerIdFromPublicKey, peerIdFromString } from '@libp2p/peer-id';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Ed25519PrivateKey, PeerId } from '@libp2p/interface';
import { equalBytes } from '../codec/equal-bytes.js';
import { SOLANA_PUBLIC_KEY_LENGTH } from './base58.js';
import { IdentityError } from './identity-error.js';

export const SOLANA_SECRET_KEY_LENGTH = 64;

/** Throws IdentityError BAD_KEY unless `secret64` is a consistent Solana secret key (seed || its public key). */
export function checkSolanaSecretKey(secret64: Uint8Array): void {
  if (!(secret64 instanceof Uint8Array) || secret64.length !== SOLANA_SECRET_KEY_LENGTH) {
    const got = secret64 instanceof Uint8Array ? `${secret64.length} bytes` : typeof secret64;
    throw new IdentityError('BAD_KEY', `a Solana secret key has 64 bytes (seed || public key), got ${got}`);
  }
  const derived = ed25519.getPublicKey(secret64.subarray(0, 32));
  if (!equalBytes(derived, secret64.subarray(32))) {
    throw new IdentityError('BAD_KEY', 'the Solana secret key is corrupt: its last 32 bytes are not the public key of its first 32; re-export the keypair file');
  }
}

/** The libp2p private key of a host, from its Solana operator secret key. */
export function libp2pKeyFromSolanaSecret(secret64: Uint8Array): Ed25519PrivateKey {
  checkSolanaSecretKey(secret64);
  return privateKeyFromRaw(secret64) as Ed25519PrivateKey;
}

export function peerIdFromSolanaPublicKey(pk32: Uint8Array): PeerId {
  if (!(pk32 instanceof Uint8Array) || pk32.length !== SOLANA_PUBLIC_KEY_LENGTH) {
    const got = pk32 instanceof Uint8Array ? `${pk32.length} bytes` : typeof pk32;
    throw new IdentityError('BAD_KEY', `a Solana public key has 32 bytes, got ${got}`);
  }
  return peerIdFromPublicKey(publicKeyFromRaw(pk32));
}

/** The Solana public key a peer id stands for; only Ed25519 peer ids have one. */
export function solanaPublicKeyFromPeerId(peerId: PeerId | string): Uint8Array {
  const parsed = typeof peerId === 'string' ? parsePeerId(peerId) : peerId;
  if (parsed.type !== 'Ed25519') {
    throw new IdentityError('NOT_ED25519', `peer id ${parsed.toString()} is a ${parsed.type} key; DeCloud hosts use Ed25519 (Solana) peer ids`);
  }
  return parsed.publicKey.raw.slice();
}

function parsePeerId(text: string): PeerId {
  try {
    return peerIdFromString(text);
  } catch (err) {
    throw new IdentityError('BAD_PEER_ID', `${JSON.stringify(text)} is not a peer id: ${(err as Error).message}`);
  }
}
