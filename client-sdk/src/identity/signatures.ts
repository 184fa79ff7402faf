/**
 * Ed25519 signatures by Solana keys over domain-separated messages: the signed bytes are
 * `domain || body`, so a signature made for one message type (an offer, a quote) can never
 * be replayed as another.
 *
 * Verification uses OpenSSL through node:crypto when the runtime has it (about 0.12 ms per
 * check here, against 1.2-1.7 ms for pure-JS noble), which matters when a node checks every
 * offer on the gossip topic. `process.getBuiltinModule` reaches it without a static import,
 * so browser bundles stay free of node:crypto and use noble.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { checkSolanaSecretKey } from './host-identity.js';

export const SIGNATURE_LENGTH = 64;

type NodeCrypto = typeof import('node:crypto');
const nodeCrypto = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule?.('node:crypto') as
  | NodeCrypto
  | undefined;

export function signWithSolanaSecret(domain: string, body: Uint8Array, solanaSecret64: Uint8Array): Uint8Array {
  checkSolanaSecretKey(solanaSecret64);
  return ed25519.sign(domainMessage(domain, body), solanaSecret64.subarray(0, 32));
}

/**
 * Every encoding (canonical or not) of the 8 points of small order. Anyone can make
 * signatures that OpenSSL accepts for these keys (noble's strict mode refuses them), so
 * they never verify here, whichever implementation runs.
 */
const SMALL_ORDER_KEYS = new Set([
  '0100000000000000000000000000000000000000000000000000000000000000',
  '0100000000000000000000000000000000000000000000000000000000000080',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  '0000000000000000000000000000000000000000000000000000000000000000',
  '0000000000000000000000000000000000000000000000000000000000000080',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc85',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  'eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff',
]);

/** An invalid key, point or length is `false`, never a throw. */
export function verifySolanaSignature(domain: string, body: Uint8Array, signature: Uint8Array, publicKey32: Uint8Array): boolean {
  if (SMALL_ORDER_KEYS.has(toHex(publicKey32))) return false;
  const message = domainMessage(domain, body);
  return nodeCrypto ? verifyWithNodeCrypto(nodeCrypto, message, signature, publicKey32) : verifyWithNoble(message, signature, publicKey32);
}

/** Strict RFC 8032 verification in pure JS (browsers). */
export function verifyWithNoble(message: Uint8Array, signature: Uint8Array, publicKey32: Uint8Array): boolean {
  try {
    return ed25519.verify(signature, message, publicKey32, { zip215: false });
  } catch {
    return false;
  }
}

/** OpenSSL's Ed25519 verification (Node). */
export function verifyWithNodeCrypto(crypto: NodeCrypto, message: Uint8Array, signature: Uint8Array, publicKey32: Uint8Array): boolean {
  if (signature.length !== SIGNATURE_LENGTH || publicKey32.length !== 32) return false;
  try {
    const key = crypto.createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey32).toString('base64url') }, format: 'jwk' });
    return crypto.verify(null, message, key, signature);
  } catch {
    return false;
  }
}

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

function domainMessage(domain: string, body: Uint8Array): Uint8Array {
  const prefix = new TextEncoder().encode(domain);
  const message = new Uint8Array(prefix.length + body.length);
  message.set(prefix);
  message.set(body, prefix.length);
  return message;
}
