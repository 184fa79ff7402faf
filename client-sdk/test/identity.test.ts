import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { generateKeyPair } from '@libp2p/crypto/keys';
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id';
import { ed25519 } from '@noble/curves/ed25519.js';
import { base58btc } from 'multiformats/bases/base58';
import { Keypair } from '@solana/web3.js';
import {
  base58Decode,
  base58Encode,
  base58FromSolanaPublicKey,
  IdentityError,
  libp2pKeyFromSolanaSecret,
  peerIdFromSolanaPublicKey,
  signWithSolanaSecret,
  solanaPublicKeyFromBase58,
  solanaPublicKeyFromPeerId,
  verifySolanaSignature,
  verifyWithNoble,
  verifyWithNodeCrypto,
} from '../src/identity/index.js';
import * as nodeCrypto from 'node:crypto';

// Known vector: the all-zero seed. Its Ed25519 public key is the RFC 8032-style
// 3b6a27bc...da29, whose Solana address and libp2p peer id are fixed strings.
const ZERO_SEED = new Uint8Array(32);
const ZERO_SEED_ADDRESS = '4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS';
const ZERO_SEED_PEER_ID = '12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN';

const throwsCode = (fn: () => unknown, code: string) => {
  try {
    fn();
  } catch (err) {
    assert.instance(err, IdentityError);
    assert.is((err as IdentityError).code, code, (err as Error).message);
    return (err as Error).message;
  }
  assert.unreachable(`expected IdentityError ${code}`);
  return '';
};

test('zero seed: noble and web3.js agree on the public key and address', () => {
  const keypair = Keypair.fromSeed(ZERO_SEED);
  const noblePublic = ed25519.getPublicKey(ZERO_SEED);
  assert.equal(keypair.publicKey.toBytes(), noblePublic);
  assert.is(Buffer.from(noblePublic).toString('hex'), '3b6a27bcceb6a42d62a3a8d02a6f0d73653215771de243a63ac048a18b59da29');
  assert.is(keypair.publicKey.toBase58(), ZERO_SEED_ADDRESS);
  assert.is(base58FromSolanaPublicKey(noblePublic), ZERO_SEED_ADDRESS);
});

test('zero seed: exact peer id, from the secret key and from the public key', () => {
  const keypair = Keypair.fromSeed(ZERO_SEED);
  const key = libp2pKeyFromSolanaSecret(keypair.secretKey);
  assert.is(key.type, 'Ed25519');
  assert.equal(key.publicKey.raw, keypair.publicKey.toBytes());
  assert.is(peerIdFromPrivateKey(key).toString(), ZERO_SEED_PEER_ID);
  assert.is(peerIdFromSolanaPublicKey(keypair.publicKey.toBytes()).toString(), ZERO_SEED_PEER_ID);
});

test('peer id is the base58btc identity multihash of the protobuf public key (built by hand)', () => {
  const pk = ed25519.getPublicKey(ZERO_SEED);
  // multihash identity (0x00), length 36, protobuf { Type: Ed25519 (08 01), Data: 32 bytes (12 20 ...) }
  const multihash = Uint8Array.from([0x00, 36, 0x08, 0x01, 0x12, 0x20, ...pk]);
  assert.is(base58btc.baseEncode(multihash), ZERO_SEED_PEER_ID);
});

test('public key round trip through the peer id (object and string)', () => {
  const pk = Keypair.fromSeed(ZERO_SEED).publicKey.toBytes();
  assert.equal(solanaPublicKeyFromPeerId(ZERO_SEED_PEER_ID), pk);
  assert.equal(solanaPublicKeyFromPeerId(peerIdFromString(ZERO_SEED_PEER_ID)), pk);
});

test('random seeds: address -> peer id -> address, and the libp2p key signs for the Solana key', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (seed) => {
      const keypair = Keypair.fromSeed(seed);
      const address = keypair.publicKey.toBase58();
      const peerId = peerIdFromSolanaPublicKey(solanaPublicKeyFromBase58(address));
      assert.is(base58FromSolanaPublicKey(solanaPublicKeyFromPeerId(peerId.toString())), address);
      const key = libp2pKeyFromSolanaSecret(keypair.secretKey);
      assert.is(peerIdFromPrivateKey(key).toString(), peerId.toString());
      const message = new TextEncoder().encode('hello');
      const signature = key.sign(message) as Uint8Array;
      assert.ok(ed25519.verify(signature, message, keypair.publicKey.toBytes()));
    }),
    { numRuns: 20 },
  );
});

test('RSA and secp256k1 peer ids are refused with NOT_ED25519', async () => {
  const rsaPeerId = 'QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN'; // a well-known IPFS bootstrap peer (RSA)
  const message = throwsCode(() => solanaPublicKeyFromPeerId(rsaPeerId), 'NOT_ED25519');
  assert.match(message, /RSA/);
  const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1'));
  assert.match(throwsCode(() => solanaPublicKeyFromPeerId(secp), 'NOT_ED25519'), /secp256k1/);
  assert.match(throwsCode(() => solanaPublicKeyFromPeerId(secp.toString()), 'NOT_ED25519'), /secp256k1/);
});

