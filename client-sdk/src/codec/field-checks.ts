/**
 * Range and shape checks for message fields, shared by the offer and quote codecs. Each
 * check names the field path and the allowed range, and throws the error its message type
 * uses (via `fail`), so a caller learns which field to fix.
 */
import { base58Decode } from '../identity/base58.js';

export const U32_MAX = 0xffff_ffff;
export const U64_MAX = 0xffff_ffff_ffff_ffffn;

const textEncoder = new TextEncoder();
/** Control characters, and lone UTF-16 surrogates (they cannot round-trip through UTF-8). */
const UNSAFE_TEXT = /[\p{Cc}\p{Cs}]/u;
/** Printable ASCII without spaces: addresses, image names, peer ids. */
const TOKEN = /^[\x21-\x7e]*$/;

export interface FieldChecks {
  integer(path: string, value: unknown, min: number, max: number): void;
  bigint(path: string, value: unknown, min: bigint, max: bigint): void;
  /** Human text (labels, names): no control characters, UTF-8 length within bounds. */
  text(path: string, value: unknown, minBytes: number, maxBytes: number): void;
  /** Machine token (printable ASCII, no spaces), length within bounds. */
  token(path: string, value: unknown, minLength: number, maxLength: number): void;
  bytes(path: string, value: unknown, length: number): void;
  /** A base58 Solana public key (32 bytes). */
  solanaAddress(path: string, value: unknown): void;
  list(path: string, value: unknown, min: number, max: number): asserts value is unknown[];
  object(path: string, value: unknown): asserts value is object;
  oneOf<T>(path: string, value: unknown, allowed: readonly T[]): void;
  fail(path: string, problem: string): never;
}

export function fieldChecks(makeError: (message: string) => Error): FieldChecks {
  const fail = (path: string, problem: string): never => {
    throw makeError(`${path} ${problem}`);
  };
  return {
    fail,
    integer(path, value, min, max) {
      if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
        fail(path, `must be an integer in ${min}..${max}, got ${describe(value)}`);
      }
    },
    bigint(path, value, min, max) {
      if (typeof value !== 'bigint' || value < min || value > max) {
        fail(path, `must be a bigint in ${min}..${max}, got ${describe(value)}`);
      }
    },
    text(path, value, minBytes, maxBytes) {
      if (typeof value !== 'string') return fail(path, `must be a string, got ${describe(value)}`);
      if (UNSAFE_TEXT.test(value)) fail(path, 'must not contain control characters or lone surrogates');
      const size = textEncoder.encode(value).length;
      if (size < minBytes || size > maxBytes) fail(path, `must be ${minBytes}..${maxBytes} UTF-8 bytes, got ${size}`);
    },
    token(path, value, minLength, maxLength) {
      if (typeof value !== 'string') return fail(path, `must be a string, got ${describe(value)}`);
      if (!TOKEN.test(value)) fail(path, `must be printable ASCII without spaces, got ${JSON.stringify(value)}`);
      if (value.length < minLength || value.length > maxLength) {
        fail(path, `must be ${minLength}..${maxLength} characters, got ${value.length}`);
      }
    },
    bytes(path, value, length) {
      if (!(value instanceof Uint8Array) || value.length !== length) {
        fail(path, `must be ${length} bytes, got ${value instanceof Uint8Array ? value.length : describe(value)}`);
      }
    },
    solanaAddress(path, value) {
      let length = -1;
      try {
        if (typeof value === 'string' && value.length <= 44) length = base58Decode(value).length;
      } catch {
        // not base58: reported below
      }
      if (length !== 32) fail(path, `must be a base58 Solana public key (32 bytes), got ${describe(value)}`);
    },
    list(path, value, min, max): asserts value is unknown[] {
      if (!Array.isArray(value)) return fail(path, `must be an array, got ${describe(value)}`);
      if (value.length < min || value.length > max) fail(path, `must have ${min}..${max} entries, got ${value.length}`);
    },
    object(path, value): asserts value is object {
      if (typeof value !== 'object' || value === null) fail(path, `must be an object, got ${describe(value)}`);
    },
    oneOf(path, value, allowed) {
      if (!allowed.includes(value as never)) {
        fail(path, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(value)}`);
      }
    },
  };
}

function describe(value: unknown): string {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  return value === null ? 'null' : typeof value === 'object' ? typeof value : String(value);
}
