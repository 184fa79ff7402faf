// The daemon's offer side: the offer built from this machine's measured capacity verifies as
// a signed offer; addresses, free capacity, the persisted seq and the offer history.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Keypair } from '@solana/web3.js';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/host-identity';
import { OFFER_LIMITS } from '@decloud/sdk/offers/limits';
import { signOffer, verifyOffer } from '@decloud/sdk/offers/sign';
import { measureCapacity, sellableCapacity } from '../src/capacity/index.js';
import type { SellableCapacity } from '../src/capacity/index.js';
import { MAX_OFFER_ADDRS, OfferSeq, buildOffer, clipUtf8, freeCapacity, offerAddrs } from '../src/daemon/index.js';
import { freeGpus } from '../src/daemon/offer-builder.js';
import type { OfferInputs } from '../src/daemon/index.js';
import { OfferHistory } from '../src/daemon/offer-history.js';
import type { LeaseRecord, LeaseState } from '../src/leases/index.js';
import { IMAGE, quoteFor, tempDir } from './support/chain-world.js';

const operator = Keypair.generate();
const peerId = peerIdFromSolanaPublicKey(operator.publicKey.toBytes()).toString();
let dir: Awaited<ReturnType<typeof tempDir>>;
let sellable: SellableCapacity;

test.before(async () => {
  dir = await tempDir('daemon-offer');
  sellable = sellableCapacity(await measureCapacity({ dataPath: dir.path }));
});
test.after(async () => { await dir?.remove(); });

function inputs(changes: Partial<OfferInputs> = {}): OfferInputs {
  return {
    operator: operator.publicKey.toBase58(), peerId, addrs: [`/ip4/127.0.0.1/tcp/4011/p2p/${peerId}`], sellable, free: freeCapacity(sellable, []), benchScore: 1000,
    region: { country: 'DE', label: 'rack 4' }, prices: { cpuCore: 10n, memoryGiB: 2n, diskGiB: 1n, gpu: 100n }, images: [IMAGE],
    limits: { minLeaseSecs: 60, maxLeaseSecs: 86_400 }, stake: 1_000_000_000n, seq: 7n, now: Date.now(), ttlMs: 3_600_000, ...changes,
  };
}

test('the offer built from this machine signs and verifies, carrying what was measured and configured', () => {
  const now = Date.now();
  const signed = verifyOffer(signOffer(buildOffer(inputs({ now })), operator.secretKey).bytes, { now });
  const { offer } = signed;
  assert.is(offer.kind, 'docker');
  assert.is(offer.host, operator.publicKey.toBase58());
  assert.is(offer.peerId, peerId);
  assert.is(offer.resources.cpuCores, sellable.cpuCores);
  assert.is(offer.resources.memoryMiB, sellable.memoryMiB);
  assert.is(offer.resources.arch, sellable.arch);
  assert.equal(offer.duration, { minSecs: 60, maxSecs: 86_400 });
  assert.is(offer.seq, 7n);
  assert.is(offer.expiresAt, now + 3_600_000);
  assert.equal(offer.price.plans, []);
});

test('long model names are clipped to the offer limits at a character boundary', () => {
  const many = { ...sellable, cpuModel: 'Ü'.repeat(200), gpus: [{ model: 'ĞPU '.repeat(40), memoryMiB: 24_576, count: 2 }] };
  const { offer } = signOffer(buildOffer(inputs({ sellable: many, free: freeCapacity(many, []) })), operator.secretKey);
  assert.ok(new TextEncoder().encode(offer.resources.cpuModel).length <= OFFER_LIMITS.maxCpuModelBytes);
  assert.ok(new TextEncoder().encode(offer.resources.gpus[0]!.model).length <= OFFER_LIMITS.maxGpuModelBytes);
  fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), fc.integer({ min: 0, max: 64 }), (text, max) => {
    const clipped = clipUtf8(text, max);
    return new TextEncoder().encode(clipped).length <= max && text.startsWith(clipped) && !clipped.includes('\uFFFD');
  }));
});

test('offer addresses: reachable ones first, loopback last, no duplicates, none too long, at most MAX_OFFER_ADDRS', () => {
  const lan = (i: number) => `/ip4/192.168.1.${i}/tcp/4011/p2p/${peerId}`;
  const loop = `/ip4/127.0.0.1/tcp/4011/p2p/${peerId}`;
  assert.equal(offerAddrs([loop, lan(1), lan(1), `/dns4/${'x'.repeat(300)}/tcp/1`]), [lan(1), loop]);
  const many = offerAddrs([loop, ...Array.from({ length: 12 }, (_, i) => lan(i))]);
  assert.is(many.length, MAX_OFFER_ADDRS);
  assert.not.ok(many.includes(loop), 'loopback goes first when space runs out');
  assert.equal(offerAddrs([loop]), [loop], 'a machine with loopback only still lists it');
});

