import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import {
  decodeSignedOffer,
  encodeOffer,
  encodeSignedOffer,
  imageAllowed,
  OFFER_LIMITS,
  OfferError,
  offerPlans,
  priceOf,
  signOffer,
  verifyOffer,
} from '../src/offers/index.js';
import type { Offer, OfferErrorCode } from '../src/offers/index.js';
import { signWithSolanaSecret } from '../src/identity/signatures.js';
import { makeOffer, makeSignedOffer, NOW, testHost } from './offer-fixtures.js';

const alice = testHost(1);
const bob = testHost(2);

function throwsOfferError(fn: () => unknown, code: OfferErrorCode, pattern?: RegExp): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof OfferError)) throw err;
    assert.is(err.code, code, err.message);
    if (pattern) assert.match(err.message, pattern);
    return;
  }
  assert.unreachable(`expected OfferError ${code}`);
}

/** A signed offer with any content (even one signOffer refuses), signed by `signer`. */
function forge(offer: Offer, signer = alice): Uint8Array {
  return encodeSignedOffer(offer, signWithSolanaSecret('decloud/offer/v1', encodeOffer(offer), signer.secret));
}

/** The same value with every object's keys in reverse order. */
function reverseKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map(reverseKeys) as T;
  if (value && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reverseKeys(v)])) as T;
  }
  return value;
}

test('sign -> verify -> same offer; decode gives the same signature and bytes', () => {
  const offer = makeOffer(alice);
  const signed = signOffer(offer, alice.secret);
  const verified = verifyOffer(signed.bytes, { now: NOW });
  assert.equal(verified.offer, offer);
  assert.equal(verified.signature, signed.signature);
  assert.equal(verified.bytes, signed.bytes);
  assert.equal(decodeSignedOffer(signed.bytes), signed);
  assert.equal(encodeSignedOffer(verified.offer, verified.signature), signed.bytes);
  assert.ok(signed.bytes.length < OFFER_LIMITS.maxSignedBytes);
});

test('deterministic bytes: same offer, any key order, same bytes and signature', () => {
  const offer = makeOffer(alice);
  const shuffled = reverseKeys(offer);
  assert.not.equal(Object.keys(shuffled), Object.keys(offer));
  assert.equal(encodeOffer(shuffled), encodeOffer(offer));
  assert.equal(signOffer(shuffled, alice.secret).bytes, signOffer(offer, alice.secret).bytes);
  assert.not.equal(encodeOffer(makeOffer(alice, { seq: 2n })), encodeOffer(offer));
});

test('round trip of varied offers (unicode labels, no gpus, no plans, huge u64s)', () => {
  fc.assert(
    fc.property(
      fc.record({
        label: fc.string({ maxLength: 20 }).filter((s) => !/[\p{Cc}\p{Cs}]/u.test(s)),
        cpuModel: fc.constantFrom('', 'Apple M2 Max', 'Intel® Xeon® Gold 6338'),
        kind: fc.constantFrom('docker' as const, 'aws' as const, 'gcp' as const),
        arch: fc.constantFrom('x86_64' as const, 'arm64' as const),
        seq: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        stake: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        gpu: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
        gpus: fc.boolean(),
      }),
      (v) => {
        const offer = makeOffer(alice, {
          kind: v.kind,
          seq: v.seq,
          stake: v.stake,
          region: { country: 'JP', label: v.label },
          resources: { cpuModel: v.cpuModel, arch: v.arch, ...(v.gpus ? {} : { gpus: [] }) },
          price: { lamportsPerHour: { gpu: v.gpu }, plans: [] },
        });
        assert.equal(verifyOffer(signOffer(offer, alice.secret).bytes, { now: NOW }).offer, offer);
      },
    ),
    { numRuns: 30 },
  );
});

test('BAD_SIGNATURE: forged signature, tampered field, signature by another key', () => {
  const signed = makeSignedOffer(alice);
  const flipped = signed.bytes.slice();
  flipped[flipped.length - 1]! ^= 1;
  throwsOfferError(() => verifyOffer(flipped, { now: NOW }), 'BAD_SIGNATURE');

  const cheaper = makeOffer(alice, { price: { lamportsPerHour: { cpuCore: 1n } } });
  throwsOfferError(() => verifyOffer(encodeSignedOffer(cheaper, signed.signature), { now: NOW }), 'BAD_SIGNATURE');

  throwsOfferError(() => verifyOffer(forge(makeOffer(alice), bob), { now: NOW }), 'BAD_SIGNATURE', new RegExp(alice.address));
  // an offer signature is not valid under another domain's prefix
  const otherDomain = signWithSolanaSecret('decloud/quote/v1', encodeOffer(makeOffer(alice)), alice.secret);
  throwsOfferError(() => verifyOffer(encodeSignedOffer(makeOffer(alice), otherDomain), { now: NOW }), 'BAD_SIGNATURE');
});

