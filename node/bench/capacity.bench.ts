/**
 * The verification benchmark, run several times: duration, figures, score and whether the
 * spec hash stays the same from run to run. Prints a table; `benchCapacity()` returns the summary.
 *
 *   npx tsx node/bench/capacity.bench.ts [runs=7]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { measureCapacity, runBenchmark } from '../src/capacity/index.js';

export interface CapacityBenchSummary {
  runs: number;
  medianDurationMs: number;
  medianScore: number;
  minScore: number;
  maxScore: number;
  distinctSpecHashes: number;
  measureCapacityMs: number;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

export async function benchCapacity(runs = 7): Promise<CapacityBenchSummary> {
  const dataPath = await mkdtemp(join(tmpdir(), 'decloud-capacity-bench-'));
  try {
    const measureStarted = performance.now();
    const capacity = await measureCapacity({ dataPath });
    const measureCapacityMs = performance.now() - measureStarted;
    console.log(`${capacity.cpuCores} x ${capacity.cpuModel}, ${capacity.memoryMiB} MiB, disk ${capacity.diskFreeGiB}/${capacity.diskTotalGiB} GiB, ${capacity.gpus.length} GPU models, ${capacity.arch}`);
    console.log('run  ms     cpu ops/s  mem GiB/s  disk MiB/s  score  spec hash');
    const results = [];
    for (let run = 0; run < runs; run++) {
      const r = await runBenchmark({ capacity });
      results.push(r);
      console.log(
        `${String(run + 1).padEnd(4)} ${r.durationMs.toFixed(0).padEnd(6)} ${r.cpu.opsPerSec.toFixed(0).padEnd(10)} ${r.memory.gibPerSec.toFixed(2).padEnd(10)} ${r.disk.mibPerSec.toFixed(0).padEnd(11)} ${String(r.score).padEnd(6)} ${r.specHash.slice(0, 16)}`,
      );
    }
    const scores = results.map((r) => r.score);
    return {
      runs,
      medianDurationMs: median(results.map((r) => r.durationMs)),
      medianScore: median(scores),
      minScore: Math.min(...scores),
      maxScore: Math.max(...scores),
      distinctSpecHashes: new Set(results.map((r) => r.specHash)).size,
      measureCapacityMs,
    };
  } finally {
    await rm(dataPath, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await benchCapacity(Number(process.argv[2] ?? 7)));
}
