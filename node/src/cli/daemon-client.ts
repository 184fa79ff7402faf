/** Reads the running daemon's local endpoint (its lease store is locked while it runs). */
import type { DaemonState } from '../daemon/daemon-state.js';
import type { HostNodeStatus } from '../daemon/host-node.js';

const TIMEOUT_MS = 5000;

/** /health as JSON carries bigints as strings. */
export type HealthJson = Omit<HostNodeStatus, 'offer'> & { offer: { seq: string; expiresAt: number; published: number } | null };

export class DaemonUnreachableError extends Error {
  override readonly name = 'DaemonUnreachableError';
  readonly code = 'DAEMON_UNREACHABLE';
}

export async function fromDaemon<T>(state: DaemonState, path: '/health' | '/leases'): Promise<T> {
  const url = `${state.metricsUrl}${path}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new DaemonUnreachableError(`DAEMON_UNREACHABLE: the node (pid ${state.pid}) does not answer at ${url} (${(err as Error).message}): is it starting or hung? see its node.log`, { cause: err });
  }
  if (!response.ok) throw new DaemonUnreachableError(`DAEMON_UNREACHABLE: ${url} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}
