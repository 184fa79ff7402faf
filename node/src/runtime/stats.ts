import type { ContainerStats as DockerStats } from 'dockerode';
import type { ContainerStats } from './runtime.js';

/**
 * Usage figures from one Docker stats sample (stream: false, which carries the previous
 * sample in precpu_stats). Memory excludes the reclaimable page cache, as `docker stats` does.
 */
export function statsOf(raw: DockerStats): ContainerStats {
  return {
    cpuPercent: cpuPercentOf(raw),
    memoryBytes: memoryUsedOf(raw),
    memoryLimit: raw.memory_stats?.limit ?? 0,
    netRx: sumNetworks(raw, 'rx_bytes'),
    netTx: sumNetworks(raw, 'tx_bytes'),
    pids: raw.pids_stats?.current ?? 0,
  };
}

function cpuPercentOf(raw: DockerStats): number {
  const cpu = raw.cpu_stats;
  const pre = raw.precpu_stats;
  if (!cpu?.cpu_usage || !pre?.cpu_usage) return 0;
  const cpuDelta = cpu.cpu_usage.total_usage - pre.cpu_usage.total_usage;
  const systemDelta = (cpu.system_cpu_usage ?? 0) - (pre.system_cpu_usage ?? 0);
  const cpus = cpu.online_cpus || cpu.cpu_usage.percpu_usage?.length || 1;
  return cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0;
}

function memoryUsedOf(raw: DockerStats): number {
  const usage = raw.memory_stats?.usage ?? 0;
  const stats = (raw.memory_stats?.stats ?? {}) as Record<string, number | undefined>;
  // cgroup v1 reports total_inactive_file, v2 inactive_file.
  const cache = stats.total_inactive_file ?? stats.inactive_file ?? 0;
  return Math.max(usage - cache, 0);
}

function sumNetworks(raw: DockerStats, field: 'rx_bytes' | 'tx_bytes'): number {
  return Object.values(raw.networks ?? {}).reduce((sum, net) => sum + (net[field] ?? 0), 0);
}
