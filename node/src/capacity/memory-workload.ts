import { performance } from 'node:perf_hooks';
import { yieldUnlessAborted } from './abort.js';

/** Copies a fixed buffer several times: large enough to leave every CPU cache. */
export const MEMORY_WORKLOAD = { bufferMiB: 64, copies: 12 } as const;

export interface MemoryResult {
  /** GiB copied per second in the fastest copy. */
  gibPerSec: number;
}

export async function runMemoryWorkload(signal?: AbortSignal): Promise<MemoryResult> {
  const bytes = MEMORY_WORKLOAD.bufferMiB * 1024 * 1024;
  const source = Buffer.alloc(bytes, 0xa5);
  const target = Buffer.allocUnsafe(bytes);
  let fastestMs = Infinity;
  for (let copy = 0; copy < MEMORY_WORKLOAD.copies; copy++) {
    await yieldUnlessAborted(signal);
    const started = performance.now();
    source.copy(target);
    fastestMs = Math.min(fastestMs, performance.now() - started);
  }
  return { gibPerSec: MEMORY_WORKLOAD.bufferMiB / 1024 / (fastestMs / 1000) };
}
