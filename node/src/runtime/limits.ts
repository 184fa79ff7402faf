import type { HostConfig } from 'dockerode';
import type { ResourceLimits } from './runtime.js';

const MIB = 1024 * 1024;

/** The HostConfig fields that enforce a lease's resource limits. */
export function limitsHostConfig(limits: ResourceLimits, storageQuota: boolean): HostConfig {
  const memory = limits.memoryMiB * MIB;
  const config: HostConfig = {
    NanoCpus: Math.round(limits.cpus * 1e9),
    Memory: memory,
    // Equal to Memory: no swap on top, so the memory limit is the whole limit.
    MemorySwap: memory,
    PidsLimit: limits.pids,
  };
  if (storageQuota && limits.diskGiB !== undefined) config.StorageOpt = { size: `${limits.diskGiB}G` };
  return config;
}

// Docker keeps a container's stdout/stderr on the host's disk: cap it so a chatty command
// cannot fill the host (30 MiB per container, the newest output kept).
export const LOG_CAP = { 'max-size': '10m', 'max-file': '3' } as const;

export function logCapHostConfig(): HostConfig {
  return { LogConfig: { Type: 'json-file', Config: { ...LOG_CAP } } };
}
