/**
 * What the node needs from a container backend. Docker implements it (docker-runtime.ts);
 * the cloud gateways (aws, gcp) implement the same interface. Every long call takes an
 * AbortSignal; every failure is a RuntimeError (errors.ts).
 */
import type { ContainerUsage } from '@decloud/sdk/access/types';

/** Resource limits of one container, as agreed in the lease. */
export interface ResourceLimits {
  /** Fractional cores (0.25 = a quarter of one core). */
  cpus: number;
  memoryMiB: number;
  /** Most processes (threads included) alive at once. */
  pids: number;
  /** Writable layer size; enforced only where the storage backend supports quotas. */
  diskGiB?: number;
}

export interface ContainerSpec {
  /** The lease this container serves: names and labels the container. */
  leaseId: string;
  /** The renter's public key (base58). */
  renter: string;
  /** The operator public key (base58) of the node serving the lease; labels the container so each node lists only its own. */
  host?: string;
  image: string;
  /** Command to run; the image's default when left out. */
  cmd?: string[];
  env?: Record<string, string>;
  workdir?: string;
  limits: ResourceLimits;
}

/** Plain data (storable as is) that names one container of this runtime. */
export interface ContainerHandle {
  id: string;
  name: string;
  leaseId: string;
  renter: string;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerState {
  status: ContainerStatus;
  running: boolean;
  oomKilled: boolean;
  /** null until the container has exited at least once. */
  exitCode: number | null;
  startedAt: Date | null;
  finishedAt: Date | null;
}

export interface ListedContainer {
  handle: ContainerHandle;
  status: ContainerStatus;
}

export interface Signalled {
  signal?: AbortSignal;
}

export interface ExecOptions extends Signalled {
  tty?: false;
  env?: Record<string, string>;
  workdir?: string;
  /** Input for the command; its stdin is closed after it. */
  stdin?: string | Uint8Array;
  /** Output beyond this many bytes per stream is dropped and `truncated` set. Default 4 MiB. */
  maxOutputBytes?: number;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  truncated: boolean;
}

export interface TerminalSize {
  cols: number;
  rows: number;
}

/** exec with `tty: true`: the command gets a pseudo-terminal and the call returns an InteractiveSession. */
export interface TtyExecOptions extends Signalled {
  tty: true;
  env?: Record<string, string>;
  workdir?: string;
  /** Initial terminal size. */
  size?: TerminalSize;
}

/** A command attached to a pseudo-terminal (an interactive shell). */
export interface InteractiveSession {
  write(data: string | Uint8Array): void;
  resize(size: TerminalSize): Promise<void>;
  /** Terminal output; output produced before the first listener is kept for it. Returns an unsubscribe function. */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** Settles when the command ends; exitCode is null when the connection closed while it still ran. */
  readonly exit: Promise<{ exitCode: number | null }>;
  /** Hangs up the terminal. */
  close(): void;
}

/** Aborting the signal ends the iterable quietly (no error), as the end of a followed container does. */
export interface LogOptions extends Signalled {
  /** Keep the iterable open for new output until the signal aborts or the container stops. */
  follow?: boolean;
  /** Only output written at or after this time (millisecond precision). */
  since?: Date;
  /** Only the last n lines of the existing output. */
  tail?: number;
}

export interface LogChunk {
  stream: 'stdout' | 'stderr';
  text: string;
}

/** A container's usage: the part of LeaseStats the engine reports. */
export type ContainerStats = ContainerUsage;

export interface StopOptions extends Signalled {
  /** Seconds between SIGTERM and SIGKILL. Default 10. */
  graceSeconds?: number;
}

export interface Runtime {
  create(spec: ContainerSpec, options?: Signalled): Promise<ContainerHandle>;
  start(handle: ContainerHandle, options?: Signalled): Promise<void>;
  exec(handle: ContainerHandle, cmd: string[], options: TtyExecOptions): Promise<InteractiveSession>;
  exec(handle: ContainerHandle, cmd: string[], options?: ExecOptions): Promise<ExecResult>;
  logs(handle: ContainerHandle, options?: LogOptions): AsyncIterable<LogChunk>;
  stats(handle: ContainerHandle, options?: Signalled): Promise<ContainerStats>;
  inspect(handle: ContainerHandle, options?: Signalled): Promise<ContainerState>;
  stop(handle: ContainerHandle, options?: StopOptions): Promise<void>;
  /** Removes the container (stopping it first); removing a container that is gone is not an error. */
  remove(handle: ContainerHandle, options?: Signalled): Promise<void>;
  /** The managed containers carrying every given label (e.g. { 'decloud.lease': id }). */
  listByLabel(labels: Record<string, string>, options?: Signalled): Promise<ListedContainer[]>;
}
