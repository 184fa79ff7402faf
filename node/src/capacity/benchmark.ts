import { performance } from 'node:perf_hooks';
import type { Capacity } from './capacity.js';
import { runCpuWorkload } from './cpu-workload.js';
import type { CpuResult } from './cpu-workload.js';
import { runDiskWorkload } from './disk-workload.js';
import type { DiskResult } from './disk-workload.js';
import { runMemoryWorkload } from './memory-workload.js';
import type { MemoryResult } from './memory-workload.js';
import { benchmarkScore } from './score.js';
import { specHash } from './spec-hash.js';

export interface BenchmarkOptions {
  /** The measured machine; its disk path is where the disk workload writes. */
  capacity: Capacity;
  signal?: AbortSignal;
}

export interface BenchmarkResult {
  cpu: CpuResult;
  memory: MemoryResult;
  disk: DiskResult;
  /** Integer, higher is faster; 1000 is the reference machine. */
  score: number;
  /** sha256 over the canonical capacity + score tier: stable run to run on one machine. */
  specHash: string;
  durationMs: number;
}

/** The verification benchmark: fixed CPU, memory and disk workloads, about a second in all. */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkResult> {
  const started = performance.now();
  // One workload at a time: they would otherwise compete for the same cores.
  const cpu = await runCpuWorkload(options.signal);
  const memory = await runMemoryWorkload(options.signal);
  const disk = await runDiskWorkload(options.capacity.diskPath, options.signal);
  const score = benchmarkScore(cpu, memory, disk);
  return {
    cpu,
    memory,
    disk,
    score,
    specHash: specHash(options.capacity, score),
    durationMs: performance.now() - started,
  };
}
