/**
 * Raised by the byte reader when input ends early, has bytes left over or holds an invalid
 * value (bad UTF-8, unknown enum tag). Message codecs catch it and rethrow their own typed
 * error (OfferError, QuoteError) with code MALFORMED, so callers see one error class per message.
 */
export class CodecError extends Error {
  override readonly name = 'CodecError';
  constructor(message: string, readonly offset: number) {
    super(`${message} (at byte ${offset})`);
  }
}
