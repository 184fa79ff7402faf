import type { LeaseRecord, QuoteRecord } from './lease-record.js';

/** Where the lease manager keeps its quotes and leases across restarts. */
export interface LeaseStore {
  /** `termsHashHex`: hex of the quote's terms hash, the value an on-chain lease carries. */
  getQuote(termsHashHex: string): Promise<QuoteRecord | undefined>;
  putQuote(termsHashHex: string, record: QuoteRecord): Promise<void>;
  deleteQuote(termsHashHex: string): Promise<void>;
  listQuotes(): Promise<Array<{ termsHashHex: string; record: QuoteRecord }>>;
  getLease(lease: string): Promise<LeaseRecord | undefined>;
  putLease(record: LeaseRecord): Promise<void>;
  /** Writes the lease record and consumes its quote in one atomic step, so a quote funds one lease only. */
  fundLease(record: LeaseRecord, termsHashHex: string): Promise<void>;
  listLeases(): Promise<LeaseRecord[]>;
  close(): Promise<void>;
}
