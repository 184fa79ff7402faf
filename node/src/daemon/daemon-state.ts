/**
 * `<dataDir>/daemon.json`: written once the daemon runs, removed when it stops. It tells the
 * CLI where the running daemon answers (status, leases, metrics) and keeps a second daemon
 * off the same data folder.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomically } from '../config/index.js';
import { DaemonError } from './daemon-error.js';

export interface DaemonState {
  pid: number;
  peerId: string;
  host: string;
  multiaddrs: string[];
  /** http://127.0.0.1:port of the metrics server (/metrics, /health, /leases). */
  metricsUrl: string;
  /** unix ms */
  startedAt: number;
}

export function daemonStateFile(dataDir: string): string {
  return join(dataDir, 'daemon.json');
}

/** The state of the daemon running on `dataDir`, or undefined (none ever ran, or it died without cleaning up). */
export async function runningDaemon(dataDir: string): Promise<DaemonState | undefined> {
  let state: DaemonState;
  try {
    state = JSON.parse(await readFile(daemonStateFile(dataDir), 'utf8')) as DaemonState;
  } catch {
    return undefined;
  }
  return typeof state.pid === 'number' && alive(state.pid) ? state : undefined;
}

/** Throws DaemonError ALREADY_RUNNING when another live process runs a daemon on `dataDir`. */
export async function requireNoDaemon(dataDir: string): Promise<void> {
  const running = await runningDaemon(dataDir);
  if (running && running.pid !== process.pid) {
    throw new DaemonError('ALREADY_RUNNING', `a node already runs on ${dataDir} (pid ${running.pid}, peer ${running.peerId}): stop it first (kill -TERM ${running.pid}), or use another --data folder`);
  }
}

export async function writeDaemonState(dataDir: string, state: DaemonState): Promise<void> {
  await writeFileAtomically(daemonStateFile(dataDir), `${JSON.stringify(state, null, 2)}\n`);
}

export async function removeDaemonState(dataDir: string): Promise<void> {
  await rm(daemonStateFile(dataDir), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
