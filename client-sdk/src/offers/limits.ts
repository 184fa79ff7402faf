import { fieldChecks, U32_MAX, U64_MAX } from '../codec/field-checks.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { isCountryCode } from './countries.js';
import { OfferError } from './errors.js';
import { CPU_ARCHS, OFFER_KINDS, OFFER_VERSION } from './types.js';
import type { Offer } from './types.js';

/**
 * Bounds of an offer. They keep one offer small (gossip, DHT records, an offer book of
 * 100,000 hosts in memory) and every number inside the range its codec field can hold.
 * The size cap applies to the whole signed message, so not every field can be at its
 * maximum at once (e.g. 64 images of 128 characters do not fit).
 */
export const OFFER_LIMITS = {
  maxSignedBytes: 4096,
  maxAddrs: 16,
  maxAddrLength: 256,
  maxPeerIdLength: 128,
  maxCpuCores: 1024,
  maxCpuModelBytes: 128,
  maxGpuKinds: 16,
  maxGpuModelBytes: 64,
  maxGpusPerKind: 64,
  maxRegionLabelBytes: 64,
  maxPlans: 16,
  maxPlanNameBytes: 32,
  maxPlanGpus: 64,
  minImages: 1,
  maxImages: 64,
  maxImageLength: 128,
  /** Longest validity of one signed offer: hosts re-sign well before it runs out. */
  maxTtlMs: 24 * 60 * 60 * 1000,
  /** How far in the future `issuedAt` may lie, for clock differences between peers. */
  maxClockSkewMs: 60 * 1000,
} as const;

const check: FieldChecks = fieldChecks((message) => new OfferError('OUT_OF_RANGE', message));

/** Throws OfferError (OUT_OF_RANGE, or BAD_VERSION) naming the first field outside its bounds. */
export function checkOffer(offer: Offer): void {
  const L = OFFER_LIMITS;
  check.object('offer', offer);
  if (offer.version !== OFFER_VERSION) {
    throw new OfferError('BAD_VERSION', `offer.version must be ${OFFER_VERSION}, got ${String(offer.version)}`);
  }
  check.oneOf('offer.kind', offer.kind, OFFER_KINDS);
  check.solanaAddress('offer.host', offer.host);
  check.token('offer.peerId', offer.peerId, 1, L.maxPeerIdLength);
  check.list('offer.addrs', offer.addrs, 0, L.maxAddrs);
  offer.addrs.forEach((addr, i) => {
    check.token(`offer.addrs[${i}]`, addr, 2, L.maxAddrLength);
    if (!addr.startsWith('/')) check.fail(`offer.addrs[${i}]`, `must be a multiaddr starting with "/", got ${JSON.stringify(addr)}`);
  });

  const r = offer.resources;
  check.object('offer.resources', r);
  // Resources are what the host has free now: 0 when it is fully booked.
  check.integer('offer.resources.cpuCores', r.cpuCores, 0, L.maxCpuCores);
  check.text('offer.resources.cpuModel', r.cpuModel, 0, L.maxCpuModelBytes);
  check.integer('offer.resources.benchScore', r.benchScore, 0, U32_MAX);
  check.integer('offer.resources.memoryMiB', r.memoryMiB, 0, U32_MAX);
  check.integer('offer.resources.diskGiB', r.diskGiB, 0, U32_MAX);
  check.list('offer.resources.gpus', r.gpus, 0, L.maxGpuKinds);
  r.gpus.forEach((gpu, i) => {
    check.object(`offer.resources.gpus[${i}]`, gpu);
    check.text(`offer.resources.gpus[${i}].model`, gpu.model, 1, L.maxGpuModelBytes);
    check.integer(`offer.resources.gpus[${i}].memoryMiB`, gpu.memoryMiB, 0, U32_MAX);
    check.integer(`offer.resources.gpus[${i}].count`, gpu.count, 1, L.maxGpusPerKind);
  });
  check.oneOf('offer.resources.arch', r.arch, CPU_ARCHS);

  check.object('offer.region', offer.region);
  if (typeof offer.region.country !== 'string' || !isCountryCode(offer.region.country)) {
    check.fail('offer.region.country', `must be an ISO 3166-1 alpha-2 code in upper case (e.g. "DE", "GB"), got ${JSON.stringify(offer.region.country)}`);
  }
  check.text('offer.region.label', offer.region.label, 0, L.maxRegionLabelBytes);

  check.object('offer.price', offer.price);
  const unit = offer.price.lamportsPerHour;
  check.object('offer.price.lamportsPerHour', unit);
  for (const key of ['cpuCore', 'memoryGiB', 'diskGiB', 'gpu'] as const) {
    check.bigint(`offer.price.lamportsPerHour.${key}`, unit[key], 0n, U64_MAX);
  }
  check.list('offer.price.plans', offer.price.plans, 0, L.maxPlans);
  offer.price.plans.forEach((plan, i) => {
    const at = `offer.price.plans[${i}]`;
    check.object(at, plan);
    check.text(`${at}.name`, plan.name, 1, L.maxPlanNameBytes);
    check.integer(`${at}.cpuCores`, plan.cpuCores, 1, L.maxCpuCores);
    check.integer(`${at}.memoryMiB`, plan.memoryMiB, 1, U32_MAX);
    check.integer(`${at}.diskGiB`, plan.diskGiB, 0, U32_MAX);
    check.integer(`${at}.gpus`, plan.gpus, 0, L.maxPlanGpus);
    check.bigint(`${at}.lamportsPerHour`, plan.lamportsPerHour, 0n, U64_MAX);
  });

  check.object('offer.duration', offer.duration);
  check.integer('offer.duration.minSecs', offer.duration.minSecs, 1, U32_MAX);
  check.integer('offer.duration.maxSecs', offer.duration.maxSecs, offer.duration.minSecs, U32_MAX);

  check.list('offer.images', offer.images, L.minImages, L.maxImages);
  offer.images.forEach((image, i) => {
    check.token(`offer.images[${i}]`, image, 1, L.maxImageLength);
    const star = image.indexOf('*');
    if (star !== -1 && star !== image.length - 1) {
      check.fail(`offer.images[${i}]`, `may hold "*" only as its last character (a prefix), got ${JSON.stringify(image)}`);
    }
  });

  check.bigint('offer.stake', offer.stake, 0n, U64_MAX);
  check.bigint('offer.seq', offer.seq, 0n, U64_MAX);
  check.integer('offer.issuedAt', offer.issuedAt, 0, Number.MAX_SAFE_INTEGER - L.maxTtlMs);
  check.integer('offer.expiresAt', offer.expiresAt, offer.issuedAt + 1, offer.issuedAt + L.maxTtlMs);
}
