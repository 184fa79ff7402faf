import type { CpuResult } from './cpu-workload.js';
import type { DiskResult } from './disk-workload.js';
import type { MemoryResult } from './memory-workload.js';

/** A machine with exactly these figures scores SCORE_OF_REFERENCE (a 2-vCPU cloud VM of 2024). */
export const REFERENCE = { cpuOpsPerSec: 1_000_000, memoryGibPerSec: 10, diskMibPerSec: 1_000 } as const;
export const SCORE_OF_REFERENCE = 1000;

// CPU dominates what renters run; disk (fsync) is the noisiest figure, so it weighs least.
const WEIGHTS = { cpu: 0.7, memory: 0.2, disk: 0.1 } as const;

/** One integer score: the weighted geometric mean of the figures relative to the reference machine. */
export function benchmarkScore(cpu: CpuResult, memory: MemoryResult, disk: DiskResult): number {
  const ratio =
    (cpu.opsPerSec / REFERENCE.cpuOpsPerSec) ** WEIGHTS.cpu *
    (memory.gibPerSec / REFERENCE.memoryGibPerSec) ** WEIGHTS.memory *
    (disk.mibPerSec / REFERENCE.diskMibPerSec) ** WEIGHTS.disk;
  return Math.max(1, Math.round(SCORE_OF_REFERENCE * ratio));
}
