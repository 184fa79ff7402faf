/** Errors of host registration and proof handling; the message names the cause and the fix. */
import { CodedError } from '@decloud/sdk/errors/coded-error';

export type ProverErrorCode =
  | 'BAD_CONFIG'
  | 'NOT_REGISTERED'
  | 'STAKE_TOO_LOW'
  | 'HOST_JAILED'
  | 'OWNER_CANNOT_RECEIVE'
  | 'INSUFFICIENT_SOL'
  | 'MALFORMED_PROOF'
  | 'UNKNOWN_LEASE'
  | 'WRONG_HOST'
  | 'FORGED_RECEIPT'
  | 'RECEIPT_IN_FUTURE';

export class ProverError extends CodedError<ProverErrorCode> {
  override readonly name = 'ProverError';
}
