/**
 * Errors of starting and running the host daemon. `code` is stable for callers to branch
 * on; the message names the cause and the fix.
 */
import { CodedError } from '@decloud/sdk/errors/coded-error';

export type DaemonErrorCode =
  | 'RPC_UNREACHABLE'
  | 'PROGRAM_NOT_INITIALIZED'
  | 'ALREADY_RUNNING'
  | 'NO_IMAGES'
  | 'NETWORK_FAILED'
  | 'ABORTED';

export class DaemonError extends CodedError<DaemonErrorCode> {
  override readonly name = 'DaemonError';
}
