/**
 * Errors of capacity measurement and the sell policy. `code` is stable for callers to branch
 * on; the message names the cause and the fix.
 */
import { CodedError } from '@decloud/sdk/errors/coded-error';

export type CapacityErrorCode =
  | 'UNSUPPORTED_ARCH'
  | 'DATA_PATH_UNREADABLE'
  | 'BAD_RESERVE'
  | 'RESERVE_EXCEEDS_CAPACITY'
  | 'BENCHMARK_ABORTED';

export class CapacityError extends CodedError<CapacityErrorCode> {
  override readonly name = 'CapacityError';
}
