/**
 * Refusals of the operator commands (claim, deactivate, withdraw, add-stake). `code` is
 * stable; the message names the cause and the fix.
 */
import { CodedError } from '@decloud/sdk/errors/coded-error';

export type CliErrorCode =
  | 'NOT_REGISTERED'
  | 'NOT_ACTIVE'
  | 'HOST_JAILED'
  | 'STILL_JAILED'
  | 'OPEN_LEASES'
  | 'NOTHING_TO_WITHDRAW'
  | 'NOTHING_TO_CLAIM'
  | 'OWNER_CANNOT_RECEIVE'
  | 'WRONG_OWNER'
  | 'STAKE_TOO_LOW'
  | 'UNAUTHORIZED'
  | 'BAD_AMOUNT'
  | 'INSUFFICIENT_SOL';

export class CliError extends CodedError<CliErrorCode> {
  override readonly name = 'CliError';
}
