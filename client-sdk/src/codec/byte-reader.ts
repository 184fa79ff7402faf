import { CodecError } from './codec-error.js';

const textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Reads what ByteWriter wrote, in the same order; every read is bounds-checked. */
export class ByteReader {
  private readonly view: DataView;
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  u8(): number {
    return this.view.getUint8(this.take(1));
  }

  u16(): number {
    return this.view.getUint16(this.take(2));
  }

  u32(): number {
    return this.view.getUint32(this.take(4));
  }

  u64(): bigint {
    return this.view.getBigUint64(this.take(8));
  }

  /** A u64 that must fit a safe JavaScript integer (unix milliseconds). */
  u64Number(): number {
    const at = this.offset;
    const value = this.u64();
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new CodecError(`integer ${value} exceeds 2^53-1`, at);
    return Number(value);
  }

  /** A copy of the next `length` bytes. */
  fixed(length: number): Uint8Array {
    const start = this.take(length);
    return this.bytes.slice(start, start + length);
  }

  /** UTF-8 text with a u16 byte-length prefix; invalid UTF-8 is an error. */
  text(): string {
    const length = this.u16();
    const start = this.take(length);
    try {
      return textDecoder.decode(this.bytes.subarray(start, start + length));
    } catch {
      throw new CodecError('text is not valid UTF-8', start);
    }
  }

  /** Maps a tag byte to one of `values` (tag = index). */
  oneOf<T>(values: readonly T[], what: string): T {
    const at = this.offset;
    const tag = this.u8();
    const value = values[tag];
    if (value === undefined) throw new CodecError(`unknown ${what} tag ${tag}`, at);
    return value;
  }

  /** Fails unless every byte was consumed: trailing bytes would make encodings non-unique. */
  end(): void {
    if (this.remaining !== 0) throw new CodecError(`${this.remaining} trailing bytes`, this.offset);
  }

  private take(length: number): number {
    if (this.remaining < length) {
      throw new CodecError(`truncated: needs ${length} more bytes, ${this.remaining} left`, this.offset);
    }
    const start = this.offset;
    this.offset += length;
    return start;
  }
}
