/**
 * Refusals of the operator commands (claim, deactivate, withdraw, add-stake). `code` is
 * stable; the message names the cause and the fix.
 */
import { CodedError } from '@decloud/sdk/errors/coded-error';

export type CliErrorCode = 'NOT_REGISTERED' | 'NOT_ACTIVE' | 'HOST_JAILED' | 'OPEN_LEASES' | 'NOTHING_TO_WITHDRAW' | 'BAD_AMOUNT' | 'INSUFFICIENT_SOL';

export class CliError extends CodedError<CliErrorCode> {
  override readonly name = 'CliError';
}
