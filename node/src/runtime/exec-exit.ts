import { setTimeout as sleep } from 'node:timers/promises';
import type { Exec } from 'dockerode';

// The engine marks an exec finished a moment after its output stream closes.
const POLL_MS = 10;
const MAX_WAIT_MS = 3000;

/** The exit code of an exec whose stream has closed; null when it still runs after MAX_WAIT_MS. */
export async function execExitCode(exec: Exec, signal?: AbortSignal): Promise<number | null> {
  const deadline = Date.now() + MAX_WAIT_MS;
  for (;;) {
    const info = await exec.inspect({ abortSignal: signal });
    if (!info.Running) return info.ExitCode;
    if (Date.now() > deadline) return null;
    await sleep(POLL_MS, undefined, { signal });
  }
}
