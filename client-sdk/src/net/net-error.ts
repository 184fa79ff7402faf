import type { QuoteRefusal } from '../quotes/types.js';

/**
 * Errors of the network layer. `code` is stable for callers to branch on; the message names
 * the cause and the fix for humans.
 */
export type NetErrorCode =
  | 'BAD_OPTION'
  | 'IDENTITY_FILE'
  | 'CERTIFICATE_FILE'
  | 'BAD_CAPABILITY'
  | 'BAD_OFFER_RECORD'
  | 'OFFER_NOT_FOUND'
  | 'QUOTE_REFUSED'
  | 'BAD_QUOTE'
  | 'MESSAGE_TOO_LARGE'
  | 'MALFORMED_MESSAGE';

export class NetError extends Error {
  override readonly name: string = 'NetError';

  constructor(readonly code: NetErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The host answered a quote request with a refusal; `refusal.reason` says what to change. */
export class QuoteRefusedError extends NetError {
  override readonly name = 'QuoteRefusedError';

  constructor(readonly refusal: QuoteRefusal, host: string) {
    super('QUOTE_REFUSED', `host ${host} refused the quote: ${refusal.reason}: ${refusal.message}`);
  }
}
