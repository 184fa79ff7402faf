import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { imageAllowed, OFFER_LIMITS, OfferBook, priceOf, signOffer } from '../src/offers/index.js';
import type { OfferFilter, SignedOffer } from '../src/offers/index.js';
import { makeOffer, makeSignedOffer, NOW, testHost } from './offer-fixtures.js';
import type { OfferChanges, TestHost } from './offer-fixtures.js';

const hosts: TestHost[] = Array.from({ length: 24 }, (_, i) => testHost(i + 1));
const [alice, bob, carol, dave, erin] = hosts as [TestHost, TestHost, TestHost, TestHost, TestHost];

const hostsOf = (offers: SignedOffer[]) => offers.map((s) => s.offer.host);

test('newest seq per host wins; equal or lower seq is stale (replay); expired offers are not added', () => {
  const book = new OfferBook();
  assert.is(book.wouldAdd(makeOffer(alice, { seq: 5n }), NOW), 'added');
  assert.is(book.size, 0, 'wouldAdd changes nothing');
  assert.is(book.add(makeSignedOffer(alice, { seq: 5n }), NOW), 'added');
  assert.equal(
    [book.wouldAdd(makeOffer(alice, { seq: 5n }), NOW), book.wouldAdd(makeOffer(alice, { seq: 6n }), NOW), book.wouldAdd(makeOffer(alice, { seq: 6n }), NOW + 600_000)],
    ['stale', 'replaced', 'expired'],
  );
  assert.is(book.add(makeSignedOffer(alice, { seq: 6n, resources: { cpuCores: 16 } }), NOW), 'replaced');
  assert.is(book.add(makeSignedOffer(alice, { seq: 6n }), NOW), 'stale');
  assert.is(book.add(makeSignedOffer(alice, { seq: 5n }), NOW), 'stale');
  assert.is(book.size, 1);
  assert.is(book.get(alice.address)!.offer.seq, 6n);
  assert.is(book.get(alice.address)!.offer.resources.cpuCores, 16);
  const old = makeSignedOffer(bob, { expiresAt: NOW + 1000 });
  assert.is(book.add(old, NOW + 1000), 'expired');
  assert.is(book.get(bob.address), undefined);
  assert.is(book.size, 1);
});

test('remove keeps replay protection; prune drops expired offers and, after a lifetime, old seqs', () => {
  const book = new OfferBook();
  const seq5 = makeSignedOffer(alice, { seq: 5n, expiresAt: NOW + OFFER_LIMITS.maxTtlMs - 1000 });
  book.add(makeSignedOffer(alice, { seq: 6n }), NOW);
  assert.ok(book.remove(alice.address));
  assert.not.ok(book.remove(alice.address));
  assert.is(book.size, 0);
  assert.is(book.add(seq5, NOW), 'stale');
  assert.is(book.add(makeSignedOffer(alice, { seq: 7n }), NOW), 'added');

  book.add(makeSignedOffer(bob, { expiresAt: NOW + 60_000 }), NOW);
  book.add(makeSignedOffer(carol, { expiresAt: NOW + 120_000 }), NOW);
  assert.is(book.query({}, { now: NOW + 60_000 }).length, 2, 'an expired offer is never returned, even before pruning');
  assert.is(book.prune(NOW + 60_000), 1);
  assert.equal([book.size, book.get(bob.address), book.get(carol.address)?.offer.host], [2, undefined, carol.address]);
  assert.is(book.prune(NOW + 60_000), 0);

  // Once every offer an honest host signed before seq 7 must have expired, seq 7 is forgotten.
  const later = NOW + OFFER_LIMITS.maxTtlMs + OFFER_LIMITS.maxClockSkewMs + 1;
  assert.is(book.prune(later), 2);
  assert.is(book.add(seq5, later), 'expired');
  assert.is(book.add(makeSignedOffer(alice, { seq: 1n, issuedAt: later, expiresAt: later + 60_000 }), later), 'added');
});

