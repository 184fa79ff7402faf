import { mkdtemp, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { yieldUnlessAborted } from './abort.js';

/** Writes a fixed amount in 1 MiB chunks and fsyncs, in a temporary folder of the sold disk. */
export const DISK_WORKLOAD = { fileMiB: 32, rounds: 2 } as const;

export interface DiskResult {
  /** MiB written and synced per second in the fastest round. */
  mibPerSec: number;
}

export async function runDiskWorkload(dir: string, signal?: AbortSignal): Promise<DiskResult> {
  const tmp = await mkdtemp(join(dir, '.decloud-bench-'));
  try {
    let fastestMs = Infinity;
    for (let round = 0; round < DISK_WORKLOAD.rounds; round++) {
      fastestMs = Math.min(fastestMs, await writeAndSync(join(tmp, `round-${round}`), signal));
    }
    return { mibPerSec: DISK_WORKLOAD.fileMiB / (fastestMs / 1000) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function writeAndSync(path: string, signal: AbortSignal | undefined): Promise<number> {
  const chunk = Buffer.alloc(1024 * 1024, 0x5a);
  const file = await open(path, 'w');
  try {
    const started = performance.now();
    for (let i = 0; i < DISK_WORKLOAD.fileMiB; i++) {
      await yieldUnlessAborted(signal);
      await file.write(chunk);
    }
    await file.sync();
    return performance.now() - started;
  } finally {
    await file.close();
  }
}
