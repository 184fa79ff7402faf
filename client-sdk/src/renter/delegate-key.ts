/**
 * The renter's session key for one lease, its delegate on-chain: it signs that lease's
 * receipts and access challenges, so the wallet only pays and closes. It is derived from
 * the wallet and the lease id, so any session of the same wallet finds it again:
 *
 *   Keypair.fromSeed(sha256("decloud/delegate/v1" || wallet seed 32 || lease_id u64 LE))
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { U64_MAX } from '../codec/field-checks.js';

export const DELEGATE_DOMAIN = 'decloud/delegate/v1';

export function delegateKeypair(wallet: Keypair, leaseId: bigint): Keypair {
  if (typeof leaseId !== 'bigint' || leaseId < 0n || leaseId > U64_MAX) throw new RangeError(`a lease id is a u64, got ${String(leaseId)}`);
  const domain = new TextEncoder().encode(DELEGATE_DOMAIN);
  const input = new Uint8Array(domain.length + 32 + 8);
  input.set(domain);
  input.set(wallet.secretKey.subarray(0, 32), domain.length);
  new DataView(input.buffer).setBigUint64(domain.length + 32, leaseId, true);
  return Keypair.fromSeed(sha256(input));
}

/** Who signs for a lease: the delegate the wallet derives when the lease names it, else the wallet (the renter always may). */
export function leaseSigner(wallet: Keypair, leaseId: bigint, delegate: PublicKey): Keypair {
  const derived = delegateKeypair(wallet, leaseId);
  return derived.publicKey.equals(delegate) ? derived : wallet;
}