/** Five hosts that differ in one attribute each, for the per-filter table. */
function tableBook(): OfferBook {
  const book = new OfferBook();
  const specs: [TestHost, OfferChanges][] = [
    [alice, {}],
    [bob, { kind: 'aws', region: { country: 'US', label: 'us-east-1' }, resources: { gpus: [], arch: 'arm64' }, images: ['*'] }],
    [carol, { resources: { cpuCores: 32, memoryMiB: 131072, diskGiB: 2000, gpus: [{ model: 'NVIDIA A100 80GB', memoryMiB: 81920, count: 4 }] }, duration: { minSecs: 3600, maxSecs: 86400 } }],
    [dave, { kind: 'gcp', region: { country: 'FR', label: 'Paris' }, images: ['debian:12'], price: { lamportsPerHour: { cpuCore: 100n, memoryGiB: 10n, diskGiB: 1n, gpu: 1000n } } }],
    [erin, { region: { label: 'frankfurt' }, resources: { gpus: [{ model: 'NVIDIA GeForce RTX 4090', memoryMiB: 24576, count: 2 }] } }],
  ];
  for (const [host, changes] of specs) book.add(makeSignedOffer(host, changes), NOW);
  return book;
}

test('each filter field selects exactly the matching offers', () => {
  const book = tableBook();
  const sorted = (offers: SignedOffer[]) => hostsOf(offers).sort();
  const expect = (filter: OfferFilter, who: TestHost[]) =>
    assert.equal(sorted(book.query(filter, { now: NOW })), who.map((h) => h.address).sort(), JSON.stringify(filter, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  expect({}, [alice, bob, carol, dave, erin]);
  expect({ minCpuCores: 9 }, [carol]);
  expect({ minMemoryMiB: 32769 }, [carol]);
  expect({ minDiskGiB: 501 }, [carol]);
  expect({ minGpus: 2 }, [carol, erin]);
  expect({ gpuModel: 'a100' }, [carol]);
  expect({ gpuModel: 'rtx', minGpus: 2 }, [erin]);
  expect({ gpuModel: 'RTX' }, [alice, dave, erin]);
  expect({ country: 'US' }, [bob]);
  expect({ country: 'DE' }, [alice, carol, erin]);
  expect({ regionLabel: 'FRANKFURT' }, [alice, carol, erin]);
  expect({ kind: 'gcp' }, [dave]);
  expect({ arch: 'arm64' }, [bob]);
  expect({ image: 'debian:12' }, [bob, dave]);
  expect({ image: 'docker.io/library/redis:7' }, [alice, bob, carol, erin]);
  expect({ durationSecs: 600 }, [alice, bob, dave, erin]);
  expect({ durationSecs: 8 * 24 * 3600 }, []);
  // price of 1 core: 1,000,000 everywhere but dave (100)
  expect({ minCpuCores: 1, maxLamportsPerHour: 100n }, [dave]);
  expect({ minCpuCores: 1, maxLamportsPerHour: 99n }, []);
  expect({ minCpuCores: 1, maxLamportsPerHour: 1_000_000n }, [alice, bob, carol, dave, erin]);
  expect({ country: 'DE', minGpus: 1, gpuModel: 'nvidia', image: 'ubuntu:22.04', durationSecs: 3600, kind: 'docker', arch: 'x86_64' }, [alice, carol, erin]);
});

test('bad filters, limits and uptime ratios are refused with RangeError and change nothing', () => {
  const book = tableBook();
  assert.throws(() => book.query({ country: 'XX' }), (err: Error) => err instanceof RangeError && /filter\.country/.test(err.message));
  assert.throws(() => book.query({ minCpuCores: -1 }), /filter\.minCpuCores/);
  assert.throws(() => book.query({ maxLamportsPerHour: 5 as unknown as bigint }), /filter\.maxLamportsPerHour/);
  assert.throws(() => book.query({ kind: 'azure' as 'aws' }), /filter\.kind/);
  assert.throws(() => book.query({}, { limit: -1 }), /limit/);
  assert.throws(() => book.recordUptime(alice.address, 1.5), /0\.\.1/);
  assert.throws(() => book.recordUptime(alice.address, NaN), /0\.\.1/);
  assert.is(book.query({}, { now: NOW }).length, 5);
  assert.equal(book.query({}, { now: NOW, limit: 0 }), []);
});

test('ranking: price for the request, then benchScore, then uptime, then host key', () => {
  const book = new OfferBook();
  const cheap = { price: { lamportsPerHour: { cpuCore: 10n } } };
  book.add(makeSignedOffer(alice, { resources: { benchScore: 100 } }), NOW);
  book.add(makeSignedOffer(bob, { ...cheap, resources: { benchScore: 100 } }), NOW);
  book.add(makeSignedOffer(carol, { ...cheap, resources: { benchScore: 900 } }), NOW);
  book.add(makeSignedOffer(dave, { ...cheap, resources: { benchScore: 100 } }), NOW);
  book.add(makeSignedOffer(erin, { ...cheap, resources: { benchScore: 100 } }), NOW);
  book.recordUptime(dave.address, 0.99);
  book.recordUptime(bob.address, 0.5);
  const ranked = hostsOf(book.query({ minCpuCores: 1 }, { now: NOW }));
  const [first, second, ...rest] = ranked;
  assert.is(first, carol.address, 'cheapest and fastest');
  assert.is(second, dave.address, 'best uptime among equals');
  assert.equal(rest.slice(0, 2), [bob.address, erin.address], 'recorded uptime beats none');
  assert.is(rest[2], alice.address, 'most expensive last');
  // erin has no uptime record: once she ties with bob on uptime, the host key decides
  book.recordUptime(erin.address, 0.5);
  const tied = hostsOf(book.query({ minCpuCores: 1 }, { now: NOW })).slice(2, 4);
  assert.equal(tied, [bob.address, erin.address].sort());
  // alice's 'small' plan caps her price for a request it covers at 2.5M (unit prices: 2.82M)
  const covered = { minCpuCores: 2, minMemoryMiB: 4096, minDiskGiB: 20 };
  assert.ok(hostsOf(book.query({ ...covered, maxLamportsPerHour: 2_500_000n }, { now: NOW })).includes(alice.address));
  assert.not.ok(hostsOf(book.query({ ...covered, maxLamportsPerHour: 2_499_999n }, { now: NOW })).includes(alice.address));
});

test('prices beyond float precision rank and filter by exact bigint math', () => {
  const book = new OfferBook();
  const huge = 2n ** 60n;
  book.add(makeSignedOffer(alice, { price: { lamportsPerHour: { cpuCore: huge + 1n } } }), NOW);
  book.add(makeSignedOffer(bob, { price: { lamportsPerHour: { cpuCore: huge } }, resources: { benchScore: 1 } }), NOW);
  assert.is(Number(huge), Number(huge + 1n), 'the two prices are the same float64');
  const filter = { minCpuCores: 3 };
  assert.equal(hostsOf(book.query(filter, { now: NOW })), [bob.address, alice.address]);
  const bobPrice = priceOf(book.get(bob.address)!.offer, { cpuCores: 3, memoryMiB: 0, diskGiB: 0, gpus: 0 });
  assert.equal(hostsOf(book.query({ ...filter, maxLamportsPerHour: bobPrice }, { now: NOW })), [bob.address]);
  assert.equal(hostsOf(book.query({ ...filter, maxLamportsPerHour: bobPrice - 1n }, { now: NOW })), []);
});

/** What query must return, computed the slow, obvious way. */
function referenceQuery(offers: SignedOffer[], filter: OfferFilter, uptimes: Map<string, number>, now: number, limit: number): string[] {
  const request = { cpuCores: filter.minCpuCores ?? 0, memoryMiB: filter.minMemoryMiB ?? 0, diskGiB: filter.minDiskGiB ?? 0, gpus: filter.minGpus ?? 0 };
  const matches = offers.filter(({ offer: o }) => {
    const r = o.resources;
    const gpus = r.gpus.filter((g) => filter.gpuModel === undefined || g.model.toLowerCase().includes(filter.gpuModel.toLowerCase())).reduce((n, g) => n + g.count, 0);
    return (
      o.expiresAt > now &&
      (filter.kind === undefined || o.kind === filter.kind) &&
      (filter.arch === undefined || r.arch === filter.arch) &&
      (filter.country === undefined || o.region.country === filter.country) &&
      (filter.regionLabel === undefined || o.region.label.toLowerCase() === filter.regionLabel.toLowerCase()) &&
      r.cpuCores >= request.cpuCores && r.memoryMiB >= request.memoryMiB && r.diskGiB >= request.diskGiB &&
      gpus >= (filter.gpuModel === undefined ? request.gpus : Math.max(request.gpus, 1)) &&
      (filter.durationSecs === undefined || (o.duration.minSecs <= filter.durationSecs && filter.durationSecs <= o.duration.maxSecs)) &&
      (filter.image === undefined || imageAllowed(o.images, filter.image)) &&
      (filter.maxLamportsPerHour === undefined || priceOf(o, request) <= filter.maxLamportsPerHour)
    );
  });
  const price = (s: SignedOffer) => priceOf(s.offer, request);
  matches.sort((a, b) => {
    const pa = price(a);
    const pb = price(b);
    if (pa !== pb) return pa < pb ? -1 : 1;
    if (a.offer.resources.benchScore !== b.offer.resources.benchScore) return b.offer.resources.benchScore - a.offer.resources.benchScore;
    const ua = uptimes.get(a.offer.host) ?? 0;
    const ub = uptimes.get(b.offer.host) ?? 0;
    if (ua !== ub) return ub - ua;
    return a.offer.host < b.offer.host ? -1 : 1;
  });
  return hostsOf(matches.slice(0, limit));
}

const offerArb = fc.record({
  kind: fc.constantFrom('docker' as const, 'aws' as const, 'gcp' as const),
  arch: fc.constantFrom('x86_64' as const, 'arm64' as const),
  country: fc.constantFrom('DE', 'US', 'FR'),
  label: fc.constantFrom('Frankfurt', 'frankfurt', 'Paris'),
  cpuCores: fc.constantFrom(1, 2, 4, 8),
  memoryMiB: fc.constantFrom(1024, 4096, 16384),
  diskGiB: fc.constantFrom(10, 100),
  gpus: fc.array(fc.record({ model: fc.constantFrom('NVIDIA RTX 4090', 'AMD MI300X'), memoryMiB: fc.constant(24576), count: fc.integer({ min: 1, max: 2 }) }), { maxLength: 2 }),
  benchScore: fc.constantFrom(100, 200),
  unit: fc.constantFrom(1n, 7n, 1000n, 2n ** 60n, 2n ** 60n + 1n),
  plans: fc.array(
    fc.record({ name: fc.constant('p'), cpuCores: fc.constantFrom(1, 4), memoryMiB: fc.constantFrom(1024, 8192), diskGiB: fc.constant(50), gpus: fc.constantFrom(0, 1), lamportsPerHour: fc.constantFrom(5n, 5000n, 2n ** 59n) }),
    { maxLength: 2 },
  ),
  minSecs: fc.constantFrom(60, 3600),
  maxSecs: fc.constantFrom(3600, 86400),
  images: fc.subarray(['ubuntu:22.04', 'debian:12', 'docker.io/library/*', '*'], { minLength: 1 }),
  expiresIn: fc.constantFrom(-1, 1000, 60_000),
  seq: fc.bigInt({ min: 0n, max: 3n }),
});

const filterArb = fc.record(
  {
    minCpuCores: fc.constantFrom(0, 2, 4),
    minMemoryMiB: fc.constantFrom(0, 2048, 16384),
    minDiskGiB: fc.constantFrom(0, 50),
    gpuModel: fc.constantFrom('rtx', 'mi300', 'nvidia rtx 4090'),
    minGpus: fc.constantFrom(0, 1, 2),
    country: fc.constantFrom('DE', 'US'),
    regionLabel: fc.constantFrom('FRANKFURT', 'paris'),
    maxLamportsPerHour: fc.constantFrom(0n, 10n, 10_000n, 2n ** 62n, 2n ** 64n - 1n),
    durationSecs: fc.constantFrom(60, 7200, 100_000),
    kind: fc.constantFrom('docker' as const, 'aws' as const),
    image: fc.constantFrom('ubuntu:22.04', 'docker.io/library/nginx', 'quay.io/x'),
    arch: fc.constantFrom('x86_64' as const, 'arm64' as const),
  },
  { requiredKeys: [] },
);

test('query equals a brute-force reference for random books, removals, uptimes, filters and limits', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.nat(hosts.length - 1), offerArb), { minLength: 1, maxLength: 40 }),
      fc.array(fc.tuple(fc.nat(hosts.length - 1), fc.constantFrom(0, 0.5, 1)), { maxLength: 6 }),
      fc.array(fc.nat(hosts.length - 1), { maxLength: 4 }),
      filterArb,
      fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
      (adds, uptimeRecords, removals, filter, limit) => {
        const book = new OfferBook();
        const live = new Map<string, SignedOffer>();
        for (const [h, v] of adds) {
          const host = hosts[h]!;
          const signed = signOffer(
            makeOffer(host, {
              kind: v.kind,
              seq: v.seq,
              region: { country: v.country, label: v.label },
              resources: { arch: v.arch, cpuCores: v.cpuCores, memoryMiB: v.memoryMiB, diskGiB: v.diskGiB, gpus: v.gpus, benchScore: v.benchScore },
              price: { lamportsPerHour: { cpuCore: v.unit, memoryGiB: v.unit, diskGiB: v.unit, gpu: v.unit }, plans: v.plans },
              duration: { minSecs: v.minSecs, maxSecs: Math.max(v.minSecs, v.maxSecs) },
              images: v.images,
              expiresAt: NOW + v.expiresIn,
            }),
            host.secret,
          );
          const result = book.add(signed, NOW);
          const previous = live.get(host.address);
          const expected = signed.offer.expiresAt <= NOW ? 'expired' : previous && signed.offer.seq <= previous.offer.seq ? 'stale' : previous ? 'replaced' : 'added';
          assert.is(result, expected);
          if (result === 'added' || result === 'replaced') live.set(host.address, signed);
        }
        const uptimes = new Map<string, number>();
        for (const [h, ratio] of uptimeRecords) {
          book.recordUptime(hosts[h]!.address, ratio);
          uptimes.set(hosts[h]!.address, ratio);
        }
        for (const h of removals) {
          assert.is(book.remove(hosts[h]!.address), live.delete(hosts[h]!.address));
        }
        assert.is(book.size, live.size);
        for (const query of [filter, {}]) {
          const expected = referenceQuery([...live.values()], query, uptimes, NOW, limit ?? 100);
          assert.equal(hostsOf(book.query(query, { now: NOW, limit })), expected);
        }
        // The price bound is exact at each offer's own price.
        const request = { cpuCores: filter.minCpuCores ?? 0, memoryMiB: filter.minMemoryMiB ?? 0, diskGiB: filter.minDiskGiB ?? 0, gpus: filter.minGpus ?? 0 };
        const resources = { minCpuCores: request.cpuCores, minMemoryMiB: request.memoryMiB, minDiskGiB: request.diskGiB, minGpus: request.gpus };
        for (const { offer } of live.values()) {
          const price = priceOf(offer, request);
          const bounded = (max: bigint) => hostsOf(book.query({ ...resources, maxLamportsPerHour: max }, { now: NOW, limit: Infinity }));
          if (offer.expiresAt <= NOW || offer.resources.cpuCores < request.cpuCores) continue;
          const fits = offer.resources.memoryMiB >= request.memoryMiB && offer.resources.diskGiB >= request.diskGiB && offer.resources.gpus.reduce((n, g) => n + g.count, 0) >= request.gpus;
          assert.is(bounded(price).includes(offer.host), fits);
          if (price > 0n) assert.not.ok(bounded(price - 1n).includes(offer.host));
        }
      },
    ),
    { numRuns: 150 },
  );
});

