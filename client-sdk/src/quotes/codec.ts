/**
 * Binary forms of the lease-protocol messages. Each starts with a tag byte (which message)
 * and a version byte; fields follow in a fixed order (integers big-endian, fixed width;
 * text as u16 length + UTF-8; keys as 32 raw bytes), so one message has one encoding:
 *
 *   request:  tag 1 | u8 version | renter 32 | u64 leaseId | delegate 32 | resources | text image
 *             | u32 durationSecs | u64 offerSeq | nonce 16
 *   quote:    tag 2 | terms | termsHash 32 | signature 64
 *   refusal:  tag 3 | u8 version | u8 reason | text message
 *   terms:    u8 version | host 32 | renter 32 | u64 leaseId | delegate 32 | u64 lamportsPerSecond | u64 deposit
 *             | u32 durationSecs | text image | resources | u64 expiresAt | nonce 16
 *   resources: u16 cpuCores | u32 memoryMiB | u32 diskGiB | u16 gpus
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ByteReader } from '../codec/byte-reader.js';
import { ByteWriter } from '../codec/byte-writer.js';
import { CodecError } from '../codec/codec-error.js';
import { equalBytes } from '../codec/equal-bytes.js';
import { base58Encode, solanaPublicKeyFromBase58 } from '../identity/base58.js';
import { SIGNATURE_LENGTH } from '../identity/signatures.js';
import type { ResourceRequest } from '../offers/types.js';
import { QuoteError } from './errors.js';
import { checkQuoteRefusal, checkQuoteRequest, checkQuoteTerms, QUOTE_LIMITS } from './limits.js';
import { NONCE_LENGTH, QUOTE_REFUSAL_REASONS, QUOTE_VERSION, TERMS_HASH_LENGTH } from './types.js';
import type { Quote, QuoteRefusal, QuoteRequest, QuoteTerms, SignedQuote } from './types.js';

export const QUOTE_MESSAGE_TAGS = { request: 1, quote: 2, refusal: 3 } as const;
export type QuoteMessageKind = keyof typeof QUOTE_MESSAGE_TAGS;

/** Which lease-protocol message `bytes` holds, from its tag byte; undefined for anything else. */
export function quoteMessageKind(bytes: Uint8Array): QuoteMessageKind | undefined {
  const tag = bytes[0];
  return (Object.keys(QUOTE_MESSAGE_TAGS) as QuoteMessageKind[]).find((kind) => QUOTE_MESSAGE_TAGS[kind] === tag);
}

export function encodeQuoteRequest(request: QuoteRequest): Uint8Array {
  checkQuoteRequest(request);
  const w = new ByteWriter().u8(QUOTE_MESSAGE_TAGS.request).u8(request.version).fixed(solanaPublicKeyFromBase58(request.renter));
  w.u64(request.leaseId).fixed(solanaPublicKeyFromBase58(request.delegate));
  writeResources(w, request.resources);
  w.text(request.image).u32(request.durationSecs).u64(request.offerSeq).fixed(request.nonce);
  return checkSize(w.finish());
}

export function decodeQuoteRequest(bytes: Uint8Array): QuoteRequest {
  const request = readMessage(bytes, 'request', (r) => ({
    version: r.u8() as 1,
    renter: base58Encode(r.fixed(32)),
    leaseId: r.u64(),
    delegate: base58Encode(r.fixed(32)),
    resources: readResources(r),
    image: r.text(),
    durationSecs: r.u32(),
    offerSeq: r.u64(),
    nonce: r.fixed(NONCE_LENGTH),
  }));
  checkQuoteRequest(request);
  return request;
}

/** The canonical encoding of the terms: what termsHash hashes. */
export function encodeQuoteTerms(terms: QuoteTerms): Uint8Array {
  checkQuoteTerms(terms);
  const w = new ByteWriter();
  writeTerms(w, terms);
  return w.finish();
}

export function termsHash(terms: QuoteTerms): Uint8Array {
  return sha256(encodeQuoteTerms(terms));
}

export function encodeSignedQuote(quote: Quote, signature: Uint8Array): Uint8Array {
  if (!(signature instanceof Uint8Array) || signature.length !== SIGNATURE_LENGTH) {
    throw new QuoteError('MALFORMED', `a quote signature has ${SIGNATURE_LENGTH} bytes`);
  }
  checkQuoteTerms(quote);
  const w = new ByteWriter().u8(QUOTE_MESSAGE_TAGS.quote);
  writeTerms(w, quote);
  return checkSize(w.fixed(quote.termsHash).fixed(signature).finish());
}

/**
 * Parses and range-checks a signed quote, and checks its termsHash against its terms;
 * the signature is checked by verifyQuote.
 */
