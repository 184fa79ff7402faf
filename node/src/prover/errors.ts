/** Errors of host registration and proof handling; the message names the cause and the fix. */
export type ProverErrorCode =
  | 'BAD_CONFIG'
  | 'NOT_REGISTERED'
  | 'STAKE_TOO_LOW'
  | 'HOST_JAILED'
  | 'INSUFFICIENT_SOL'
  | 'MALFORMED_PROOF'
  | 'UNKNOWN_LEASE'
  | 'WRONG_HOST'
  | 'FORGED_RECEIPT'
  | 'RECEIPT_IN_FUTURE';

export class ProverError extends Error {
  override readonly name = 'ProverError';

  constructor(readonly code: ProverErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
  }
}
