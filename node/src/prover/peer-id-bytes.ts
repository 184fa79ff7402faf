import type { PublicKey } from '@solana/web3.js';

/**
 * The identity multihash libp2p makes of an Ed25519 key: multihash identity (0x00), length
 * 36 (0x24), then the protobuf PublicKey { Type: Ed25519 (0x08 0x01), Data: 32 bytes (0x12 0x20) }.
 * register_host requires exactly this for the operator key.
 */
export const ED25519_PEER_ID_PREFIX = Uint8Array.from([0x00, 0x24, 0x08, 0x01, 0x12, 0x20]);

export function hostPeerIdBytes(operator: PublicKey): Uint8Array {
  const out = new Uint8Array(ED25519_PEER_ID_PREFIX.length + 32);
  out.set(ED25519_PEER_ID_PREFIX);
  out.set(operator.toBytes(), ED25519_PEER_ID_PREFIX.length);
  return out;
}
