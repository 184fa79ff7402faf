import { CodedError } from '../errors/coded-error.js';

export type QuoteErrorCode =
  | 'TOO_LARGE'
  | 'MALFORMED'
  | 'BAD_VERSION'
  | 'BAD_SIGNATURE'
  | 'BAD_TERMS_HASH'
  | 'EXPIRED'
  | 'WRONG_HOST'
  | 'WRONG_NONCE'
  | 'TERMS_MISMATCH'
  | 'OUT_OF_RANGE';

/** Why a lease-protocol message (request, quote, refusal) was refused. */
export class QuoteError extends CodedError<QuoteErrorCode> {
  override readonly name = 'QuoteError';
}
