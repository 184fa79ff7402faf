import type { FreeCapacity, Quote } from '@decloud/sdk/quotes/types';
import type { SellableCapacity } from '../capacity/index.js';
import { isLive } from '../leases/index.js';
import type { LeaseRecord } from '../leases/index.js';

/** What the host can still give out: its sellable capacity minus the resources of its live leases (never below 0). */
export function freeCapacity(sellable: SellableCapacity, leases: LeaseRecord[]): FreeCapacity {
  const free: FreeCapacity = {
    cpuCores: sellable.cpuCores,
    memoryMiB: sellable.memoryMiB,
    diskGiB: sellable.diskGiB,
    gpus: sellable.gpus.reduce((sum, gpu) => sum + gpu.count, 0),
  };
  for (const lease of leases) {
    if (!isLive(lease.state)) continue;
    const taken = lease.quote.resources;
    free.cpuCores -= taken.cpuCores;
    free.memoryMiB -= taken.memoryMiB;
    free.diskGiB -= taken.diskGiB;
    free.gpus -= taken.gpus;
  }
  return {
    cpuCores: Math.max(free.cpuCores, 0), memoryMiB: Math.max(free.memoryMiB, 0), diskGiB: Math.max(free.diskGiB, 0), gpus: Math.max(free.gpus, 0),
  };
}

/**
 * What the lease manager asks before funding a lease: whether `quote`'s resources still fit
 * in what `live` leases leave of `sellable`; the first resource short, or undefined.
 */
export function capacityShortfall(sellable: SellableCapacity): (quote: Quote, live: LeaseRecord[]) => string | undefined {
  return (quote, live) => {
    const free = freeCapacity(sellable, live);
    for (const key of ['cpuCores', 'memoryMiB', 'diskGiB', 'gpus'] as const) {
      if (quote.resources[key] > free[key]) return `it needs ${key} ${quote.resources[key]}, ${free[key]} left free`;
    }
    return undefined;
  };
}