test('PEER_MISMATCH: peer id of another host, also when validly signed; signOffer refuses', () => {
  const wrongPeer = makeOffer(alice, { peerId: bob.peerId });
  throwsOfferError(() => verifyOffer(forge(wrongPeer), { now: NOW }), 'PEER_MISMATCH', new RegExp(alice.peerId));
  throwsOfferError(() => signOffer(wrongPeer, alice.secret), 'PEER_MISMATCH');
  throwsOfferError(() => signOffer(makeOffer(alice), bob.secret), 'PEER_MISMATCH', /not the signing key/);
});

test('EXPIRED and NOT_YET_VALID follow the validity window (with clock skew)', () => {
  const { bytes, offer } = makeSignedOffer(alice);
  verifyOffer(bytes, { now: offer.expiresAt - 1 });
  throwsOfferError(() => verifyOffer(bytes, { now: offer.expiresAt }), 'EXPIRED');
  verifyOffer(bytes, { now: offer.issuedAt - OFFER_LIMITS.maxClockSkewMs });
  throwsOfferError(() => verifyOffer(bytes, { now: offer.issuedAt - OFFER_LIMITS.maxClockSkewMs - 1 }), 'NOT_YET_VALID', /clock/);
});

test('TOO_LARGE: oversized input and an offer that would not fit', () => {
  const bytes = makeSignedOffer(alice).bytes;
  const big = new Uint8Array(OFFER_LIMITS.maxSignedBytes + 1);
  big.set(bytes);
  throwsOfferError(() => verifyOffer(big, { now: NOW }), 'TOO_LARGE');
  const images = Array.from({ length: 64 }, (_, i) => `registry.example.com/team/${String(i).padStart(3, '0')}/`.padEnd(128, 'x'));
  throwsOfferError(() => signOffer(makeOffer(alice, { images }), alice.secret), 'TOO_LARGE', /image prefixes/);
});

test('MALFORMED: empty, every truncation, trailing bytes, unknown enum tag, invalid UTF-8', () => {
  const bytes = makeSignedOffer(alice, { region: { label: 'LABEL-MARK' } }).bytes;
  throwsOfferError(() => verifyOffer(new Uint8Array(0), { now: NOW }), 'MALFORMED', /empty/);
  for (let length = 1; length < bytes.length; length++) {
    throwsOfferError(() => verifyOffer(bytes.subarray(0, length), { now: NOW }), 'MALFORMED');
  }
  throwsOfferError(() => verifyOffer(Uint8Array.from([...bytes, 0]), { now: NOW }), 'MALFORMED');
  const badKind = bytes.slice();
  badKind[1] = 3;
  throwsOfferError(() => verifyOffer(badKind, { now: NOW }), 'MALFORMED', /kind/);
  const badText = bytes.slice();
  badText[Buffer.from(bytes).indexOf('LABEL-MARK')] = 0xff;
  throwsOfferError(() => verifyOffer(badText, { now: NOW }), 'MALFORMED', /UTF-8/);
  throwsOfferError(() => verifyOffer('offer' as unknown as Uint8Array), 'MALFORMED');
});

test('BAD_VERSION: a version 2 offer', () => {
  const bytes = makeSignedOffer(alice).bytes.slice();
  bytes[0] = 2;
  throwsOfferError(() => verifyOffer(bytes, { now: NOW }), 'BAD_VERSION', /upgrade/);
  throwsOfferError(() => encodeOffer({ ...makeOffer(alice), version: 2 as 1 }), 'BAD_VERSION');
});

