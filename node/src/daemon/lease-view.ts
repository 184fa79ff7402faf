import type { LeaseRecord } from '../leases/index.js';

/** A lease record as the CLI shows it and the daemon serves it on /leases (plain JSON). */
export interface LeaseView {
  lease: string;
  state: string;
  renter: string;
  image: string;
  cpuCores: number;
  memoryMiB: number;
  diskGiB: number;
  lamportsPerSecond: string;
  deposit: string;
  /** unix seconds */
  maxEnd: string;
  container?: string;
  reason?: string;
  /** unix ms */
  updatedAt: number;
}

export function leaseView(record: LeaseRecord): LeaseView {
  const { quote } = record;
  return {
    lease: record.lease,
    state: record.state,
    renter: quote.renter,
    image: quote.image,
    cpuCores: quote.resources.cpuCores,
    memoryMiB: quote.resources.memoryMiB,
    diskGiB: quote.resources.diskGiB,
    lamportsPerSecond: quote.lamportsPerSecond.toString(),
    deposit: quote.deposit.toString(),
    maxEnd: record.maxEnd.toString(),
    ...(record.container ? { container: record.container.name } : {}),
    ...(record.reason !== undefined ? { reason: record.reason } : {}),
    updatedAt: record.updatedAt,
  };
}
