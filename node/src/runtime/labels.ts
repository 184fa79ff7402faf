import type { ContainerSpec } from './runtime.js';

/** Labels that mark a container as DeCloud's and tie it to its lease and renter. */
export const LABELS = {
  managed: 'decloud.managed',
  lease: 'decloud.lease',
  renter: 'decloud.renter',
  /** The operator public key of the node that made the container: nodes sharing an engine leave each other's alone. */
  host: 'decloud.host',
} as const;

export function containerName(leaseId: string): string {
  return `decloud-${leaseId}`;
}

export function leaseLabels(spec: Pick<ContainerSpec, 'leaseId' | 'renter' | 'host'>): Record<string, string> {
  return {
    [LABELS.managed]: '1', [LABELS.lease]: spec.leaseId, [LABELS.renter]: spec.renter, ...(spec.host === undefined ? {} : { [LABELS.host]: spec.host }),
  };
}

/** Docker's `label` filter for managed containers that carry every given label. */
export function labelFilter(labels: Record<string, string>): string[] {
  return [`${LABELS.managed}=1`, ...Object.entries(labels).map(([key, value]) => `${key}=${value}`)];
}
