import { PublicKey } from '@solana/web3.js';
import type { LeaseAccount } from '@decloud/sdk/chain/index';

/**
 * The keys that speak for a lease's renter: the renter's wallet, and the delegate (session
 * key) it opened the lease with, unless that is the all-zero key (none). Access signatures
 * and receipts by either are accepted, as the program accepts receipts by either.
 */
export function leaseSigners(account: Pick<LeaseAccount, 'renter' | 'delegate'>): PublicKey[] {
  const renter = new PublicKey(account.renter);
  const delegate = new PublicKey(account.delegate);
  return delegate.equals(PublicKey.default) || delegate.equals(renter) ? [renter] : [renter, delegate];
}

/** "renter X" or "renter X or its delegate Y", for refusals. */
export function signersText(signers: PublicKey[]): string {
  const [renter, delegate] = signers;
  return delegate ? `renter ${renter!.toBase58()} or its delegate ${delegate.toBase58()}` : `renter ${renter!.toBase58()}`;
}
