import type { Quote } from '@decloud/sdk/quotes/index';
import type { ContainerSpec } from '../runtime/index.js';

export interface ContainerSettings {
  /** what the container runs until the renter execs into it */
  command: string[];
  pidsLimit: number;
}

/** The container a lease gets: the quoted image, the quoted resources as hard limits, labelled with lease, renter and host. */
export function containerSpecOf(lease: string, quote: Quote, settings: ContainerSettings): ContainerSpec {
  const { cpuCores, memoryMiB, diskGiB } = quote.resources;
  return {
    leaseId: lease,
    renter: quote.renter,
    host: quote.host,
    image: quote.image,
    cmd: [...settings.command],
    limits: { cpus: cpuCores, memoryMiB, pids: settings.pidsLimit, ...(diskGiB > 0 ? { diskGiB } : {}) },
  };
}
