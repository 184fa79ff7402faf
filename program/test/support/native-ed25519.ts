/**
 * Ed25519 keys and signatures through Node's crypto (OpenSSL) instead of web3.js's
 * pure-JS curve code: the property tests sign tens of thousands of transactions and
 * proofs, and this is ~50x faster. Same keys, same signatures (Ed25519 is deterministic).
 */
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { Keypair } from '@solana/web3.js';
import type { Transaction } from '@solana/web3.js';

/** DER header of a PKCS#8 Ed25519 private key; the 32-byte seed follows. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const privateKeys = new WeakMap<Keypair, KeyObject>();

const privateKeyOf = (seed: Uint8Array) => createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });

/** The Solana keypair of a 32-byte seed. */
export function keypairFromSeed(seed: Uint8Array): Keypair {
  const privateKey = privateKeyOf(seed);
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const publicKey = Buffer.from(jwk.x as string, 'base64url');
  const keypair = Keypair.fromSecretKey(Buffer.concat([seed, publicKey]), { skipValidation: true });
  privateKeys.set(keypair, privateKey);
  return keypair;
}

export function signWith(keypair: Keypair, message: Uint8Array): Buffer {
  let privateKey = privateKeys.get(keypair);
  if (!privateKey) {
    privateKey = privateKeyOf(keypair.secretKey.subarray(0, 32));
    privateKeys.set(keypair, privateKey);
  }
  return sign(null, message, privateKey);
}

/** Signs `tx` by the fee payer and `signers` and serializes it (without re-verifying the signatures in JS). */
export function signAndSerialize(tx: Transaction, payer: Keypair, signers: Keypair[]): Buffer {
  const all = [payer, ...signers.filter((s) => !s.publicKey.equals(payer.publicKey))];
  tx.setSigners(...all.map((s) => s.publicKey));
  const message = tx.serializeMessage();
  for (const signer of all) tx.addSignature(signer.publicKey, signWith(signer, message));
  return tx.serialize({ verifySignatures: false });
}
