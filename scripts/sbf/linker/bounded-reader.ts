import { SbfLinkError, hex } from './errors.js';

/**
 * Little-endian reads that check every offset against the input, so a truncated or
 * corrupt object fails with MALFORMED_ELF instead of a RangeError deep in the linker.
 */
export class BoundedReader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  u8(offset: number, field: string): number {
    this.check(offset, 1, field);
    return this.view.getUint8(offset);
  }

  u16(offset: number, field: string): number {
    this.check(offset, 2, field);
    return this.view.getUint16(offset, true);
  }

  u32(offset: number, field: string): number {
    this.check(offset, 4, field);
    return this.view.getUint32(offset, true);
  }

  /** A 64-bit size or offset; anything past 2^53 cannot describe bytes of a real object. */
  u64(offset: number, field: string): number {
    this.check(offset, 8, field);
    const value = this.view.getBigUint64(offset, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new SbfLinkError('MALFORMED_ELF', `${field} at ${hex(offset)} is ${value}, far beyond any object size; the file is corrupt, rebuild it`);
    }
    return Number(value);
  }

  slice(offset: number, size: number, field: string): Uint8Array {
    this.check(offset, size, field);
    return this.bytes.subarray(offset, offset + size);
  }

  private check(offset: number, size: number, field: string): void {
    if (!Number.isSafeInteger(offset) || offset < 0 || size < 0 || offset + size > this.length) {
      throw new SbfLinkError(
        'MALFORMED_ELF',
        `${field} (${size} bytes at ${hex(offset)}) lies outside the ${this.length}-byte object; the file is truncated or corrupt, rebuild it`,
      );
    }
  }
}
