/**
 * The offers a renter knows, one per host (the newest), ready to filter and rank.
 *
 * Only pass offers that verifyOffer accepted. The book enforces replay protection: an offer
 * whose seq is not above the highest seq seen from its host is 'stale', also after the
 * host's offer was removed or pruned (the seq is remembered for one offer lifetime).
 *
 * Speed: a query is one pass over flat typed arrays (offer-columns.ts, list-pool.ts) with
 * the cheap numeric tests first, then top-k selection. It reads no per-offer objects (they
 * are scattered in memory: cache misses dominate at 100,000 offers) except for image
 * prefixes and ranking ties, and allocates little beyond the result.
 */
import { Interner } from './interner.js';
import { ListPool } from './list-pool.js';
import { countryNumber, OfferColumns } from './offer-columns.js';
import { checkOfferFilter, requestOfFilter } from './offer-filter.js';
import type { OfferFilter } from './offer-filter.js';
import { OFFER_LIMITS } from './limits.js';
import { priceOf } from './pricing.js';
import { CPU_ARCHS, OFFER_KINDS } from './types.js';
import type { Offer, ResourceRequest, SignedOffer } from './types.js';

export type AddResult = 'added' | 'replaced' | 'stale' | 'expired';

export const DEFAULT_QUERY_LIMIT = 100;

/** Below this a float64 price is an exact integer (every product inside stays under 2^53, see scan). */
const EXACT_PRICE_LIMIT = 2 ** 43;
/** Up to this limit top-k insertion beats sorting every match. */
const INSERTION_LIMIT = 256;
const INITIAL_CAPACITY = 1024;

interface OfferEntry {
  signed: SignedOffer;
  host: string;
  /** Image entries ending in '*', without the '*'. */
  imagePrefixes: string[];
}

interface SeqFloor {
  seq: bigint;
  seenAt: number;
}

export class OfferBook {
  private columns = new OfferColumns(INITIAL_CAPACITY);
  private entries: OfferEntry[] = [];
  private readonly slotOf = new Map<string, number>();
  private readonly seqFloors = new Map<string, SeqFloor>();
  private readonly uptimes = new Map<string, number>();
  /** Per plan: cpuCores, memoryMiB, diskGiB, gpus, lamportsPerHour (float64). */
  private plans = new ListPool(5);
  /** Per exact image name: its id in `imageNames`. */
  private images = new ListPool(1);
  /** Per gpu kind: model id in `gpuModels`, count. */
  private gpus = new ListPool(2);
  private labels = new Interner();
  private imageNames = new Interner();
  private gpuModels = new Interner();
  /** Scratch space reused by every query. */
  private matches = new Int32Array(INITIAL_CAPACITY);
  private prices = new Float64Array(INITIAL_CAPACITY);

  get size(): number {
    return this.entries.length;
  }

  add(signed: SignedOffer, now = Date.now()): AddResult {
    const result = this.wouldAdd(signed.offer, now);
    if (result === 'stale' || result === 'expired') return result;
    const { offer } = signed;
    this.seqFloors.set(offer.host, { seq: offer.seq, seenAt: now });
    const existing = this.slotOf.get(offer.host);
    if (existing !== undefined) this.releaseLists(existing);
    this.write(existing ?? this.newSlot(offer.host), signed);
    this.compactIfWasteful();
    return result;
  }

  /**
   * What add() would answer, changing nothing. Check it on the decoded offer (decodeSignedOffer)
   * before verifyOffer, so republished and replayed offers cost no signature check.
   */
  wouldAdd(offer: Offer, now = Date.now()): AddResult {
    if (offer.expiresAt <= now) return 'expired';
    const floor = this.seqFloors.get(offer.host);
    if (floor !== undefined && offer.seq <= floor.seq) return 'stale';
    return this.slotOf.has(offer.host) ? 'replaced' : 'added';
  }

  get(host: string): SignedOffer | undefined {
    const slot = this.slotOf.get(host);
    return slot === undefined ? undefined : this.entries[slot]!.signed;
  }

  /** Drops the host's offer; its seq stays remembered, so replays of it remain 'stale'. */
  remove(host: string): boolean {
    const slot = this.slotOf.get(host);
    if (slot === undefined) return false;
    this.removeSlot(slot);
    this.compactIfWasteful();
    return true;
  }

