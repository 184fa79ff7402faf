import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { sha256 } from '@noble/hashes/sha2.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { PublicKey } from '@solana/web3.js';
import { TERMS_DOMAIN, termsMessage } from '../src/chain/proofs.js';
import {
  decideQuote,
  decodeQuoteRefusal,
  decodeQuoteRequest,
  decodeSignedQuote,
  encodeQuoteRefusal,
  encodeQuoteRequest,
  encodeQuoteTerms,
  encodeSignedQuote,
  isQuoteRefusal,
  leaseTermsOf,
  QUOTE_LIMITS,
  QUOTE_REFUSAL_REASONS,
  QuoteError,
  quoteMessageKind,
  signQuote,
  termsHash,
  verifyQuote,
} from '../src/quotes/index.js';
import type { FreeCapacity, QuoteErrorCode, QuoteRefusal, QuoteRequest, QuoteTerms } from '../src/quotes/index.js';
import { signWithSolanaSecret } from '../src/identity/signatures.js';
import { priceOf } from '../src/offers/pricing.js';
import { makeOffer, NOW, testHost } from './offer-fixtures.js';

const host = testHost(1);
const other = testHost(2);
const renter = testHost(3);
const delegate = testHost(4);
const offer = makeOffer(host, { seq: 7n });
const nonce = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
const plenty: FreeCapacity = { cpuCores: 8, memoryMiB: 32768, diskGiB: 500, gpus: 1 };

function makeRequest(changes: Partial<QuoteRequest> = {}): QuoteRequest {
  return {
    version: 1,
    renter: renter.address,
    leaseId: 0xfedc_ba98_7654_3210n,
    delegate: delegate.address,
    resources: { cpuCores: 2, memoryMiB: 4096, diskGiB: 30, gpus: 0 },
    image: 'docker.io/library/nginx:1.27',
    durationSecs: 3600,
    offerSeq: 7n,
    nonce,
    ...changes,
  };
}

function terms(request = makeRequest()): QuoteTerms {
  const decided = decideQuote(offer, request, plenty, NOW);
  if (isQuoteRefusal(decided)) throw new Error(`refused: ${decided.message}`);
  return decided;
}

function throwsQuoteError(fn: () => unknown, code: QuoteErrorCode, pattern?: RegExp): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof QuoteError)) throw err;
    assert.is(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return;
  }
  assert.unreachable(`expected QuoteError ${code}`);
}

const verifyOpts = { now: NOW, expectedHost: host.address, expectedNonce: nonce };

test('request: round trip, deterministic bytes, message kind', () => {
  const request = makeRequest();
  const bytes = encodeQuoteRequest(request);
  assert.equal(decodeQuoteRequest(bytes), request);
  assert.equal(encodeQuoteRequest({ ...makeRequest(), resources: { gpus: 0, diskGiB: 30, memoryMiB: 4096, cpuCores: 2 } }), bytes);
  assert.is(quoteMessageKind(bytes), 'request');
  assert.is(quoteMessageKind(Uint8Array.of(9)), undefined);
  const noDelegate = makeRequest({ delegate: PublicKey.default.toBase58(), leaseId: 0n });
  assert.equal(decodeQuoteRequest(encodeQuoteRequest(noDelegate)), noDelegate, 'the all-zero key names no delegate');
});

test('decideQuote: price is the offer price per second (rounded up), deposit covers the duration', () => {
  const t = terms();
  const hourly = priceOf(offer, makeRequest().resources);
  assert.is(hourly, 2n * 1_000_000n + 4n * 200_000n + 30n * 1_000n);
  assert.is(t.lamportsPerSecond, (hourly + 3599n) / 3600n);
  assert.ok(t.lamportsPerSecond * 3600n >= hourly && (t.lamportsPerSecond - 1n) * 3600n < hourly);
  assert.is(t.deposit, t.lamportsPerSecond * 3600n);
  assert.equal([t.host, t.renter, t.image, t.durationSecs, t.expiresAt], [host.address, renter.address, makeRequest().image, 3600, NOW + QUOTE_LIMITS.ttlMs]);
  assert.equal([t.leaseId, t.delegate], [makeRequest().leaseId, delegate.address], 'lease id and delegate echoed');
  assert.equal(t.resources, makeRequest().resources);
  assert.equal(t.nonce, nonce);
});

