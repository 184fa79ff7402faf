import { setImmediate as nextTurn } from 'node:timers/promises';
import { CapacityError } from './errors.js';

/** Yields to the event loop (a benchmark must not starve the node's network) and stops when aborted. */
export async function yieldUnlessAborted(signal: AbortSignal | undefined): Promise<void> {
  await nextTurn();
  if (signal?.aborted) throw new CapacityError('BENCHMARK_ABORTED', 'the benchmark was aborted before it finished: run it again', { cause: signal.reason });
}