  /**
   * Drops expired offers, forgets seqs older than one offer lifetime and uptimes of hosts
   * it no longer knows; returns how many offers went. Call it periodically (e.g. each minute).
   */
  prune(now = Date.now()): number {
    let removed = 0;
    for (let slot = this.entries.length - 1; slot >= 0; slot--) {
      if (this.columns.expiresAt[slot]! <= now) {
        this.removeSlot(slot);
        removed++;
      }
    }
    // An older offer of an honest host expires at most one lifetime (+ clock skew) after we saw a newer one.
    const forgetBefore = now - OFFER_LIMITS.maxTtlMs - OFFER_LIMITS.maxClockSkewMs;
    for (const [host, floor] of this.seqFloors) {
      if (floor.seenAt < forgetBefore && !this.slotOf.has(host)) this.seqFloors.delete(host);
    }
    for (const host of this.uptimes.keys()) {
      if (!this.slotOf.has(host) && !this.seqFloors.has(host)) this.uptimes.delete(host);
    }
    this.compactIfWasteful();
    return removed;
  }

  /** Uptime ratio (0..1) from proofs or witnesses; ranks equally priced, equally fast hosts. */
  recordUptime(host: string, ratio: number): void {
    if (typeof ratio !== 'number' || !(ratio >= 0 && ratio <= 1)) {
      throw new RangeError(`uptime ratio of ${host} must be a number in 0..1, got ${String(ratio)}`);
    }
    this.uptimes.set(host, ratio);
    const slot = this.slotOf.get(host);
    if (slot !== undefined) this.columns.uptime[slot] = ratio;
  }

  /**
   * Live offers matching `filter`, best first: price for the requested resources ascending,
   * then benchScore descending, then uptime descending, then host key.
   */
  query(filter: OfferFilter, opts: { limit?: number; now?: number } = {}): SignedOffer[] {
    checkOfferFilter(filter);
    const limit = opts.limit ?? DEFAULT_QUERY_LIMIT;
    if (!(limit === Infinity || (Number.isSafeInteger(limit) && limit >= 0))) {
      throw new RangeError(`query limit must be an integer >= 0 or Infinity, got ${String(limit)}`);
    }
    const now = opts.now ?? Date.now();
    const request = requestOfFilter(filter);
    const count = this.scan(filter, request, now);
    if (limit === 0) return [];
    const ranked = limit <= INSERTION_LIMIT && count > limit ? this.topByInsertion(count, limit, request) : this.topBySort(count, limit, request);
    return ranked.map((slot) => this.entries[slot]!.signed);
  }

  /**
   * Fills `matches` with the slots that pass the filter (and `prices` with their price); returns
   * how many. Columns are read into locals once, so the loop touches only typed arrays.
   *
   * Prices are float64: unit prices, capped by covering plans. That is exact when the result
   * is below EXACT_PRICE_LIMIT (2^43): then every term is below 2^43, so every product inside
   * (at most 1024 x a term, for memory) stays below 2^53. Larger results use exactPrice.
   */
  private scan(filter: OfferFilter, request: ResourceRequest, now: number): number {
    const { expiresAt, kind: kinds, country: countries, arch: archs, labelId, cpuCores: cores, memoryMiB: memory, diskGiB: disk, gpus: gpuCounts } = this.columns;
    const { minSecs, maxSecs, cpuPrice, memoryPrice, diskPrice, gpuPrice, planStart, planCount, imageStart, imageCount, hasImagePrefix } = this.columns;
    const n = this.entries.length;
    const kind = filter.kind === undefined ? -1 : OFFER_KINDS.indexOf(filter.kind);
    const arch = filter.arch === undefined ? -1 : CPU_ARCHS.indexOf(filter.arch);
    const country = filter.country === undefined ? -1 : countryNumber(filter.country);
    const { cpuCores, memoryMiB, diskGiB, gpus } = request;
    const duration = filter.durationSecs ?? -1;
    const maxPrice = filter.maxLamportsPerHour;
    // Exact for comparisons with prices below 2^43, even when rounded itself.
    const maxPriceFloat = maxPrice === undefined ? Infinity : Number(maxPrice);
    const label = filter.regionLabel === undefined ? -1 : this.labels.find(filter.regionLabel.toLowerCase());
    if (filter.regionLabel !== undefined && label < 0) return 0;
    const image = filter.image;
    const imageId = image === undefined ? -1 : this.imageNames.find(image);
    const gpuModelMatches = filter.gpuModel === undefined ? undefined : this.matchingGpuModels(filter.gpuModel.toLowerCase());
    const gpusNeeded = Math.max(gpus, 1);
    const plans = this.plans.data;
    const imageIds = this.images.data;
    const matches = this.matches;
    const prices = this.prices;
    let count = 0;
    for (let slot = 0; slot < n; slot++) {
      if (expiresAt[slot]! <= now) continue;
      if (kind >= 0 && kinds[slot] !== kind) continue;
      if (country >= 0 && countries[slot] !== country) continue;
      if (arch >= 0 && archs[slot] !== arch) continue;
      if (label >= 0 && labelId[slot] !== label) continue;
      if (cores[slot]! < cpuCores || memory[slot]! < memoryMiB || disk[slot]! < diskGiB || gpuCounts[slot]! < gpus) continue;
      if (duration >= 0 && (duration < minSecs[slot]! || duration > maxSecs[slot]!)) continue;
      if (gpuModelMatches !== undefined && this.gpusOfModels(slot, gpuModelMatches) < gpusNeeded) continue;

      let price = cpuPrice[slot]! * cpuCores + Math.ceil((memoryPrice[slot]! * memoryMiB) / 1024) + diskPrice[slot]! * diskGiB + gpuPrice[slot]! * gpus;
      const end = planStart[slot]! + planCount[slot]! * 5;
      for (let p = planStart[slot]!; p < end; p += 5) {
        if (plans[p + 4]! < price && plans[p]! >= cpuCores && plans[p + 1]! >= memoryMiB && plans[p + 2]! >= diskGiB && plans[p + 3]! >= gpus) price = plans[p + 4]!;
      }
      if (maxPrice !== undefined && (price < EXACT_PRICE_LIMIT ? price > maxPriceFloat : this.exactPrice(slot, request) > maxPrice)) continue;

      if (image !== undefined) {
        let allowed = false;
        const last = imageStart[slot]! + imageCount[slot]!;
        for (let i = imageStart[slot]!; i < last && !allowed && imageId >= 0; i++) allowed = imageIds[i] === imageId;
        if (!allowed && hasImagePrefix[slot] === 1) allowed = this.entries[slot]!.imagePrefixes.some((prefix) => image.startsWith(prefix));
        if (!allowed) continue;
      }
      matches[count] = slot;
      prices[count] = price;
      count++;
    }
    return count;
  }

