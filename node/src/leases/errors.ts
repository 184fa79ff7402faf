/**
 * Errors of the lease manager. `code` is stable for callers to branch on; LEASE_REJECTED
 * carries `reason`, the first way the on-chain lease differs from the host's quote.
 */
import { CodedError } from '@decloud/sdk/errors/coded-error';

export type LeaseErrorCode =
  | 'ILLEGAL_TRANSITION'
  | 'BAD_CONFIG'
  | 'BAD_QUOTE'
  | 'BAD_ADDRESS'
  | 'LEASE_NOT_FOUND'
  | 'LEASE_REJECTED'
  | 'LEASE_ENDED'
  | 'CONTAINER_FAILED'
  | 'STORE_CORRUPT';

export const REJECTION_REASONS = [
  'UNKNOWN_TERMS',
  'QUOTE_USED',
  'WRONG_HOST',
  'WRONG_RENTER',
  'WRONG_LEASE_ID',
  'WRONG_DELEGATE',
  'WRONG_TERMS',
  'WRONG_RATE',
  'DEPOSIT_TOO_SMALL',
  'NOT_OPEN',
  'EXPIRED',
  'QUOTE_EXPIRED',
  'NO_CAPACITY',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export class LeaseError extends CodedError<LeaseErrorCode> {
  override readonly name: string = 'LeaseError';
}

/** The renter's on-chain lease does not match what this host quoted: nothing was started. */
export class LeaseRejectedError extends LeaseError {
  override readonly name = 'LeaseRejectedError';

  constructor(readonly reason: RejectionReason, readonly lease: string, readonly detail: string, options?: ErrorOptions) {
    super('LEASE_REJECTED', `lease ${lease} refused (${reason}): ${detail}`, options);
  }
}
