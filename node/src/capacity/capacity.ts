/** What the machine has, as measured (before the operator's reserve is taken off). */

export const CPU_ARCHS = ['x86_64', 'arm64'] as const;
export type CpuArch = (typeof CPU_ARCHS)[number];

/** One GPU model present `count` times (the shape offers publish). */
export interface Gpu {
  model: string;
  memoryMiB: number;
  count: number;
}

export interface Capacity {
  arch: CpuArch;
  /** Logical cores (what Docker's NanoCpus divides). */
  cpuCores: number;
  cpuModel: string;
  memoryMiB: number;
  /** The file system holding the node's data path. */
  diskPath: string;
  diskTotalGiB: number;
  diskFreeGiB: number;
  gpus: Gpu[];
}