  private exactPrice(slot: number, request: ResourceRequest): bigint {
    return priceOf(this.entries[slot]!.signed.offer, request);
  }

  /** Which interned GPU model ids contain `modelLower` (computed once per query). */
  private matchingGpuModels(modelLower: string): Uint8Array {
    const matching = new Uint8Array(this.gpuModels.size);
    for (let id = 0; id < matching.length; id++) matching[id] = this.gpuModels.stringOf(id).includes(modelLower) ? 1 : 0;
    return matching;
  }

  private gpusOfModels(slot: number, modelMatches: Uint8Array): number {
    const data = this.gpus.data;
    const start = this.columns.gpuStart[slot]!;
    const end = start + this.columns.gpuKinds[slot]! * 2;
    let count = 0;
    for (let i = start; i < end; i += 2) if (modelMatches[data[i]!] === 1) count += data[i + 1]!;
    return count;
  }

  private compare(a: number, priceA: number, b: number, priceB: number, request: ResourceRequest): number {
    if (priceA !== priceB || priceA >= EXACT_PRICE_LIMIT) {
      if (priceA < EXACT_PRICE_LIMIT && priceB < EXACT_PRICE_LIMIT) return priceA - priceB;
      const exactA = this.exactPrice(a, request);
      const exactB = this.exactPrice(b, request);
      if (exactA !== exactB) return exactA < exactB ? -1 : 1;
    }
    const c = this.columns;
    if (c.benchScore[a] !== c.benchScore[b]) return c.benchScore[b]! - c.benchScore[a]!;
    if (c.uptime[a] !== c.uptime[b]) return c.uptime[b]! - c.uptime[a]!;
    const hostA = this.entries[a]!.host;
    const hostB = this.entries[b]!.host;
    return hostA < hostB ? -1 : hostA > hostB ? 1 : 0;
  }

