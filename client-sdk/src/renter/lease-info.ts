/**
 * A lease as the chain holds it, in the terms a renter thinks in: who hosts it (operator
 * key and libp2p peer id, from the host account), the rate, the escrow, and how much of
 * its time is proven (and so paid to the host when it ends).
 */
import { peerIdFromMultihash } from '@libp2p/peer-id';
import type { PublicKey } from '@solana/web3.js';
import { decode as decodeMultihash } from 'multiformats/hashes/digest';
import type { HostAccount, LeaseAccount } from '../chain/accounts.js';

export interface LeaseInfo {
  /** base58 lease account address: the lease's id everywhere. */
  address: string;
  renter: string;
  /** base58 operator key of the host (its identity). */
  host: string;
  /** the host's libp2p peer id (registered in its host account). */
  hostPeerId: string;
  /** base58 address of the host account. */
  hostAccount: string;
  leaseId: bigint;
  /** base58 key that may sign the lease's receipts and access besides the renter ('111…1' for none) */
  delegate: string;
  /** lamports per second */
  rate: bigint;
  /** lamports paid into escrow so far (open + top-ups) */
  deposit: bigint;
  /** unix seconds */
  start: bigint;
  /** unix seconds */
  maxEnd: bigint;
  /** unix seconds up to which proofs cover the lease */
  provenUntil: bigint;
  provenSecs: bigint;
  /** lamports already paid out of escrow (host share and protocol fee) */
  paid: bigint;
}

export function leaseInfoOf(address: PublicKey, lease: LeaseAccount, hostAccount: PublicKey, host: HostAccount): LeaseInfo {
  return {
    address: address.toBase58(),
    renter: lease.renter.toBase58(),
    host: host.operator.toBase58(),
    hostPeerId: peerIdOfHostAccount(host),
    hostAccount: hostAccount.toBase58(),
    leaseId: lease.leaseId,
    delegate: lease.delegate.toBase58(),
    rate: lease.rate,
    deposit: lease.deposit,
    start: lease.start,
    maxEnd: lease.maxEnd,
    provenUntil: lease.provenUntil,
    provenSecs: lease.provenSecs,
    paid: lease.paid,
  };
}

/** The peer id a host registered: its account stores the identity multihash bytes. */
export function peerIdOfHostAccount(host: HostAccount): string {
  return peerIdFromMultihash(decodeMultihash(Uint8Array.from(host.peerId))).toString();
}

/** Lamports the renter gets back if the lease closed now: the deposit minus what proofs cover. */
export function refundIfClosedNow(info: Pick<LeaseInfo, 'deposit' | 'rate' | 'provenSecs'>): bigint {
  return info.deposit - info.rate * info.provenSecs;
}