test('termsHash is sha256 of the canonical terms and changes with every term', () => {
  const t = terms();
  assert.equal(termsHash(t), sha256(encodeQuoteTerms(t)));
  assert.equal(termsHash({ ...t }), termsHash(t));
  const variants: QuoteTerms[] = [
    { ...t, lamportsPerSecond: t.lamportsPerSecond + 1n, deposit: (t.lamportsPerSecond + 1n) * 3600n },
    { ...t, renter: other.address },
    { ...t, leaseId: t.leaseId + 1n },
    { ...t, delegate: other.address },
    { ...t, expiresAt: t.expiresAt + 1 },
    { ...t, resources: { ...t.resources, gpus: 1 } },
    { ...t, image: 'docker.io/library/redis' },
    { ...t, nonce: new Uint8Array(16) },
  ];
  const hashes = new Set([t, ...variants].map((v) => Buffer.from(termsHash(v)).toString('hex')));
  assert.is(hashes.size, variants.length + 1);
});

test('sign -> verify round trip; a quote answers only its request from its host', () => {
  const request = makeRequest();
  const signed = signQuote(terms(request), host.secret);
  assert.is(quoteMessageKind(signed.bytes), 'quote');
  const verified = verifyQuote(signed.bytes, { ...verifyOpts, request });
  assert.equal(verified, signed);
  assert.equal(decodeSignedQuote(signed.bytes).quote.termsHash, termsHash(terms(request)));
  throwsQuoteError(() => verifyQuote(signed.bytes, { ...verifyOpts, expectedHost: other.address }), 'WRONG_HOST');
  throwsQuoteError(() => verifyQuote(signed.bytes, { ...verifyOpts, expectedNonce: new Uint8Array(16) }), 'WRONG_NONCE');
  throwsQuoteError(() => verifyQuote(signed.bytes, { ...verifyOpts, now: NOW + QUOTE_LIMITS.ttlMs }), 'EXPIRED');
  throwsQuoteError(() => verifyQuote(signed.bytes, { ...verifyOpts, request: { ...request, durationSecs: 7200 } }), 'TERMS_MISMATCH', /durationSecs/);
  throwsQuoteError(() => verifyQuote(signed.bytes, { ...verifyOpts, request: { ...request, resources: { ...request.resources, cpuCores: 4 } } }), 'TERMS_MISMATCH', /cpuCores/);
  throwsQuoteError(() => verifyQuote(signed.bytes, { ...verifyOpts, request: { ...request, leaseId: 7n } }), 'TERMS_MISMATCH', /leaseId/);
  throwsQuoteError(() => verifyQuote(signed.bytes, { ...verifyOpts, request: { ...request, delegate: other.address } }), 'TERMS_MISMATCH', /delegate/);
  throwsQuoteError(() => signQuote(terms(request), other.secret), 'WRONG_HOST');
});

