/**
 * What an offer costs. Unit prices are per hour: per CPU core, per GiB of memory (charged
 * per started MiB, rounded up), per GiB of disk and per GPU. A plan is a bundle at a fixed
 * price: a request that fits inside a plan never costs more than that plan.
 */
import { fieldChecks, U32_MAX } from '../codec/field-checks.js';
import type { FieldChecks } from '../codec/field-checks.js';
import { OfferError } from './errors.js';
import type { Offer, OfferPlan, OfferPrice, ResourceRequest, UnitPrices } from './types.js';

const MIB_PER_GIB = 1024n;

const check: FieldChecks = fieldChecks((message) => new OfferError('OUT_OF_RANGE', message));

export function checkResourceRequest(request: ResourceRequest, path = 'request'): void {
  check.object(path, request);
  check.integer(`${path}.cpuCores`, request.cpuCores, 0, U32_MAX);
  check.integer(`${path}.memoryMiB`, request.memoryMiB, 0, U32_MAX);
  check.integer(`${path}.diskGiB`, request.diskGiB, 0, U32_MAX);
  check.integer(`${path}.gpus`, request.gpus, 0, U32_MAX);
}

/** Lamports per hour of `request` at unit prices alone. */
export function unitPriceOf(unit: UnitPrices, request: ResourceRequest): bigint {
  const memory = (unit.memoryGiB * BigInt(request.memoryMiB) + MIB_PER_GIB - 1n) / MIB_PER_GIB;
  return unit.cpuCore * BigInt(request.cpuCores) + memory + unit.diskGiB * BigInt(request.diskGiB) + unit.gpu * BigInt(request.gpus);
}

function planCovers(plan: OfferPlan, request: ResourceRequest): boolean {
  return plan.cpuCores >= request.cpuCores && plan.memoryMiB >= request.memoryMiB && plan.diskGiB >= request.diskGiB && plan.gpus >= request.gpus;
}

/** Lamports per hour the offer's host charges for `request`: unit prices, capped by the cheapest plan that covers it. */
export function priceOf(offer: Offer, request: ResourceRequest): bigint {
  checkResourceRequest(request);
  let best = unitPriceOf(offer.price.lamportsPerHour, request);
  for (const plan of offer.price.plans) {
    if (plan.lamportsPerHour < best && planCovers(plan, request)) best = plan.lamportsPerHour;
  }
  return best;
}

export interface PricedPlan extends OfferPlan {
  /** What the plan's resources would cost at unit prices: the plan's discount is the difference. */
  unitLamportsPerHour: bigint;
}

/** The plans of a price, cheapest first (then by name), each with its unit-price equivalent, for listings. */
export function offerPlans(price: OfferPrice): PricedPlan[] {
  return price.plans
    .map((plan) => ({ ...plan, unitLamportsPerHour: unitPriceOf(price.lamportsPerHour, plan) }))
    .sort((a, b) => (a.lamportsPerHour < b.lamportsPerHour ? -1 : a.lamportsPerHour > b.lamportsPerHour ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
