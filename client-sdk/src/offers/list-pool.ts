/**
 * Variable-length number lists of all slots in one flat Float64Array (a slot stores where its
 * list starts and how many records it has), so a query reads them without touching per-offer
 * objects. Replaced lists leave garbage behind; the owner rebuilds the pool when `wasteful`.
 */
export class ListPool {
  private buffer = new Float64Array(4096);
  private used = 0;
  private live = 0;

  /** @param stride numbers per record */
  constructor(readonly stride: number) {}

  get data(): Float64Array {
    return this.buffer;
  }

  /** Appends records (values.length must be a multiple of stride); returns the start index. */
  append(values: readonly number[]): number {
    if (this.used + values.length > this.buffer.length) {
      const grown = new Float64Array(Math.max(this.buffer.length * 2, this.used + values.length));
      grown.set(this.buffer.subarray(0, this.used));
      this.buffer = grown;
    }
    const start = this.used;
    this.buffer.set(values, start);
    this.used += values.length;
    this.live += values.length;
    return start;
  }

  /** Marks `records` records as garbage (their slot was replaced or removed). */
  release(records: number): void {
    this.live -= records * this.stride;
  }

  /** More than half of the pool is garbage (and it is not tiny). */
  get wasteful(): boolean {
    return this.used > 4096 && this.used > 2 * this.live;
  }
}