test('tampering: terms change -> BAD_TERMS_HASH; consistent new hash -> BAD_SIGNATURE; forged key -> BAD_SIGNATURE', () => {
  const t = terms();
  const signed = signQuote(t, host.secret);
  const tampered = signed.bytes.slice();
  tampered[2 + 32]! ^= 1; // first byte of the renter key
  throwsQuoteError(() => verifyQuote(tampered, verifyOpts), 'BAD_TERMS_HASH');
  const flippedHash = signed.bytes.slice();
  flippedHash[flippedHash.length - 64 - 1]! ^= 1;
  throwsQuoteError(() => verifyQuote(flippedHash, verifyOpts), 'BAD_TERMS_HASH');

  const cheaper = { ...t, lamportsPerSecond: 1n, deposit: 3600n };
  const reHashed = encodeSignedQuote({ ...cheaper, termsHash: termsHash(cheaper) }, signed.signature);
  throwsQuoteError(() => verifyQuote(reHashed, verifyOpts), 'BAD_SIGNATURE');

  const quote = { ...t, termsHash: termsHash(t) };
  const byOther = signWithSolanaSecret('', termsMessage(leaseTermsOf(quote)), other.secret);
  throwsQuoteError(() => verifyQuote(encodeSignedQuote(quote, byOther), verifyOpts), 'BAD_SIGNATURE');
  const overHashOnly = signWithSolanaSecret('decloud/quote/v1', termsHash(t), host.secret);
  throwsQuoteError(() => verifyQuote(encodeSignedQuote(quote, overHashOnly), verifyOpts), 'BAD_SIGNATURE', /lease terms/);
  const otherDomain = signWithSolanaSecret('decloud/offer/v1', termsMessage(leaseTermsOf(quote)).subarray(TERMS_DOMAIN.length), host.secret);
  throwsQuoteError(() => verifyQuote(encodeSignedQuote(quote, otherDomain), verifyOpts), 'BAD_SIGNATURE');
});

test('the quote signature is the host operator\'s Ed25519 over exactly the termsMessage open_lease checks', () => {
  const request = makeRequest();
  const { quote, signature } = signQuote(terms(request), host.secret);
  const u64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return b; };
  const i64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(n); return b; };
  const expected = Buffer.concat([
    Buffer.from('decloud/terms/v1'), new PublicKey(renter.address).toBuffer(), new PublicKey(host.address).toBuffer(),
    u64(request.leaseId), u64(quote.lamportsPerSecond), u64(3600n), i64(BigInt(Math.floor((NOW + QUOTE_LIMITS.ttlMs) / 1000))),
    new PublicKey(delegate.address).toBuffer(), Buffer.from(quote.termsHash),
  ]);
  assert.is(expected.length, 176);
  assert.equal(termsMessage(leaseTermsOf(quote)), new Uint8Array(expected));
  assert.ok(ed25519.verify(signature, expected, new PublicKey(host.address).toBytes()), 'a plain Ed25519 signature over those bytes, as the Ed25519 program checks it');
  const quoteExpiresAt = leaseTermsOf({ ...quote, expiresAt: NOW + 1999 }).quoteExpiresAt;
  assert.is(quoteExpiresAt, BigInt(Math.floor(NOW / 1000)) + 1n, 'expiresAt (ms) becomes whole unix seconds, rounded down');
});

test('a quote with any one field changed fails verify: BAD_TERMS_HASH as sent, BAD_SIGNATURE once re-hashed', () => {
  const t = terms();
  const { signature } = signQuote(t, host.secret);
  const variants: Record<string, QuoteTerms> = {
    host: { ...t, host: other.address },
    renter: { ...t, renter: other.address },
    leaseId: { ...t, leaseId: t.leaseId ^ 1n },
    delegate: { ...t, delegate: other.address },
    lamportsPerSecond: { ...t, lamportsPerSecond: t.lamportsPerSecond - 1n, deposit: (t.lamportsPerSecond - 1n) * 3600n },
    deposit: { ...t, lamportsPerSecond: t.lamportsPerSecond * 2n, deposit: t.deposit * 2n },
    durationSecs: { ...t, durationSecs: 1800, deposit: t.lamportsPerSecond * 1800n },
    image: { ...t, image: 'docker.io/library/redis' },
    resources: { ...t, resources: { ...t.resources, memoryMiB: 8192 } },
    expiresAt: { ...t, expiresAt: t.expiresAt + 60_000 },
    nonce: { ...t, nonce: new Uint8Array(16).fill(9) },
  };
  for (const changed of Object.values(variants)) {
    const opts = { ...verifyOpts, expectedHost: changed.host, expectedNonce: changed.nonce };
    const sentAsIs = encodeSignedQuote({ ...changed, termsHash: termsHash(t) }, signature);
    throwsQuoteError(() => verifyQuote(sentAsIs, opts), 'BAD_TERMS_HASH');
    const reHashed = encodeSignedQuote({ ...changed, termsHash: termsHash(changed) }, signature);
    throwsQuoteError(() => verifyQuote(reHashed, opts), 'BAD_SIGNATURE', new RegExp(`host ${changed.host}`));
  }
});

