import { ContainerNotFoundError, RuntimeError, RuntimeUnavailableError } from './errors.js';

/** The fields docker-modem and Node's sockets put on their errors. */
interface EngineFailure {
  code?: string;
  statusCode?: number;
  name?: string;
  message?: string;
}

const CONNECTION_CODES: Readonly<Record<string, string>> = {
  ENOENT: 'no socket at that path',
  ECONNREFUSED: 'connection refused',
  EACCES: 'permission denied on the socket: run as root or a member of the docker group',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EHOSTUNREACH: 'host unreachable',
  ETIMEDOUT: 'connection timed out',
};

/**
 * Turns whatever the Docker client threw into a RuntimeError: unreachable engine, missing
 * container, abort, or the engine's own message. `container` names the target for messages.
 */
export function toRuntimeError(err: unknown, engine: string, action: string, container?: string): RuntimeError {
  if (err instanceof RuntimeError) return err;
  const failure = (err ?? {}) as EngineFailure;
  const connection = failure.code ? CONNECTION_CODES[failure.code] : undefined;
  if (connection) return new RuntimeUnavailableError(engine, `${failure.code}: ${connection}`, { cause: err });
  if (failure.name === 'AbortError' || failure.code === 'ABORT_ERR') {
    return new RuntimeError('ABORTED', `${action} was aborted by the caller`, { cause: err });
  }
  if (failure.statusCode === 404 && container) return new ContainerNotFoundError(container);
  if (failure.statusCode === 409 && /is not running|is paused|is restarting/i.test(failure.message ?? '')) {
    return new RuntimeError('CONTAINER_NOT_RUNNING', `cannot ${action}: container ${container ?? ''} is not running: start it first`, { cause: err });
  }
  return new RuntimeError('ENGINE_ERROR', `${action} failed in the Docker engine at ${engine}: ${String(failure.message ?? err).trim()}`, { cause: err });
}

/** HTTP status of an engine error, if it has one. */
export function engineStatus(err: unknown): number | undefined {
  return (err as EngineFailure | null)?.statusCode;
}
