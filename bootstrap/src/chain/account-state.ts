import type { AccountInfo } from '@solana/web3.js';

/** An account as the ledger hands it out: web3.js's AccountInfo with the data as bytes. */
export type AccountState = AccountInfo<Uint8Array>;

export function sameAccount(a: AccountState | null, b: AccountState | null): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.lamports === b.lamports &&
    a.executable === b.executable &&
    a.owner.equals(b.owner) &&
    a.rentEpoch === b.rentEpoch &&
    Buffer.from(a.data).equals(Buffer.from(b.data))
  );
}
