import { CodedError } from '../errors/coded-error.js';

export type OfferErrorCode =
  | 'TOO_LARGE'
  | 'MALFORMED'
  | 'BAD_VERSION'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'PEER_MISMATCH'
  | 'OUT_OF_RANGE';

/** Why an offer was refused; every offer failure (encode, decode, verify) is one of these. */
export class OfferError extends CodedError<OfferErrorCode> {
  override readonly name = 'OfferError';
}
