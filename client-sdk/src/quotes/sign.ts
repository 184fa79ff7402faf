import { termsMessage } from '../chain/proofs.js';
import { equalBytes } from '../codec/equal-bytes.js';
import { base58FromSolanaPublicKey, solanaPublicKeyFromBase58 } from '../identity/base58.js';
import { checkSolanaSecretKey } from '../identity/host-identity.js';
import { signWithSolanaSecret, verifySolanaSignature } from '../identity/signatures.js';
import { decodeSignedQuote, encodeSignedQuote, termsHash } from './codec.js';
import { QuoteError } from './errors.js';
import { leaseTermsOf } from './lease-terms.js';
import type { Quote, QuoteRequest, QuoteTerms, SignedQuote } from './types.js';

/** What a quote's signature covers: the termsMessage open_lease's Ed25519 instruction carries (its domain included). */
const signedBytes = (quote: Quote): Uint8Array => termsMessage(leaseTermsOf(quote));

/** The host signs the lease terms (termsMessage, with the terms' hash) with its Solana operator secret key. */
export function signQuote(terms: QuoteTerms, solanaSecret64: Uint8Array): SignedQuote {
  checkSolanaSecretKey(solanaSecret64);
  const signer = base58FromSolanaPublicKey(solanaSecret64.subarray(32));
  if (terms.host !== signer) throw new QuoteError('WRONG_HOST', `quote.host ${terms.host} is not the signing key's public key ${signer}`);
  const quote = { ...terms, termsHash: termsHash(terms) };
  const signature = signWithSolanaSecret('', signedBytes(quote), solanaSecret64);
  return decodeSignedQuote(encodeSignedQuote(quote, signature));
}

export interface VerifyQuoteOptions {
  /** base58 public key of the host the renter asked. */
  expectedHost: string;
  /** The nonce of the renter's request. */
  expectedNonce: Uint8Array;
  /** When given, the terms must grant exactly what was asked (renter, lease id, delegate, resources, image, duration). */
  request?: QuoteRequest;
  now?: number;
}

/**
 * Decodes a signed quote and checks it answers this renter's request from this host, unexpired,
 * signed by the host over the termsMessage open_lease will check. Throws QuoteError only.
 */
export function verifyQuote(bytes: Uint8Array, opts: VerifyQuoteOptions): SignedQuote {
  const now = opts.now ?? Date.now();
  const signed = decodeSignedQuote(bytes);
  const { quote } = signed;
  if (quote.host !== opts.expectedHost) {
    throw new QuoteError('WRONG_HOST', `quote is from host ${quote.host}, expected ${opts.expectedHost}`);
  }
  if (!(opts.expectedNonce instanceof Uint8Array) || !equalBytes(quote.nonce, opts.expectedNonce)) {
    throw new QuoteError('WRONG_NONCE', 'quote nonce differs from the request nonce: it answers another request (or is replayed)');
  }
  if (opts.request) checkGrantsRequest(quote, opts.request);
  if (now >= quote.expiresAt) {
    throw new QuoteError('EXPIRED', `quote expired at ${new Date(quote.expiresAt).toISOString()}; ask the host for a new one`);
  }
  if (!verifySolanaSignature('', signedBytes(quote), signed.signature, solanaPublicKeyFromBase58(quote.host))) {
    throw new QuoteError('BAD_SIGNATURE', `quote is not signed by host ${quote.host} over its lease terms`);
  }
  return signed;
}

function checkGrantsRequest(terms: QuoteTerms, request: QuoteRequest): void {
  const mismatch = (field: string, got: unknown, asked: unknown): never => {
    throw new QuoteError('TERMS_MISMATCH', `quote.${field} is ${String(got)} but the request asked for ${String(asked)}`);
  };
  if (terms.renter !== request.renter) mismatch('renter', terms.renter, request.renter);
  if (terms.leaseId !== request.leaseId) mismatch('leaseId', terms.leaseId, request.leaseId);
  if (terms.delegate !== request.delegate) mismatch('delegate', terms.delegate, request.delegate);
  if (terms.image !== request.image) mismatch('image', terms.image, request.image);
  if (terms.durationSecs !== request.durationSecs) mismatch('durationSecs', terms.durationSecs, request.durationSecs);
  for (const key of ['cpuCores', 'memoryMiB', 'diskGiB', 'gpus'] as const) {
    if (terms.resources[key] !== request.resources[key]) mismatch(`resources.${key}`, terms.resources[key], request.resources[key]);
  }
}
