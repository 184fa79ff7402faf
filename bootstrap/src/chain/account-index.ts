import { PublicKey } from '@solana/web3.js';
import type { AccountState } from './account-state.js';

/** Owners whose accounts litesvm creates itself at genesis; never indexed nor persisted. */
const GENESIS_OWNERS = new Set(['Sysvar1111111111111111111111111111111111111', 'NativeLoader1111111111111111111111111111111']);

/**
 * The accounts of each owner, for getProgramAccounts and persistence: every account the
 * ledger wrote since genesis, filed under its current owner.
 */
export class AccountIndex {
  private readonly ownerOf = new Map<string, string>();
  private readonly addressesByOwner = new Map<string, Set<string>>();

  /** Files a written account under its owner; `null` (closed) removes it. */
  update(address: PublicKey, account: AccountState | null): void {
    const key = address.toBase58();
    const previousOwner = this.ownerOf.get(key);
    const owner = account?.owner.toBase58();
    if (previousOwner === owner) return;
    if (previousOwner !== undefined) this.addressesByOwner.get(previousOwner)?.delete(key);
    if (owner !== undefined && !GENESIS_OWNERS.has(owner)) {
      this.ownerOf.set(key, owner);
      let addresses = this.addressesByOwner.get(owner);
      if (!addresses) this.addressesByOwner.set(owner, (addresses = new Set()));
      addresses.add(key);
    } else {
      this.ownerOf.delete(key);
    }
  }

  ownedBy(owner: PublicKey): PublicKey[] {
    return [...(this.addressesByOwner.get(owner.toBase58()) ?? [])].map((address) => new PublicKey(address));
  }

  /** Every indexed account, whatever its owner. */
  all(): PublicKey[] {
    return [...this.ownerOf.keys()].map((address) => new PublicKey(address));
  }
}