  /** Keeps the best `limit` (>= 1) matches in a sorted buffer: one pass, most matches cost one compare. */
  private topByInsertion(count: number, limit: number, request: ResourceRequest): number[] {
    const top: number[] = [];
    const topPrices: number[] = [];
    for (let i = 0; i < count; i++) {
      const slot = this.matches[i]!;
      const price = this.prices[i]!;
      if (top.length === limit && this.compare(slot, price, top[limit - 1]!, topPrices[limit - 1]!, request) >= 0) continue;
      let lo = 0;
      let hi = top.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.compare(top[mid]!, topPrices[mid]!, slot, price, request) <= 0) lo = mid + 1;
        else hi = mid;
      }
      top.splice(lo, 0, slot);
      topPrices.splice(lo, 0, price);
      if (top.length > limit) {
        top.pop();
        topPrices.pop();
      }
    }
    return top;
  }

  private topBySort(count: number, limit: number, request: ResourceRequest): number[] {
    const order = Array.from({ length: count }, (_, i) => i);
    order.sort((i, j) => this.compare(this.matches[i]!, this.prices[i]!, this.matches[j]!, this.prices[j]!, request));
    return order.slice(0, Math.min(limit, count)).map((i) => this.matches[i]!);
  }

  private newSlot(host: string): number {
    const slot = this.entries.length;
    if (slot === this.matches.length) {
      const capacity = slot * 2;
      this.columns = this.columns.grown(capacity);
      this.matches = new Int32Array(capacity);
      this.prices = new Float64Array(capacity);
    }
    this.slotOf.set(host, slot);
    return slot;
  }

  private write(slot: number, signed: SignedOffer): void {
    const { offer } = signed;
    const r = offer.resources;
    const unit = offer.price.lamportsPerHour;
    const c = this.columns;
    c.kind[slot] = OFFER_KINDS.indexOf(offer.kind);
    c.arch[slot] = CPU_ARCHS.indexOf(r.arch);
    c.country[slot] = countryNumber(offer.region.country);
    c.labelId[slot] = this.labels.idOf(offer.region.label.toLowerCase());
    c.cpuCores[slot] = r.cpuCores;
    c.memoryMiB[slot] = r.memoryMiB;
    c.diskGiB[slot] = r.diskGiB;
    c.gpus[slot] = r.gpus.reduce((sum, gpu) => sum + gpu.count, 0);
    c.minSecs[slot] = offer.duration.minSecs;
    c.maxSecs[slot] = offer.duration.maxSecs;
    c.benchScore[slot] = r.benchScore;
    c.uptime[slot] = this.uptimes.get(offer.host) ?? 0;
    c.expiresAt[slot] = offer.expiresAt;
    c.cpuPrice[slot] = Number(unit.cpuCore);
    c.memoryPrice[slot] = Number(unit.memoryGiB);
    c.diskPrice[slot] = Number(unit.diskGiB);
    c.gpuPrice[slot] = Number(unit.gpu);
    const plans = offer.price.plans;
    c.planStart[slot] = this.plans.append(plans.flatMap((p) => [p.cpuCores, p.memoryMiB, p.diskGiB, p.gpus, Number(p.lamportsPerHour)]));
    c.planCount[slot] = plans.length;
    const exactImages = offer.images.filter((image) => !image.endsWith('*'));
    const imagePrefixes = offer.images.filter((image) => image.endsWith('*')).map((image) => image.slice(0, -1));
    c.imageStart[slot] = this.images.append(exactImages.map((image) => this.imageNames.idOf(image)));
    c.imageCount[slot] = exactImages.length;
    c.hasImagePrefix[slot] = imagePrefixes.length > 0 ? 1 : 0;
    c.gpuStart[slot] = this.gpus.append(r.gpus.flatMap((gpu) => [this.gpuModels.idOf(gpu.model.toLowerCase()), gpu.count]));
    c.gpuKinds[slot] = r.gpus.length;
    this.entries[slot] = { signed, host: offer.host, imagePrefixes };
  }

  private releaseLists(slot: number): void {
    this.plans.release(this.columns.planCount[slot]!);
    this.images.release(this.columns.imageCount[slot]!);
    this.gpus.release(this.columns.gpuKinds[slot]!);
  }

  /** Swap-remove: the last slot moves into the hole, so slots stay dense. */
  private removeSlot(slot: number): void {
    const last = this.entries.length - 1;
    this.releaseLists(slot);
    this.slotOf.delete(this.entries[slot]!.host);
    if (slot !== last) {
      this.columns.moveSlot(last, slot);
      const moved = this.entries[last]!;
      this.entries[slot] = moved;
      this.slotOf.set(moved.host, slot);
    }
    this.entries.pop();
  }

  /**
   * Replaced and removed offers leave garbage in the list pools and interned strings nobody
   * uses. Once that is more than the live data, rewrite every slot into fresh ones: O(n),
   * and at most once per n/2 changes, so memory stays bounded under any churn.
   */
  private compactIfWasteful(): void {
    const slack = 2 * this.entries.length + 1024;
    const wasteful =
      this.plans.wasteful || this.images.wasteful || this.gpus.wasteful ||
      this.labels.size > slack || this.imageNames.size > slack || this.gpuModels.size > slack;
    if (!wasteful) return;
    this.plans = new ListPool(5);
    this.images = new ListPool(1);
    this.gpus = new ListPool(2);
    this.labels = new Interner();
    this.imageNames = new Interner();
    this.gpuModels = new Interner();
    this.entries.forEach((entry, slot) => this.write(slot, entry.signed));
  }
}
