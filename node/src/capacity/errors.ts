/**
 * Errors of capacity measurement and the sell policy. `code` is stable for callers to branch
 * on; the message names the cause and the fix.
 */
export type CapacityErrorCode =
  | 'UNSUPPORTED_ARCH'
  | 'DATA_PATH_UNREADABLE'
  | 'BAD_RESERVE'
  | 'RESERVE_EXCEEDS_CAPACITY'
  | 'BENCHMARK_ABORTED';

export class CapacityError extends Error {
  override readonly name = 'CapacityError';

  constructor(readonly code: CapacityErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
  }
}