test('OUT_OF_RANGE on decode: an unknown country in otherwise well-formed bytes', () => {
  const bytes = makeSignedOffer(alice, { region: { label: 'LABEL-MARK' } }).bytes.slice();
  const country = Buffer.from(bytes).indexOf('LABEL-MARK') - 4; // 2 country bytes, then the u16 label length
  assert.is(Buffer.from(bytes.subarray(country, country + 2)).toString(), 'DE');
  bytes.set([0x58, 0x58], country); // "XX"
  throwsOfferError(() => verifyOffer(bytes, { now: NOW }), 'OUT_OF_RANGE', /offer\.region\.country/);
});

test('OUT_OF_RANGE on encode: every limit names its field', () => {
  const cases: [Parameters<typeof makeOffer>[1], RegExp][] = [
    [{ addrs: Array.from({ length: 17 }, (_, i) => `/ip4/10.0.0.${i}/tcp/1`) }, /offer\.addrs must have 0\.\.16/],
    [{ addrs: ['ip4/1.2.3.4'] }, /offer\.addrs\[0\].*multiaddr/],
    [{ addrs: ['/ip4/1.2.3.4 /tcp/1'] }, /offer\.addrs\[0\].*printable/],
    [{ images: [] }, /offer\.images must have 1\.\.64/],
    [{ images: ['x'.repeat(129)] }, /offer\.images\[0\] must be 1\.\.128/],
    [{ images: ['docker.io/*/nginx'] }, /only as its last/],
    [{ images: Array.from({ length: 65 }, (_, i) => `i${i}`) }, /offer\.images must have/],
    [{ resources: { cpuCores: -1 } }, /offer\.resources\.cpuCores/],
    [{ resources: { memoryMiB: -1 } }, /offer\.resources\.memoryMiB/],
    [{ resources: { cpuCores: 1.5 } }, /offer\.resources\.cpuCores must be an integer/],
    [{ resources: { benchScore: -1 } }, /benchScore/],
    [{ resources: { memoryMiB: 2 ** 32 } }, /memoryMiB/],
    [{ resources: { cpuModel: 'x'.repeat(129) } }, /cpuModel must be 0\.\.128 UTF-8 bytes/],
    [{ resources: { gpus: [{ model: 'A100', memoryMiB: 1, count: 0 }] } }, /gpus\[0\]\.count/],
    [{ resources: { arch: 'riscv' as 'arm64' } }, /arch must be one of/],
    [{ kind: 'azure' as 'aws' }, /offer\.kind/],
    [{ region: { country: 'UK' } }, /ISO 3166/],
    [{ region: { country: 'de' } }, /ISO 3166/],
    [{ region: { label: 'tab\there' } }, /control/],
    [{ price: { lamportsPerHour: { cpuCore: -1n } } }, /cpuCore must be a bigint/],
    [{ price: { lamportsPerHour: { gpu: 2n ** 64n } } }, /gpu must be a bigint/],
    [{ price: { lamportsPerHour: { diskGiB: 5 as unknown as bigint } } }, /diskGiB must be a bigint/],
    [{ price: { plans: [{ name: '', cpuCores: 1, memoryMiB: 1, diskGiB: 1, gpus: 0, lamportsPerHour: 1n }] } }, /plans\[0\]\.name/],
    [{ duration: { minSecs: 100, maxSecs: 99 } }, /maxSecs must be an integer in 100\.\./],
    [{ duration: { minSecs: 0, maxSecs: 99 } }, /minSecs/],
    [{ expiresAt: NOW - 1000 }, /expiresAt/],
    [{ expiresAt: NOW - 1000 + OFFER_LIMITS.maxTtlMs + 1 }, /expiresAt/],
    [{ host: 'not-base58-0OIl-xxxxxxxxxxxxxxxxxxxxxxxxx' }, /offer\.host must be a base58 Solana public key/],
    [{ seq: 1 as unknown as bigint }, /offer\.seq/],
  ];
  for (const [changes, pattern] of cases) throwsOfferError(() => encodeOffer(makeOffer(alice, changes)), 'OUT_OF_RANGE', pattern);
  throwsOfferError(() => encodeOffer(null as unknown as Offer), 'OUT_OF_RANGE', /offer must be an object/);
  throwsOfferError(() => encodeOffer({ ...makeOffer(alice), resources: undefined } as unknown as Offer), 'OUT_OF_RANGE', /offer\.resources must be an object/);
});

