import type { ContainerInspectInfo } from 'dockerode';
import type { ContainerState, ContainerStatus } from './runtime.js';

const STATUSES: readonly ContainerStatus[] = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'];

/** The lifecycle facts of an inspected container. */
export function containerStateOf(info: ContainerInspectInfo): ContainerState {
  const state = info.State;
  const finishedAt = dateOf(state.FinishedAt);
  return {
    status: statusOf(state.Status),
    running: state.Running,
    oomKilled: state.OOMKilled,
    exitCode: finishedAt ? state.ExitCode : null,
    startedAt: dateOf(state.StartedAt),
    finishedAt,
  };
}

export function statusOf(status: string): ContainerStatus {
  return (STATUSES as readonly string[]).includes(status) ? (status as ContainerStatus) : 'dead';
}

// Docker writes the zero time (0001-01-01T00:00:00Z) for "never".
function dateOf(text: string | undefined): Date | null {
  if (!text || text.startsWith('0001-')) return null;
  const date = new Date(text);
  return Number.isNaN(date.getTime()) ? null : date;
}
