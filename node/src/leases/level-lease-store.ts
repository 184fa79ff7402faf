/** The lease store on LevelDB (npm `level`): one sublevel of quotes, one of leases. */
import { Level } from 'level';
import type { AbstractSublevel } from 'abstract-level';
import type { LeaseRecord, QuoteRecord } from './lease-record.js';
import type { LeaseStore } from './lease-store.js';
import { decodeLeaseRecord, decodeQuoteRecord, encodeLeaseRecord, encodeQuoteRecord } from './record-codec.js';

type Db = Level<string, string>;
type Sublevel = AbstractSublevel<Db, string | Uint8Array | Buffer, string, string>;

export class LevelLeaseStore implements LeaseStore {
  private readonly quotes: Sublevel;
  private readonly leases: Sublevel;

  private constructor(private readonly db: Db) {
    this.quotes = db.sublevel<string, string>('quotes', { valueEncoding: 'utf8' });
    this.leases = db.sublevel<string, string>('leases', { valueEncoding: 'utf8' });
  }

  /** Opens (creating when absent) the store in directory `path`. */
  static async open(path: string): Promise<LevelLeaseStore> {
    const db: Db = new Level<string, string>(path, { valueEncoding: 'utf8' });
    await db.open();
    return new LevelLeaseStore(db);
  }

  async getQuote(termsHashHex: string): Promise<QuoteRecord | undefined> {
    const text = await this.quotes.get(termsHashHex);
    return text === undefined ? undefined : decodeQuoteRecord(termsHashHex, text);
  }

  async putQuote(termsHashHex: string, record: QuoteRecord): Promise<void> {
    await this.quotes.put(termsHashHex, encodeQuoteRecord(record));
  }

  async deleteQuote(termsHashHex: string): Promise<void> {
    await this.quotes.del(termsHashHex);
  }

  async listQuotes(): Promise<Array<{ termsHashHex: string; record: QuoteRecord }>> {
    const out: Array<{ termsHashHex: string; record: QuoteRecord }> = [];
    for await (const [key, text] of this.quotes.iterator()) out.push({ termsHashHex: key, record: decodeQuoteRecord(key, text) });
    return out;
  }

  async getLease(lease: string): Promise<LeaseRecord | undefined> {
    const text = await this.leases.get(lease);
    return text === undefined ? undefined : decodeLeaseRecord(lease, text);
  }

  async putLease(record: LeaseRecord): Promise<void> {
    await this.leases.put(record.lease, encodeLeaseRecord(record));
  }

  async fundLease(record: LeaseRecord, termsHashHex: string): Promise<void> {
    await this.db.batch([
      { type: 'put', sublevel: this.leases, key: record.lease, value: encodeLeaseRecord(record) },
      { type: 'del', sublevel: this.quotes, key: termsHashHex },
    ]);
  }

  async listLeases(): Promise<LeaseRecord[]> {
    const out: LeaseRecord[] = [];
    for await (const [key, text] of this.leases.iterator()) out.push(decodeLeaseRecord(key, text));
    return out;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