export function decodeSignedQuote(bytes: Uint8Array): SignedQuote {
  const copy = bytes instanceof Uint8Array ? bytes.slice() : bytes;
  const { terms, termsEnd, hash, signature } = readMessage(copy, 'quote', (r) => {
    const terms = readTerms(r);
    return { terms, termsEnd: r.position, hash: r.fixed(TERMS_HASH_LENGTH), signature: r.fixed(SIGNATURE_LENGTH) };
  });
  checkQuoteTerms(terms);
  if (!equalBytes(sha256(copy.subarray(1, 1 + termsEnd)), hash)) {
    throw new QuoteError('BAD_TERMS_HASH', 'quote termsHash is not the sha256 of its terms: the quote was altered');
  }
  return { quote: { ...terms, termsHash: hash }, signature, bytes: copy };
}

export function encodeQuoteRefusal(refusal: QuoteRefusal): Uint8Array {
  checkQuoteRefusal(refusal);
  const w = new ByteWriter().u8(QUOTE_MESSAGE_TAGS.refusal).u8(QUOTE_VERSION);
  w.u8(QUOTE_REFUSAL_REASONS.indexOf(refusal.reason)).text(refusal.message);
  return checkSize(w.finish());
}

export function decodeQuoteRefusal(bytes: Uint8Array): QuoteRefusal {
  const refusal = readMessage(bytes, 'refusal', (r) => {
    r.u8(); // version, checked by readMessage
    return { reason: r.oneOf(QUOTE_REFUSAL_REASONS, 'refusal reason'), message: r.text() };
  });
  checkQuoteRefusal(refusal);
  return refusal;
}

function writeTerms(w: ByteWriter, terms: QuoteTerms): void {
  w.u8(terms.version).fixed(solanaPublicKeyFromBase58(terms.host)).fixed(solanaPublicKeyFromBase58(terms.renter));
  w.u64(terms.leaseId).fixed(solanaPublicKeyFromBase58(terms.delegate));
  w.u64(terms.lamportsPerSecond).u64(terms.deposit).u32(terms.durationSecs).text(terms.image);
  writeResources(w, terms.resources);
  w.u64Number(terms.expiresAt).fixed(terms.nonce);
}

function readTerms(r: ByteReader): QuoteTerms {
  return {
    version: r.u8() as 1,
    host: base58Encode(r.fixed(32)),
    renter: base58Encode(r.fixed(32)),
    leaseId: r.u64(),
    delegate: base58Encode(r.fixed(32)),
    lamportsPerSecond: r.u64(),
    deposit: r.u64(),
    durationSecs: r.u32(),
    image: r.text(),
    resources: readResources(r),
    expiresAt: r.u64Number(),
    nonce: r.fixed(NONCE_LENGTH),
  };
}

function writeResources(w: ByteWriter, resources: ResourceRequest): void {
  w.u16(resources.cpuCores).u32(resources.memoryMiB).u32(resources.diskGiB).u16(resources.gpus);
}

function readResources(r: ByteReader): ResourceRequest {
  return { cpuCores: r.u16(), memoryMiB: r.u32(), diskGiB: r.u32(), gpus: r.u16() };
}

function checkSize(bytes: Uint8Array): Uint8Array {
  if (bytes.length > QUOTE_LIMITS.maxMessageBytes) {
    throw new QuoteError('TOO_LARGE', `message of ${bytes.length} bytes exceeds the ${QUOTE_LIMITS.maxMessageBytes}-byte limit`);
  }
  return bytes;
}

/**
 * Checks size, tag and version, runs `read` after the tag byte and requires that it consumes
 * every byte. Reader errors become QuoteError MALFORMED.
 */
function readMessage<T>(bytes: Uint8Array, kind: QuoteMessageKind, read: (r: ByteReader) => T): T {
  if (!(bytes instanceof Uint8Array)) throw new QuoteError('MALFORMED', `a ${kind} must be a Uint8Array`);
  if (bytes.length > QUOTE_LIMITS.maxMessageBytes) {
    throw new QuoteError('TOO_LARGE', `${kind} of ${bytes.length} bytes exceeds the ${QUOTE_LIMITS.maxMessageBytes}-byte limit`);
  }
  const actual = quoteMessageKind(bytes);
  if (actual !== kind) {
    throw new QuoteError('MALFORMED', `expected a ${kind} message, got ${actual === undefined ? `tag ${bytes[0] ?? '(empty)'}` : `a ${actual}`}`);
  }
  if (bytes.length > 1 && bytes[1] !== QUOTE_VERSION) {
    throw new QuoteError('BAD_VERSION', `${kind} version ${bytes[1]} is not supported (this SDK reads version ${QUOTE_VERSION}); upgrade the SDK`);
  }
  try {
    const reader = new ByteReader(bytes.subarray(1));
    const value = read(reader);
    reader.end();
    return value;
  } catch (err) {
    if (err instanceof CodecError) throw new QuoteError('MALFORMED', `${kind}: ${err.message}`);
    throw err;
  }
}
