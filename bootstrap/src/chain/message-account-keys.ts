import { AddressLookupTableAccount } from '@solana/web3.js';
import type { PublicKey, VersionedMessage } from '@solana/web3.js';
import type { AccountState } from './account-state.js';

export interface MessageAccountKeys {
  /** static keys, then the loaded writable keys, then the loaded readonly keys */
  all: PublicKey[];
  loaded: { writable: PublicKey[]; readonly: PublicKey[] };
}

/** Static keys, then the keys v0 lookup tables load; lookups that cannot be resolved are left for litesvm to reject. */
export function accountKeysOf(message: VersionedMessage, accounts: (addresses: PublicKey[]) => Array<AccountState | null>): MessageAccountKeys {
  const loaded = { writable: [] as PublicKey[], readonly: [] as PublicKey[] };
  const tables = accounts(message.addressTableLookups.map((lookup) => lookup.accountKey));
  message.addressTableLookups.forEach((lookup, index) => {
    const table = tables[index];
    let addresses: PublicKey[];
    try {
      addresses = table ? AddressLookupTableAccount.deserialize(table.data).addresses : [];
    } catch {
      addresses = [];
    }
    const pick = (indexes: number[]) => indexes.map((i) => addresses[i]).filter((key): key is PublicKey => key !== undefined);
    loaded.writable.push(...pick(lookup.writableIndexes));
    loaded.readonly.push(...pick(lookup.readonlyIndexes));
  });
  return { all: [...message.staticAccountKeys, ...loaded.writable, ...loaded.readonly], loaded };
}
