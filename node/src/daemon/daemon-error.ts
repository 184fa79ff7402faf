/**
 * Errors of starting and running the host daemon. `code` is stable for callers to branch
 * on; the message names the cause and the fix.
 */
export type DaemonErrorCode =
  | 'RPC_UNREACHABLE'
  | 'PROGRAM_NOT_INITIALIZED'
  | 'ALREADY_RUNNING'
  | 'NO_IMAGES'
  | 'NETWORK_FAILED'
  | 'ABORTED';

export class DaemonError extends Error {
  override readonly name = 'DaemonError';

  constructor(readonly code: DaemonErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
  }
}