test('malformed, truncated, trailing, oversized, wrong kind, wrong version', () => {
  const { bytes } = signQuote(terms(), host.secret);
  for (let length = 0; length < bytes.length; length++) {
    try {
      verifyQuote(bytes.subarray(0, length), verifyOpts);
      assert.unreachable('truncated quote accepted');
    } catch (err) {
      assert.instance(err, QuoteError);
      assert.ok(['MALFORMED'].includes((err as QuoteError).code), (err as Error).message);
    }
  }
  throwsQuoteError(() => verifyQuote(Uint8Array.from([...bytes, 0]), verifyOpts), 'MALFORMED', /trailing/);
  throwsQuoteError(() => verifyQuote(new Uint8Array(QUOTE_LIMITS.maxMessageBytes + 1).fill(2), verifyOpts), 'TOO_LARGE');
  throwsQuoteError(() => verifyQuote(encodeQuoteRequest(makeRequest()), verifyOpts), 'MALFORMED', /expected a quote message, got a request/);
  const v2 = bytes.slice();
  v2[1] = 2;
  throwsQuoteError(() => verifyQuote(v2, verifyOpts), 'BAD_VERSION', /upgrade/);
  throwsQuoteError(() => decodeQuoteRequest(Uint8Array.from([...encodeQuoteRequest(makeRequest()), 1])), 'MALFORMED', /trailing/);
  throwsQuoteError(() => encodeQuoteRequest(makeRequest({ nonce: new Uint8Array(15) })), 'OUT_OF_RANGE', /request\.nonce must be 16 bytes/);
  throwsQuoteError(() => encodeQuoteRequest(makeRequest({ image: 'has space' })), 'OUT_OF_RANGE', /request\.image/);
  throwsQuoteError(() => encodeQuoteRequest(makeRequest({ renter: 'nope' })), 'OUT_OF_RANGE', /request\.renter/);
  throwsQuoteError(() => encodeQuoteRequest(makeRequest({ leaseId: -1n })), 'OUT_OF_RANGE', /request\.leaseId/);
  throwsQuoteError(() => encodeQuoteRequest(makeRequest({ leaseId: 1n << 64n })), 'OUT_OF_RANGE', /request\.leaseId/);
  throwsQuoteError(() => encodeQuoteRequest(makeRequest({ delegate: 'nope' })), 'OUT_OF_RANGE', /request\.delegate/);
  throwsQuoteError(() => encodeQuoteTerms({ ...terms(), delegate: '' }), 'OUT_OF_RANGE', /quote\.delegate/);
  throwsQuoteError(() => encodeQuoteRequest(makeRequest({ version: 2 as 1 })), 'BAD_VERSION');
  throwsQuoteError(() => encodeQuoteTerms({ ...terms(), deposit: 1n }), 'OUT_OF_RANGE', /deposit must be lamportsPerSecond x durationSecs/);
});

test('random garbage never throws anything but QuoteError, for every decoder', () => {
  const decoders = [decodeQuoteRequest, decodeSignedQuote, decodeQuoteRefusal, (b: Uint8Array) => verifyQuote(b, verifyOpts)];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 1200 }), fc.constantFrom(0, 1, 2, 3), (bytes, tag) => {
      if (tag > 0 && bytes.length > 1) bytes.set([tag, 1]);
      for (const decode of decoders) {
        try {
          decode(bytes);
        } catch (err) {
          assert.instance(err, QuoteError, (err as Error).message);
        }
      }
    }),
    { numRuns: 1000 },
  );
});

