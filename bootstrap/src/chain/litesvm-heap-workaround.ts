import { setFlagsFromString } from 'node:v8';

/**
 * Once an SBF program has run, litesvm 0.8.0's linux-x64 addon leaves its thread's FPU
 * state dirty, and V8's allocation-site pretenuring step then aborts a young-generation GC
 * of that thread with `std::bad_alloc` (LiteSVM issue #171, PR #352; the stricter-ABI
 * feature proposed there makes programs that take accounts fail with "Invalid memory
 * region" in this version). litesvm runs on a worker thread of its own (isolated-svm.ts);
 * turning pretenuring off keeps that thread's GC alive (measured: 2,000 program runs under
 * heap churn, identical compute units each time). V8 flags are per process; set before the
 * worker starts.
 */
let applied = false;

export function applyLiteSvmHeapWorkaround(): void {
  if (applied) return;
  setFlagsFromString('--no-allocation-site-pretenuring');
  applied = true;
}