test('random garbage (also behind a valid version byte) never throws anything but OfferError', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 5000 }), fc.boolean(), (bytes, versioned) => {
      if (versioned && bytes.length > 0) bytes[0] = 1;
      try {
        verifyOffer(bytes, { now: NOW });
      } catch (err) {
        assert.instance(err, OfferError);
        return;
      }
      assert.unreachable('garbage was accepted');
    }),
    { numRuns: 1000 },
  );
});

test('every mutation of a valid signed offer is refused with an OfferError', () => {
  const { bytes } = makeSignedOffer(alice);
  fc.assert(
    fc.property(fc.nat(bytes.length - 1), fc.integer({ min: 1, max: 255 }), fc.constantFrom('xor', 'insert', 'delete'), (at, value, how) => {
      const mutated =
        how === 'xor' ? bytes.map((b, i) => (i === at ? b ^ value : b))
        : how === 'insert' ? Uint8Array.from([...bytes.subarray(0, at), value, ...bytes.subarray(at)])
        : Uint8Array.from([...bytes.subarray(0, at), ...bytes.subarray(at + 1)]);
      try {
        verifyOffer(mutated, { now: NOW });
      } catch (err) {
        assert.instance(err, OfferError);
        return;
      }
      assert.unreachable(`mutation ${how} at ${at} was accepted`);
    }),
    { numRuns: 400 },
  );
});

test('priceOf: unit prices (memory per started MiB), capped by the cheapest covering plan', () => {
  const offer = makeOffer(alice);
  // 4 cores, 8 GiB, 100 GiB disk, 1 gpu at unit prices
  assert.is(priceOf(offer, { cpuCores: 4, memoryMiB: 8192, diskGiB: 100, gpus: 1 }), 4n * 1_000_000n + 8n * 200_000n + 100n * 1_000n + 50_000_000n);
  // 1 MiB of memory costs a rounded-up 1/1024 GiB-hour
  assert.is(priceOf(offer, { cpuCores: 0, memoryMiB: 1, diskGiB: 0, gpus: 0 }), 196n);
  // fits the 'small' plan (2.5M) which undercuts the 2*1M + 4*200k + 20*1k = 2.82M unit price
  assert.is(priceOf(offer, { cpuCores: 2, memoryMiB: 4096, diskGiB: 20, gpus: 0 }), 2_500_000n);
  // one more GiB of disk no longer fits the plan
  assert.is(priceOf(offer, { cpuCores: 2, memoryMiB: 4096, diskGiB: 21, gpus: 0 }), 2_821_000n);
  // a plan never raises a price
  assert.is(priceOf(offer, { cpuCores: 1, memoryMiB: 1024, diskGiB: 1, gpus: 0 }), 1_201_000n);
  throwsOfferError(() => priceOf(offer, { cpuCores: -1, memoryMiB: 0, diskGiB: 0, gpus: 0 }), 'OUT_OF_RANGE', /request\.cpuCores/);
});

test('offerPlans: cheapest first, with the unit-price equivalent of each plan', () => {
  const plans = offerPlans(
    makeOffer(alice, {
      price: {
        plans: [
          { name: 'large', cpuCores: 8, memoryMiB: 16384, diskGiB: 100, gpus: 1, lamportsPerHour: 55_000_000n },
          { name: 'b-small', cpuCores: 2, memoryMiB: 4096, diskGiB: 20, gpus: 0, lamportsPerHour: 2_500_000n },
          { name: 'a-small', cpuCores: 2, memoryMiB: 2048, diskGiB: 20, gpus: 0, lamportsPerHour: 2_500_000n },
        ],
      },
    }).price,
  );
  assert.equal(plans.map((p) => p.name), ['a-small', 'b-small', 'large']);
  assert.is(plans[1]!.unitLamportsPerHour, 2_820_000n);
  assert.is(plans[2]!.unitLamportsPerHour, 8_000_000n + 3_200_000n + 100_000n + 50_000_000n);
});

test('imageAllowed: exact names and prefixes', () => {
  const images = ['ubuntu:22.04', 'docker.io/library/*'];
  assert.ok(imageAllowed(images, 'ubuntu:22.04'));
  assert.not.ok(imageAllowed(images, 'ubuntu:24.04'));
  assert.ok(imageAllowed(images, 'docker.io/library/nginx:1.27'));
  assert.not.ok(imageAllowed(images, 'docker.io/evil/nginx'));
  assert.ok(imageAllowed(['*'], 'anything/at:all'));
});

test.run();
