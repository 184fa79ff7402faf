import bs58 from 'bs58';
import { invalidParams } from './rpc-error.js';
import { describe, integerParam } from './rpc-params.js';

/** getProgramAccounts / programSubscribe filters: `dataSize` and `memcmp` (base58 or base64 bytes), validator limits included. */
export type AccountFilter = { dataSize: number } | { memcmp: { offset: number; bytes: Uint8Array } };

const MAX_FILTERS = 4;
const MAX_MEMCMP_BYTES = 128;
const MAX_MEMCMP_BASE58_CHARS = 175;

export function readAccountFilters(value: unknown): AccountFilter[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidParams(`filters must be an array, got ${describe(value)}`);
  if (value.length > MAX_FILTERS) throw invalidParams(`Too many filters provided; max ${MAX_FILTERS}`);
  return value.map((filter, index) => readFilter(filter, `filters[${index}]`));
}

export function matchesFilters(data: Uint8Array, filters: readonly AccountFilter[]): boolean {
  return filters.every((filter) => {
    if ('dataSize' in filter) return data.length === filter.dataSize;
    const { offset, bytes } = filter.memcmp;
    if (offset + bytes.length > data.length) return false;
    return Buffer.from(data.buffer, data.byteOffset + offset, bytes.length).equals(bytes);
  });
}

function readFilter(filter: unknown, label: string): AccountFilter {
  if (typeof filter !== 'object' || filter === null) throw invalidParams(`${label} must be { dataSize } or { memcmp }, got ${describe(filter)}`);
  const record = filter as Record<string, unknown>;
  if ('dataSize' in record) return { dataSize: integerParam(record['dataSize'], `${label}.dataSize`) };
  const memcmp = record['memcmp'];
  if (typeof memcmp !== 'object' || memcmp === null) throw invalidParams(`${label} must be { dataSize } or { memcmp }, got ${describe(filter)}`);
  const { offset, bytes, encoding } = memcmp as Record<string, unknown>;
  return { memcmp: { offset: integerParam(offset, `${label}.memcmp.offset`), bytes: memcmpBytes(bytes, encoding ?? 'base58', label) } };
}

function memcmpBytes(bytes: unknown, encoding: unknown, label: string): Uint8Array {
  if (typeof bytes !== 'string') throw invalidParams(`${label}.memcmp.bytes must be a string, got ${describe(bytes)}`);
  let decoded: Uint8Array;
  if (encoding === 'base58') {
    if (bytes.length > MAX_MEMCMP_BASE58_CHARS) throw invalidParams(`${label}.memcmp.bytes is too long (max ${MAX_MEMCMP_BYTES} bytes)`);
    try {
      decoded = bs58.decode(bytes);
    } catch {
      throw invalidParams(`${label}.memcmp.bytes is not valid base58`);
    }
  } else if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(bytes) || bytes.length % 4 !== 0) throw invalidParams(`${label}.memcmp.bytes is not valid base64`);
    decoded = Buffer.from(bytes, 'base64');
  } else {
    throw invalidParams(`${label}.memcmp.encoding must be base58 or base64, got ${describe(encoding)}`);
  }
  if (decoded.length > MAX_MEMCMP_BYTES) throw invalidParams(`${label}.memcmp.bytes is too long (max ${MAX_MEMCMP_BYTES} bytes)`);
  return decoded;
}
