/**
 * Lease accounts read on-chain, reused for a short while: a renter running commands in a
 * loop costs one RPC read per `ttlMs`, not one per command. Concurrent reads of one lease
 * share a request; failed reads are not kept; the oldest entries go past `maxEntries`, so
 * strangers naming random leases cannot grow it.
 */
import type { PublicKey } from '@solana/web3.js';
import type { LeaseAccount } from '@decloud/sdk/chain/index';
import { bounded } from '../leases/signal.js';

export type LeaseFetcher = (lease: PublicKey) => Promise<LeaseAccount | null>;

interface Entry {
  readAt: number;
  account: Promise<LeaseAccount | null>;
}

export const DEFAULT_MAX_CACHED_LEASES = 4096;

export class LeaseAccountCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly fetch: LeaseFetcher,
    private readonly clock: () => number,
    private readonly ttlMs: number,
    private readonly maxEntries = DEFAULT_MAX_CACHED_LEASES,
  ) {}

  /** The account as read at most `ttlMs` ago; null when there is none on-chain. */
  get(lease: PublicKey, signal?: AbortSignal): Promise<LeaseAccount | null> {
    const key = lease.toBase58();
    const now = this.clock();
    const cached = this.entries.get(key);
    if (cached && now - cached.readAt < this.ttlMs) return bounded(cached.account, signal);
    const account = this.fetch(lease);
    const entry = { readAt: now, account };
    this.entries.delete(key);
    this.entries.set(key, entry);
    account.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    this.evictOldest();
    return bounded(account, signal);
  }

  private evictOldest(): void {
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) return;
      this.entries.delete(key);
    }
  }
}
