/**
 * The numbers of every offer in an OfferBook, one typed array per field (slot = index), so a
 * query scans flat memory instead of chasing objects. Prices are float64 copies of the
 * bigint unit prices; the book falls back to exact bigint math when they could round.
 * Strings are interned ids; lists (plans, images, gpus) live in ListPools (start + count).
 *
 * A class with declared fields, not a dynamically built object: V8 turns objects that gain
 * many properties at runtime into slow dictionaries, which made every column access a lookup.
 */
export class OfferColumns {
  readonly kind: Uint8Array;
  readonly arch: Uint8Array;
  readonly country: Uint16Array;
  readonly labelId: Uint32Array;
  readonly cpuCores: Uint32Array;
  readonly memoryMiB: Uint32Array;
  readonly diskGiB: Uint32Array;
  readonly gpus: Uint32Array;
  readonly minSecs: Uint32Array;
  readonly maxSecs: Uint32Array;
  readonly benchScore: Uint32Array;
  readonly planStart: Uint32Array;
  readonly planCount: Uint8Array;
  readonly imageStart: Uint32Array;
  readonly imageCount: Uint8Array;
  readonly hasImagePrefix: Uint8Array;
  readonly gpuStart: Uint32Array;
  readonly gpuKinds: Uint8Array;
  readonly uptime: Float64Array;
  readonly expiresAt: Float64Array;
  readonly cpuPrice: Float64Array;
  readonly memoryPrice: Float64Array;
  readonly diskPrice: Float64Array;
  readonly gpuPrice: Float64Array;

  constructor(readonly capacity: number) {
    this.kind = new Uint8Array(capacity);
    this.arch = new Uint8Array(capacity);
    this.country = new Uint16Array(capacity);
    this.labelId = new Uint32Array(capacity);
    this.cpuCores = new Uint32Array(capacity);
    this.memoryMiB = new Uint32Array(capacity);
    this.diskGiB = new Uint32Array(capacity);
    this.gpus = new Uint32Array(capacity);
    this.minSecs = new Uint32Array(capacity);
    this.maxSecs = new Uint32Array(capacity);
    this.benchScore = new Uint32Array(capacity);
    this.planStart = new Uint32Array(capacity);
    this.planCount = new Uint8Array(capacity);
    this.imageStart = new Uint32Array(capacity);
    this.imageCount = new Uint8Array(capacity);
    this.hasImagePrefix = new Uint8Array(capacity);
    this.gpuStart = new Uint32Array(capacity);
    this.gpuKinds = new Uint8Array(capacity);
    this.uptime = new Float64Array(capacity);
    this.expiresAt = new Float64Array(capacity);
    this.cpuPrice = new Float64Array(capacity);
    this.memoryPrice = new Float64Array(capacity);
    this.diskPrice = new Float64Array(capacity);
    this.gpuPrice = new Float64Array(capacity);
  }

  /** A copy with room for `capacity` slots. */
  grown(capacity: number): OfferColumns {
    const next = new OfferColumns(capacity);
    const targets = next.arrays();
    this.arrays().forEach((array, i) => targets[i]!.set(array));
    return next;
  }

  moveSlot(from: number, to: number): void {
    for (const array of this.arrays()) array[to] = array[from]!;
  }

  private arrays(): (Uint8Array | Uint16Array | Uint32Array | Float64Array)[] {
    return [
      this.kind, this.arch, this.country, this.labelId, this.cpuCores, this.memoryMiB, this.diskGiB, this.gpus,
      this.minSecs, this.maxSecs, this.benchScore, this.planStart, this.planCount, this.imageStart, this.imageCount,
      this.hasImagePrefix, this.gpuStart, this.gpuKinds, this.uptime, this.expiresAt, this.cpuPrice, this.memoryPrice,
      this.diskPrice, this.gpuPrice,
    ];
  }
}

/** Two-letter country code as one number, for a cheap comparison in the scan. */
export function countryNumber(country: string): number {
  return (country.charCodeAt(0) << 8) | country.charCodeAt(1);
}