test('garbage peer ids and keys are refused with clear codes', () => {
  throwsCode(() => solanaPublicKeyFromPeerId('not-a-peer-id'), 'BAD_PEER_ID');
  throwsCode(() => peerIdFromSolanaPublicKey(new Uint8Array(31)), 'BAD_KEY');
  throwsCode(() => libp2pKeyFromSolanaSecret(new Uint8Array(32)), 'BAD_KEY');
  const corrupt = Keypair.fromSeed(ZERO_SEED).secretKey.slice();
  corrupt[40]! ^= 1;
  assert.match(throwsCode(() => libp2pKeyFromSolanaSecret(corrupt), 'BAD_KEY'), /corrupt/);
});

test('base58 helpers: round trip, invalid characters and wrong lengths', () => {
  const bytes = Uint8Array.from([0, 0, 1, 2, 255]);
  assert.equal(base58Decode(base58Encode(bytes)), bytes);
  assert.is(base58Encode(bytes).slice(0, 2), '11');
  throwsCode(() => base58Decode('0OIl'), 'BAD_KEY');
  throwsCode(() => solanaPublicKeyFromBase58(base58Encode(new Uint8Array(33).fill(1))), 'BAD_KEY');
  throwsCode(() => base58FromSolanaPublicKey(new Uint8Array(16)), 'BAD_KEY');
});

test('domain-separated signatures: verify only under the same domain, key and body', () => {
  const keypair = Keypair.fromSeed(new Uint8Array(32).fill(9));
  const pk = keypair.publicKey.toBytes();
  const body = Uint8Array.from([1, 2, 3]);
  const signature = signWithSolanaSecret('decloud/test/v1', body, keypair.secretKey);
  assert.ok(verifySolanaSignature('decloud/test/v1', body, signature, pk));
  assert.not.ok(verifySolanaSignature('decloud/other/v1', body, signature, pk));
  assert.not.ok(verifySolanaSignature('decloud/test/v1', Uint8Array.from([1, 2, 4]), signature, pk));
  assert.not.ok(verifySolanaSignature('decloud/test/v1', body, signature, Keypair.fromSeed(ZERO_SEED).publicKey.toBytes()));
  assert.not.ok(verifySolanaSignature('decloud/test/v1', body, signature.subarray(1), pk));
  assert.not.ok(verifySolanaSignature('decloud/test/v1', body, signature, new Uint8Array(32).fill(0xff)));
});

test('OpenSSL (node:crypto) and noble verification agree on valid and damaged signatures', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), fc.nat(95), fc.integer({ min: 1, max: 255 }), (seed, message, at, flip) => {
      const keypair = Keypair.fromSeed(seed);
      const pk = keypair.publicKey.toBytes();
      const signature = ed25519.sign(message, seed);
      assert.ok(verifyWithNoble(message, signature, pk));
      assert.ok(verifyWithNodeCrypto(nodeCrypto, message, signature, pk));
      // damage the signature (at < 64) or the public key (at >= 64)
      const badSignature = signature.slice();
      const badKey = pk.slice();
      if (at < 64) badSignature[at]! ^= flip;
      else badKey[at - 64]! ^= flip;
      assert.is(verifyWithNodeCrypto(nodeCrypto, message, badSignature, badKey), false);
      assert.is(verifyWithNoble(message, badSignature, badKey), false);
    }),
    { numRuns: 100 },
  );
});

test('small-order public keys never verify, in any encoding (OpenSSL alone accepts forgeries for them)', () => {
  const p = 2n ** 255n - 19n;
  const littleEndian = (n: bigint) => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 255n));
  const withSignBit = (bytes: Uint8Array) => Uint8Array.from(bytes, (b, i) => (i === 31 ? b | 0x80 : b));
  // the torsion subgroup: multiples of a point of order 8
  const order8 = ed25519.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
  const torsion = Array.from({ length: 8 }, (_, k) => (k === 0 ? ed25519.Point.ZERO : order8.multiply(BigInt(k))).toBytes());
  assert.ok(torsion.every((bytes) => ed25519.Point.fromBytes(bytes).isSmallOrder()));
  // non-canonical encodings: x = 0 with the sign bit set, and y + p for y in {0, 1}
  const encodings = [...torsion, withSignBit(littleEndian(1n)), withSignBit(littleEndian(p - 1n)), littleEndian(p), withSignBit(littleEndian(p)), littleEndian(p + 1n), withSignBit(littleEndian(p + 1n))];
  assert.is(new Set(encodings.map((e) => Buffer.from(e).toString('hex'))).size, 14);
  const body = Uint8Array.of(9);
  let openSslForgeries = 0;
  for (const key of encodings) {
    for (const r of encodings) {
      const forged = Uint8Array.from([...r, ...new Uint8Array(32)]); // R small order, S = 0
      const message = Uint8Array.from([...new TextEncoder().encode('decloud/test/v1'), ...body]);
      if (verifyWithNodeCrypto(nodeCrypto, message, forged, key)) openSslForgeries++;
      assert.is(verifyWithNoble(message, forged, key), false);
      assert.is(verifySolanaSignature('decloud/test/v1', body, forged, key), false);
    }
  }
  assert.ok(openSslForgeries > 0, 'OpenSSL alone would accept some of these forgeries');
});

test.run();
