import type { PublicKey } from '@solana/web3.js';
import type { TransactionRecord } from './transaction-record.js';

/**
 * The committed transactions the ledger remembers, oldest first and at most the newest
 * 10,000 (getTransaction, getSignatureStatuses, getSignaturesForAddress, refusing
 * replays), and how many were ever committed (getTransactionCount).
 */
const TRANSACTION_HISTORY_LIMIT = 10_000;

export class TransactionHistory {
  private readonly records = new Map<string, TransactionRecord>();

  /** `committedCount` and `records` as saved by a previous run. */
  constructor(
    private committedCount = 0,
    records: TransactionRecord[] = [],
  ) {
    for (const record of records) this.remember(record);
  }

  get count(): number {
    return this.committedCount;
  }

  add(record: TransactionRecord): void {
    this.remember(record);
    this.committedCount += 1;
  }

  has(signature: string): boolean {
    return this.records.has(signature);
  }

  get(signature: string): TransactionRecord | undefined {
    return this.records.get(signature);
  }

  /** Newest first. */
  mentioning(address: PublicKey): TransactionRecord[] {
    const key = address.toBase58();
    return [...this.records.values()].reverse().filter((record) => record.accountKeys.includes(key));
  }

  /** Oldest first. */
  all(): IterableIterator<TransactionRecord> {
    return this.records.values();
  }

  private remember(record: TransactionRecord): void {
    this.records.set(record.signature, record);
    if (this.records.size <= TRANSACTION_HISTORY_LIMIT) return;
    const oldest = this.records.keys().next().value;
    if (oldest !== undefined) this.records.delete(oldest);
  }
}