test('free capacity is the sellable capacity minus the live leases only', () => {
  const record = (state: LeaseState, cpuCores: number, memoryMiB: number): LeaseRecord => ({
    lease: Keypair.generate().publicKey.toBase58(), state, maxEnd: 0n, updatedAt: 0,
    quote: quoteFor(operator, Keypair.generate().publicKey, { resources: { cpuCores, memoryMiB, diskGiB: 1, gpus: 0 } }),
  });
  const base: SellableCapacity = { ...sellable, cpuCores: 8, memoryMiB: 16_384, diskGiB: 100, gpus: [{ model: 'X', memoryMiB: 1, count: 2 }] };
  const free = freeCapacity(base, [record('running', 2, 4096), record('funded', 1, 1024), record('closed', 4, 4096), record('failed', 4, 4096), record('ending', 1, 1024)]);
  assert.equal(free, { cpuCores: 4, memoryMiB: 10_240, diskGiB: 97, gpus: 2 });
  assert.equal(freeCapacity(base, [record('running', 9, 99_999)]), { cpuCores: 0, memoryMiB: 0, diskGiB: 99, gpus: 2 }, 'never below zero');
});

test('the offer shows what the leases leave free; a booked host still signs a valid offer with nothing free', () => {
  const base: SellableCapacity = { ...sellable, cpuCores: 8, memoryMiB: 16_384, diskGiB: 100, gpus: [{ model: 'A', memoryMiB: 1, count: 2 }, { model: 'B', memoryMiB: 2, count: 3 }] };
  const now = Date.now();
  const offerWith = (free: OfferInputs['free']) =>
    verifyOffer(signOffer(buildOffer(inputs({ sellable: base, free, now })), operator.secretKey).bytes, { now }).offer.resources;
  const partly = offerWith({ cpuCores: 5, memoryMiB: 12_288, diskGiB: 90, gpus: 4 });
  assert.equal([partly.cpuCores, partly.memoryMiB, partly.diskGiB], [5, 12_288, 90]);
  assert.equal(partly.gpus, [{ model: 'A', memoryMiB: 1, count: 1 }, { model: 'B', memoryMiB: 2, count: 3 }]);
  const booked = offerWith({ cpuCores: 0, memoryMiB: 0, diskGiB: 0, gpus: 0 });
  assert.equal([booked.cpuCores, booked.memoryMiB, booked.diskGiB, booked.gpus], [0, 0, 0, []]);
  assert.equal(freeGpus(base.gpus, 1), [{ model: 'B', memoryMiB: 2, count: 1 }], 'taken GPUs come off the kinds in order');
  assert.equal(freeGpus(base.gpus, 5), base.gpus);
});

test('the offer seq grows across restarts (file), never falls below the clock, and survives a damaged file', async () => {
  const file = join(dir.path, 'offer-seq');
  const first = await OfferSeq.open(file);
  assert.is(first.current, 0n);
  const a = await first.next(1000);
  const b = await first.next(1000);
  assert.is(a, 1000n, 'the wall clock is the floor');
  assert.is(b, 1001n);
  const reopened = await OfferSeq.open(file);
  assert.is(reopened.current, 1001n);
  assert.is(await reopened.next(5), 1002n, 'a clock that went back does not lower the seq');
  assert.is((await readFile(file, 'utf8')).trim(), '1002');
  await writeFile(file, 'garbage');
  assert.is(await (await OfferSeq.open(file)).next(2000), 2000n);
});

test('the offer history answers for still valid seqs of this run, else the newest offer', () => {
  const history = new OfferHistory();
  assert.is(history.offerFor(1n, 0), undefined);
  const sign = (seq: bigint, now: number) => signOffer(buildOffer(inputs({ seq, now, ttlMs: 10_000 })), operator.secretKey);
  const t = Date.now();
  history.add(sign(1n, t), t);
  history.add(sign(2n, t + 5000), t + 5000);
  assert.is(history.offerFor(1n, t + 6000)?.seq, 1n);
  assert.is(history.offerFor(99n, t + 6000)?.seq, 2n, 'an unknown seq gets the current offer (decideQuote then says PRICE_CHANGED)');
  assert.is(history.offerFor(1n, t + 10_000)?.seq, 2n, 'an expired offer no longer counts');
  history.add(sign(3n, t + 12_000), t + 12_000);
  assert.is(history.current()?.offer.seq, 3n);
});

test.run();