test('refusals: every reason round-trips; messages are bounded', () => {
  for (const reason of QUOTE_REFUSAL_REASONS) {
    const refusal: QuoteRefusal = { reason, message: `because ${reason} — ünïcode` };
    const bytes = encodeQuoteRefusal(refusal);
    assert.is(quoteMessageKind(bytes), 'refusal');
    assert.equal(decodeQuoteRefusal(bytes), refusal);
  }
  throwsQuoteError(() => encodeQuoteRefusal({ reason: 'NOPE' as 'MALFORMED', message: '' }), 'OUT_OF_RANGE', /refusal\.reason/);
  throwsQuoteError(() => encodeQuoteRefusal({ reason: 'MALFORMED', message: 'x'.repeat(257) }), 'OUT_OF_RANGE', /refusal\.message/);
  const unknownReason = encodeQuoteRefusal({ reason: 'MALFORMED', message: '' });
  unknownReason[2] = 99;
  throwsQuoteError(() => decodeQuoteRefusal(unknownReason), 'MALFORMED', /reason/);
});

test('decideQuote refuses with the reason the renter can act on', () => {
  const refusal = (request: QuoteRequest, capacity = plenty): QuoteRefusal => {
    const decided = decideQuote(offer, request, capacity, NOW);
    if (!isQuoteRefusal(decided)) return assert.unreachable('expected a refusal') as never;
    assert.ok(new TextEncoder().encode(decided.message).length <= QUOTE_LIMITS.maxRefusalMessageBytes);
    encodeQuoteRefusal(decided); // every refusal it makes fits the wire
    return decided;
  };
  assert.is(refusal(makeRequest({ nonce: new Uint8Array(3) })).reason, 'MALFORMED');
  assert.is(refusal(makeRequest({ resources: { cpuCores: 0, memoryMiB: 1, diskGiB: 0, gpus: 0 } })).reason, 'MALFORMED');
  const changed = refusal(makeRequest({ offerSeq: 6n }));
  assert.is(changed.reason, 'PRICE_CHANGED');
  assert.match(changed.message, /seq 7/);
  assert.is(refusal(makeRequest({ durationSecs: 59 })).reason, 'TOO_SHORT');
  assert.is(refusal(makeRequest({ durationSecs: 7 * 24 * 3600 + 1 })).reason, 'TOO_LONG');
  assert.is(refusal(makeRequest({ image: 'quay.io/evil/miner' })).reason, 'IMAGE_NOT_ALLOWED');
  const tooBig = refusal(makeRequest({ resources: { cpuCores: 9, memoryMiB: 1024, diskGiB: 1, gpus: 0 } }));
  assert.equal([tooBig.reason, /cpuCores 9, the host offers 8/.test(tooBig.message)], ['NO_CAPACITY', true]);
  const busy = refusal(makeRequest(), { ...plenty, memoryMiB: 2048 });
  assert.equal([busy.reason, /memoryMiB 4096, the host has free 2048/.test(busy.message)], ['NO_CAPACITY', true]);
  assert.is(refusal(makeRequest({ resources: { cpuCores: 1, memoryMiB: 1024, diskGiB: 1, gpus: 2 } })).reason, 'NO_CAPACITY');
  const manyImages = makeOffer(host, { seq: 7n, images: Array.from({ length: 40 }, (_, i) => `registry.example.com/image-${i}`) });
  const long = decideQuote(manyImages, makeRequest(), plenty, NOW) as QuoteRefusal;
  assert.is(long.reason, 'IMAGE_NOT_ALLOWED');
  assert.ok(new TextEncoder().encode(long.message).length <= QUOTE_LIMITS.maxRefusalMessageBytes);
});

test('end to end: request bytes -> host decides and signs -> renter verifies', () => {
  const request = makeRequest({ resources: { cpuCores: 4, memoryMiB: 8192, diskGiB: 100, gpus: 1 } });
  const atHost = decodeQuoteRequest(encodeQuoteRequest(request));
  const decided = decideQuote(offer, atHost, plenty, NOW);
  assert.not.ok(isQuoteRefusal(decided));
  const signed = signQuote(decided as QuoteTerms, host.secret);
  const { quote } = verifyQuote(signed.bytes, { ...verifyOpts, request, now: NOW + 1000 });
  assert.is(quote.lamportsPerSecond, (priceOf(offer, request.resources) + 3599n) / 3600n);
  assert.is(quote.deposit, quote.lamportsPerSecond * BigInt(request.durationSecs));
});

test.run();
