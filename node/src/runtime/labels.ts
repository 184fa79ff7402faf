import type { ContainerSpec } from './runtime.js';

/** Labels that mark a container as DeCloud's and tie it to its lease and renter. */
export const LABELS = {
  managed: 'decloud.managed',
  lease: 'decloud.lease',
  renter: 'decloud.renter',
} as const;

export function containerName(leaseId: string): string {
  return `decloud-${leaseId}`;
}

export function leaseLabels(spec: Pick<ContainerSpec, 'leaseId' | 'renter'>): Record<string, string> {
  return { [LABELS.managed]: '1', [LABELS.lease]: spec.leaseId, [LABELS.renter]: spec.renter };
}

/** Docker's `label` filter for managed containers that carry every given label. */
export function labelFilter(labels: Record<string, string>): string[] {
  return [`${LABELS.managed}=1`, ...Object.entries(labels).map(([key, value]) => `${key}=${value}`)];
}
