/**
 * What closing a lease moved, read from the confirmed transaction's balances rather than
 * predicted: a receipt the host posts just before the close changes the split, and only
 * the transaction knows the final one.
 */
import type { Connection, PublicKey } from '@solana/web3.js';

export interface EndReport {
  /** base58 lease address */
  lease: string;
  signature: string;
  /** lamports back to the renter: the unproven deposit plus the lease account's rent */
  refund: bigint;
  /** part of `refund` that was the account's rent-exempt reserve */
  rentReturned: bigint;
  /** part of `refund` that was deposit: the deposit minus rate x proven time */
  depositRefund: bigint;
  /** lamports this close paid for proven time not settled before (host share plus protocol fee) */
  settled: bigint;
  /** the transaction fee the renter paid */
  fee: bigint;
}

/** Balances before and after, per account, of one transaction. */
export interface BalanceChanges {
  keys: PublicKey[];
  pre: number[];
  post: number[];
  fee: number;
}

/** Reads the split from the close transaction's balance changes; the renter signed and paid the fee. */
export function endReportOf(lease: PublicKey, renter: PublicKey, signature: string, changes: BalanceChanges, rentExempt: bigint): EndReport {
  const index = (key: PublicKey): number => {
    const i = changes.keys.findIndex((k) => k.equals(key));
    if (i < 0) throw new Error(`transaction ${signature} does not touch ${key.toBase58()}: it is not this lease's close`);
    return i;
  };
  const renterIndex = index(renter);
  const leaseIndex = index(lease);
  const fee = BigInt(changes.fee);
  const refund = BigInt(changes.post[renterIndex]!) - BigInt(changes.pre[renterIndex]!) + fee;
  const leaseBefore = BigInt(changes.pre[leaseIndex]!);
  const rentReturned = rentExempt < refund ? rentExempt : refund;
  return {
    lease: lease.toBase58(),
    signature,
    refund,
    rentReturned,
    depositRefund: refund - rentReturned,
    settled: leaseBefore - refund,
    fee,
  };
}

/** The balance changes of a confirmed transaction; retried briefly while the RPC node indexes it. */
export async function balanceChangesOf(connection: Connection, signature: string): Promise<BalanceChanges> {
  for (let attempt = 0; ; attempt++) {
    const tx = await connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    if (tx?.meta) {
      return { keys: tx.transaction.message.getAccountKeys().staticAccountKeys, pre: tx.meta.preBalances, post: tx.meta.postBalances, fee: tx.meta.fee };
    }
    if (attempt >= 20) throw new Error(`transaction ${signature} is confirmed but the RPC node does not return it: read the balances with \`decloud wallet\``);
    await new Promise((resolve) => setTimeout(resolve, 100 + attempt * 50));
  }
}
