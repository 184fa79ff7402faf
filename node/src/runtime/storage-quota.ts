/**
 * Whether the engine's storage driver can cap a container's writable layer (StorageOpt
 * size). overlay2 can only on xfs mounted with pquota; btrfs, zfs and devicemapper can.
 */
export interface StorageQuotaSupport {
  supported: boolean;
  reason: string;
}

export interface StorageDriverInfo {
  Driver?: string;
  DriverStatus?: Array<[string, string]>;
}

const QUOTA_DRIVERS = new Set(['btrfs', 'zfs', 'devicemapper', 'windowsfilter']);

export function storageQuotaSupport(info: StorageDriverInfo): StorageQuotaSupport {
  const driver = info.Driver ?? 'unknown';
  if (QUOTA_DRIVERS.has(driver)) return { supported: true, reason: `storage driver ${driver} supports size quotas` };
  const backing = info.DriverStatus?.find(([key]) => key === 'Backing Filesystem')?.[1] ?? 'unknown';
  if (driver === 'overlay2' && backing === 'xfs') return { supported: true, reason: 'overlay2 on xfs (needs the pquota mount option)' };
  return { supported: false, reason: `storage driver ${driver} on ${backing} cannot cap a container's disk (needs overlay2 on xfs with pquota, btrfs or zfs)` };
}

/** The engine's refusal of a size quota (e.g. overlay2 on xfs mounted without pquota). */
export function isStorageQuotaRefusal(err: unknown): boolean {
  return /storage-opt|storage opt/i.test(String((err as { message?: string } | null)?.message ?? ''));
}
