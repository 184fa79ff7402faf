import bs58 from 'bs58';
import { IdentityError } from './identity-error.js';

export const SOLANA_PUBLIC_KEY_LENGTH = 32;

export function base58Encode(bytes: Uint8Array): string {
  return bs58.encode(bytes);
}

/** Throws IdentityError BAD_KEY for characters outside the base58 alphabet. */
export function base58Decode(text: string): Uint8Array {
  const bytes = bs58.decodeUnsafe(text);
  if (bytes === undefined) throw new IdentityError('BAD_KEY', `${JSON.stringify(text)} is not base58`);
  return bytes;
}

/** A Solana address (base58) as its 32 public key bytes. */
export function solanaPublicKeyFromBase58(address: string): Uint8Array {
  const bytes = base58Decode(address);
  if (bytes.length !== SOLANA_PUBLIC_KEY_LENGTH) {
    throw new IdentityError('BAD_KEY', `Solana address ${JSON.stringify(address)} decodes to ${bytes.length} bytes, expected 32`);
  }
  return bytes;
}

export function base58FromSolanaPublicKey(publicKey: Uint8Array): string {
  if (publicKey.length !== SOLANA_PUBLIC_KEY_LENGTH) {
    throw new IdentityError('BAD_KEY', `a Solana public key has 32 bytes, got ${publicKey.length}`);
  }
  return base58Encode(publicKey);
}
