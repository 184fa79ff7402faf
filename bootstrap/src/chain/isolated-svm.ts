import { applyLiteSvmHeapWorkaround } from './litesvm-heap-workaround.js';
import { SyncWorker } from './sync-worker.js';
import type { SyncOperations } from './sync-worker.js';

/**
 * Starts litesvm on a worker thread of its own, behind synchronous calls (sync-worker.ts):
 * `entry` is the worker module that owns litesvm and answers `Ops` (see siblingModule).
 *
 * Why a thread: litesvm 0.8.0's linux-x64 addon leaves the x87 FPU state of the thread
 * that ran an SBF program dirty (measured: the next floating-point `%` in JS returns NaN;
 * seeded fast-check and a pure-JS xorshift give different results right after a program
 * ran; V8's GC aborts with std::bad_alloc). CPU state is per thread, so running litesvm
 * on its own thread keeps the main thread, the RPC server and everything else in the
 * process exact. Nothing in the worker may rely on floating-point math after a program ran.
 */
export function startIsolatedSvm<Ops extends SyncOperations<Ops>>(entry: URL, data?: unknown): Promise<SyncWorker<Ops>> {
  applyLiteSvmHeapWorkaround();
  return SyncWorker.start<Ops>(entry, { name: 'the litesvm worker', data });
}
