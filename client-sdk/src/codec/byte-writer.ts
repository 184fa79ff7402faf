const textEncoder = new TextEncoder();

/**
 * Appends fixed-width big-endian integers and length-prefixed byte strings to a growing
 * buffer. Message codecs write their fields in an explicit order with it, so one value has
 * exactly one encoding.
 */
export class ByteWriter {
  private buffer = new Uint8Array(512);
  private view = new DataView(this.buffer.buffer);
  private length = 0;

  u8(value: number): this {
    this.reserve(1).view.setUint8(this.length, value);
    this.length += 1;
    return this;
  }

  u16(value: number): this {
    this.reserve(2).view.setUint16(this.length, value);
    this.length += 2;
    return this;
  }

  u32(value: number): this {
    this.reserve(4).view.setUint32(this.length, value);
    this.length += 4;
    return this;
  }

  u64(value: bigint): this {
    this.reserve(8).view.setBigUint64(this.length, value);
    this.length += 8;
    return this;
  }

  /** A non-negative safe integer (unix milliseconds) as a u64. */
  u64Number(value: number): this {
    return this.u64(BigInt(value));
  }

  /** Raw bytes of a length both sides know (keys, hashes, nonces). */
  fixed(bytes: Uint8Array): this {
    this.reserve(bytes.length).buffer.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** UTF-8 text with a u16 byte-length prefix. */
  text(value: string): this {
    const bytes = textEncoder.encode(value);
    return this.u16(bytes.length).fixed(bytes);
  }

  /** A copy of what was written. */
  finish(): Uint8Array {
    return this.buffer.slice(0, this.length);
  }

  private reserve(extra: number): this {
    if (this.length + extra <= this.buffer.length) return this;
    let size = this.buffer.length * 2;
    while (size < this.length + extra) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
    this.view = new DataView(grown.buffer);
    return this;
  }
}