test('heavy churn (replacements with new labels, plans, images, gpus) keeps queries exact', () => {
  const book = new OfferBook();
  const live = new Map<string, SignedOffer>();
  const churnHosts = hosts.slice(0, 12);
  for (let round = 0; round < 110; round++) {
    for (const [i, host] of churnHosts.entries()) {
      const signed = makeSignedOffer(host, {
        seq: BigInt(round),
        region: { label: `zone-${round}-${i}` },
        images: [`registry.example.com/app:${round % 7}`, ...(i % 3 === 0 ? ['docker.io/library/*'] : [])],
        resources: { gpus: round % 2 ? [{ model: `Model ${round % 5}`, memoryMiB: 1, count: 1 + (i % 3) }] : [], benchScore: (round * 7 + i) % 50 },
        price: { lamportsPerHour: { cpuCore: BigInt(1 + ((round * 31 + i * 17) % 97)) }, plans: [{ name: 'p', cpuCores: 2, memoryMiB: 2048, diskGiB: 10, gpus: 0, lamportsPerHour: BigInt(50 + i) }] },
      });
      assert.is(book.add(signed, NOW), live.has(host.address) ? 'replaced' : 'added');
      live.set(host.address, signed);
    }
    if (round % 10 === 9) {
      book.remove(churnHosts[round % 12]!.address);
      live.delete(churnHosts[round % 12]!.address);
    }
  }
  const filters: OfferFilter[] = [
    {},
    { minCpuCores: 2, minMemoryMiB: 2048 },
    { regionLabel: 'ZONE-109-3' },
    { image: 'registry.example.com/app:4' },
    { image: 'docker.io/library/redis' },
    { gpuModel: 'model 4', minGpus: 2 },
    { minCpuCores: 1, maxLamportsPerHour: 40n },
  ];
  for (const filter of filters) {
    assert.equal(hostsOf(book.query(filter, { now: NOW })), referenceQuery([...live.values()], filter, new Map(), NOW, 100), JSON.stringify(filter, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)));
  }
  assert.is(hostsOf(book.query({ regionLabel: 'zone-109-3' }, { now: NOW })).length, 1);
});

test('top-k selection and full sort agree on a large book', () => {
  const book = new OfferBook();
  const offers = hosts.map((host, i) =>
    makeSignedOffer(host, { resources: { benchScore: i % 3 }, price: { lamportsPerHour: { cpuCore: BigInt(i % 5) } } }),
  );
  for (const signed of offers) book.add(signed, NOW);
  const all = hostsOf(book.query({ minCpuCores: 1 }, { now: NOW, limit: Infinity }));
  assert.is(all.length, hosts.length);
  for (const limit of [1, 3, 10, 23]) assert.equal(hostsOf(book.query({ minCpuCores: 1 }, { now: NOW, limit })), all.slice(0, limit));
  assert.equal(all, referenceQuery(offers, { minCpuCores: 1 }, new Map(), NOW, Infinity));
});

test.run();
