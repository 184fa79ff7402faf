/**
 * Refusals of the operator commands (claim, deactivate, withdraw). `code` is stable; the
 * message names the cause and the fix.
 */
import { CodedError } from '@decloud/sdk/errors/coded-error';

export type CliErrorCode = 'NOT_REGISTERED' | 'NOT_ACTIVE' | 'HOST_JAILED' | 'OPEN_LEASES' | 'NOTHING_TO_WITHDRAW';

export class CliError extends CodedError<CliErrorCode> {
  override readonly name = 'CliError';
}
