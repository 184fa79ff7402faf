/**
 * Refusals of the operator commands (claim, deactivate, withdraw). `code` is stable; the
 * message names the cause and the fix.
 */
export type CliErrorCode = 'NOT_REGISTERED' | 'NOT_ACTIVE' | 'HOST_JAILED' | 'OPEN_LEASES' | 'NOTHING_TO_WITHDRAW';

export class CliError extends Error {
  override readonly name = 'CliError';

  constructor(readonly code: CliErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
  }
}
