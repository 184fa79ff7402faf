/**
 * Stored form of quote and lease records: JSON with bigints as decimal strings and bytes as
 * hex, read back field by field. A quote is checked again on the way in (ranges and its
 * terms hash), so a damaged store entry is reported, never acted on.
 */
import { checkQuoteTerms, termsHash } from '@decloud/sdk/quotes/index';
import type { Quote } from '@decloud/sdk/quotes/index';
import type { ContainerHandle } from '../runtime/index.js';
import { LeaseError } from './errors.js';
import type { LeaseRecord, QuoteRecord } from './lease-record.js';
import { LEASE_STATES } from './lease-state.js';
import type { LeaseState } from './lease-state.js';

type Json = Record<string, unknown>;

export function encodeQuoteRecord(record: QuoteRecord): string {
  return JSON.stringify({ state: record.state, quote: quoteJson(record.quote), recordedAt: record.recordedAt });
}

export function decodeQuoteRecord(key: string, text: string): QuoteRecord {
  const r = new FieldReader(`quote ${key}`, text);
  const state = r.string('state');
  if (state !== 'quoted') throw r.corrupt('state', `is ${state}, expected quoted`);
  return { state, quote: r.nested('quote', quoteOf), recordedAt: r.number('recordedAt') };
}

export function encodeLeaseRecord(record: LeaseRecord): string {
  return JSON.stringify({
    lease: record.lease,
    state: record.state,
    quote: quoteJson(record.quote),
    maxEnd: record.maxEnd.toString(),
    ...(record.container ? { container: { ...record.container } } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    ...(record.closePending ? { closePending: true } : {}),
    updatedAt: record.updatedAt,
  });
}

export function decodeLeaseRecord(key: string, text: string): LeaseRecord {
  const r = new FieldReader(`lease ${key}`, text);
  const lease = r.string('lease');
  if (lease !== key) throw r.corrupt('lease', `is ${lease}, but the record is stored under ${key}`);
  const state = r.string('state');
  if (!(LEASE_STATES as readonly string[]).includes(state)) throw r.corrupt('state', `is ${state}, not a lease state`);
  const container = r.optional('container', containerOf);
  const reason = r.optional('reason', (v) => v.string('text'), true);
  const closePending = r.optional('closePending', (v) => v.boolean('text'), true);
  return {
    lease,
    state: state as LeaseState,
    quote: r.nested('quote', quoteOf),
    maxEnd: r.bigint('maxEnd'),
    ...(container ? { container } : {}),
    ...(reason !== undefined ? { reason } : {}),
    ...(closePending ? { closePending: true as const } : {}),
    updatedAt: r.number('updatedAt'),
  };
}

function quoteJson(quote: Quote): Json {
  return {
    ...quote,
    leaseId: quote.leaseId.toString(),
    lamportsPerSecond: quote.lamportsPerSecond.toString(),
    deposit: quote.deposit.toString(),
    resources: { ...quote.resources },
    nonce: hex(quote.nonce),
    termsHash: hex(quote.termsHash),
  };
}

function quoteOf(r: FieldReader): Quote {
  const resources = r.nested('resources', (res) => ({
    cpuCores: res.number('cpuCores'), memoryMiB: res.number('memoryMiB'), diskGiB: res.number('diskGiB'), gpus: res.number('gpus'),
  }));
  const quote: Quote = {
    version: r.number('version') as 1,
    host: r.string('host'),
    renter: r.string('renter'),
    leaseId: r.bigint('leaseId'),
    delegate: r.string('delegate'),
    lamportsPerSecond: r.bigint('lamportsPerSecond'),
    deposit: r.bigint('deposit'),
    durationSecs: r.number('durationSecs'),
    image: r.string('image'),
    resources,
    expiresAt: r.number('expiresAt'),
    nonce: r.bytes('nonce'),
    termsHash: r.bytes('termsHash'),
  };
  try {
    checkQuoteTerms(quote);
  } catch (err) {
    throw r.corrupt('quote', (err as Error).message);
  }
  if (hex(termsHash(quote)) !== hex(quote.termsHash)) throw r.corrupt('termsHash', 'does not hash the stored terms');
  return quote;
}

function containerOf(r: FieldReader): ContainerHandle {
  return { id: r.string('id'), name: r.string('name'), leaseId: r.string('leaseId'), renter: r.string('renter') };
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Reads typed fields of one stored JSON object; any mismatch is STORE_CORRUPT naming the record and field. */
class FieldReader {
  private readonly value: Json;

  constructor(private readonly what: string, source: string | Json) {
    if (typeof source === 'string') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(source);
      } catch (err) {
        throw this.corrupt('(record)', `is not JSON: ${(err as Error).message}`);
      }
      this.value = this.object('(record)', parsed);
    } else {
      this.value = source;
    }
  }

  string(field: string): string {
    const v = this.value[field];
    if (typeof v !== 'string') throw this.corrupt(field, 'is not a string');
    return v;
  }

  boolean(field: string): boolean {
    const v = this.value[field];
    if (typeof v !== 'boolean') throw this.corrupt(field, 'is not true or false');
    return v;
  }

  number(field: string): number {
    const v = this.value[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.corrupt(field, 'is not a number');
    return v;
  }

  bigint(field: string): bigint {
    const v = this.string(field);
    if (!/^-?\d{1,20}$/.test(v)) throw this.corrupt(field, `is ${JSON.stringify(v)}, not an integer`);
    return BigInt(v);
  }

  bytes(field: string): Uint8Array {
    const v = this.string(field);
    if (!/^(?:[0-9a-f]{2})*$/.test(v)) throw this.corrupt(field, 'is not hex bytes');
    return new Uint8Array(Buffer.from(v, 'hex'));
  }

  nested<T>(field: string, read: (r: FieldReader) => T): T {
    return read(new FieldReader(`${this.what} ${field}`, this.object(field, this.value[field])));
  }

  /** A field that may be absent; `scalar` reads a non-object value as `{ text: value }`. */
  optional<T>(field: string, read: (r: FieldReader) => T, scalar = false): T | undefined {
    const v = this.value[field];
    if (v === undefined) return undefined;
    return read(new FieldReader(`${this.what} ${field}`, scalar ? { text: v } : this.object(field, v)));
  }

  corrupt(field: string, problem: string): LeaseError {
    return new LeaseError('STORE_CORRUPT', `${this.what}: field ${field} ${problem}; the lease store is damaged: restore it from a backup, or delete this entry and run reconcile`);
  }

  private object(field: string, v: unknown): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw this.corrupt(field, 'is not an object');
    return v as Json;
  }
}
