import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { yieldUnlessAborted } from './abort.js';

/** A sha256 chain over a fixed seed: the same work on every machine, with a checkable end digest. */
export const CPU_WORKLOAD = { seed: 'decloud-benchmark/1', slices: 24, iterationsPerSlice: 20_000 } as const;

export interface CpuResult {
  /** sha256 operations per second in the fastest slice. */
  opsPerSec: number;
  /** hex digest at the end of the chain: equal on every machine that did the full work. */
  digest: string;
}

export async function runCpuWorkload(signal?: AbortSignal): Promise<CpuResult> {
  let state = createHash('sha256').update(CPU_WORKLOAD.seed).digest();
  let fastestMs = Infinity;
  for (let slice = 0; slice < CPU_WORKLOAD.slices; slice++) {
    await yieldUnlessAborted(signal);
    const started = performance.now();
    for (let i = 0; i < CPU_WORKLOAD.iterationsPerSlice; i++) state = createHash('sha256').update(state).digest();
    // Other processes only ever slow a slice down: the fastest one is the machine's own speed.
    fastestMs = Math.min(fastestMs, performance.now() - started);
  }
  return { opsPerSec: (CPU_WORKLOAD.iterationsPerSlice / fastestMs) * 1000, digest: state.toString('hex') };
}
