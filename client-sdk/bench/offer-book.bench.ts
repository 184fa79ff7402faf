/**
 * Offer book query speed. Builds 100,000 random offers signed for real (Ed25519 through
 * node:crypto, to build them fast), fills books of 10,000 and 100,000, and times typical
 * renter filters. Prints a table; `benchOfferBook()` returns the pooled medians in ms.
 *
 * The public key is encoded by generateKeyPairSync itself (publicKeyEncoding), not by
 * `publicKey.export({ format: 'jwk' })`: on Node 20 a GC during that export can run the
 * key-generation job's destructor, which waits for the lock the export holds, and the
 * process hangs for good (seen here after ~25,000 keys).
 *
 *   npx tsx client-sdk/bench/offer-book.bench.ts
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { base58Encode } from '../src/identity/base58.js';
import { peerIdFromSolanaPublicKey } from '../src/identity/host-identity.js';
import { decodeSignedOffer, encodeOffer } from '../src/offers/codec.js';
import { OfferBook } from '../src/offers/offer-book.js';
import type { OfferFilter } from '../src/offers/offer-filter.js';
import { OFFER_SIGNING_DOMAIN, verifyOffer } from '../src/offers/sign.js';
import type { Offer, SignedOffer } from '../src/offers/types.js';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const RUNS_PER_FILTER = 41;

const FILTERS: [string, OfferFilter][] = [
  ['2 cores, 4 GiB', { minCpuCores: 2, minMemoryMiB: 4096 }],
  ['DE, 4 cores, ubuntu, 1 h', { country: 'DE', minCpuCores: 4, image: 'ubuntu:22.04', durationSecs: 3600 }],
  ['GPU rtx 4090, <= 0.5 SOL/h', { gpuModel: 'rtx 4090', minGpus: 1, maxLamportsPerHour: 500_000_000n }],
  ['aws arm64, 16 GiB', { kind: 'aws', arch: 'arm64', minMemoryMiB: 16384 }],
  ['label frankfurt, cheap', { regionLabel: 'frankfurt', minCpuCores: 1, maxLamportsPerHour: 5_000_000n }],
  ['everything (top 100)', {}],
];

/** mulberry32: a seeded generator, so every run builds the same offers. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REGIONS: [string, string][] = [
  ['DE', 'Frankfurt'], ['DE', 'Berlin'], ['US', 'us-east-1'], ['US', 'Oregon'], ['FR', 'Paris'], ['GB', 'London'],
  ['NL', 'Amsterdam'], ['JP', 'Tokyo'], ['SG', 'Singapore'], ['BR', 'Sao Paulo'], ['IN', 'Mumbai'], ['CA', 'Montreal'],
  ['AU', 'Sydney'], ['PL', 'Warsaw'], ['SE', 'Stockholm'], ['FI', 'Helsinki'], ['KR', 'Seoul'], ['ZA', 'Cape Town'],
];
const GPU_MODELS = ['NVIDIA GeForce RTX 4090', 'NVIDIA GeForce RTX 3090', 'NVIDIA A100 80GB', 'NVIDIA H100', 'AMD Instinct MI300X'];
const IMAGES = ['ubuntu:22.04', 'ubuntu:24.04', 'debian:12', 'alpine:3.20', 'python:3.12', 'node:20', 'postgres:16', 'redis:7', 'nginx:1.27', 'pytorch/pytorch:2.4.0-cuda12.1'];

function randomOffer(next: () => number, host: string, peerId: string): Offer {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const [country, label] = pick(REGIONS);
  const gpus = next() < 0.15 ? [{ model: pick(GPU_MODELS), memoryMiB: 24576, count: 1 + Math.floor(next() * 8) }] : [];
  const lamports = (min: number, max: number) => BigInt(Math.floor(min + next() * (max - min)));
  const kindRoll = next();
  const images = IMAGES.filter(() => next() < 0.4);
  return {
    version: 1,
    kind: kindRoll < 0.8 ? 'docker' : kindRoll < 0.9 ? 'aws' : 'gcp',
    host,
    peerId,
    addrs: [`/ip4/198.51.100.${Math.floor(next() * 255)}/tcp/4001`],
    resources: {
      cpuCores: pick([1, 2, 4, 8, 16, 32, 64]),
      cpuModel: 'AMD EPYC 7763 64-Core Processor',
      benchScore: Math.floor(100 + next() * 5000),
      memoryMiB: 1024 * pick([2, 4, 8, 16, 32, 64, 128, 256]),
      diskGiB: pick([20, 50, 100, 500, 2000]),
      gpus,
      arch: next() < 0.8 ? 'x86_64' : 'arm64',
    },
    region: { country, label },
    price: {
      lamportsPerHour: { cpuCore: lamports(200_000, 3_000_000), memoryGiB: lamports(50_000, 500_000), diskGiB: lamports(100, 5_000), gpu: lamports(20_000_000, 400_000_000) },
      plans: next() < 0.3 ? [{ name: 'small', cpuCores: 2, memoryMiB: 4096, diskGiB: 40, gpus: 0, lamportsPerHour: lamports(500_000, 3_000_000) }] : [],
    },
    duration: { minSecs: pick([60, 600, 3600]), maxSecs: pick([86400, 7 * 86400, 30 * 86400]) },
    images: images.length > 0 ? images : ['*'],
    stake: lamports(1e9, 100e9),
    seq: BigInt(Math.floor(next() * 1000)),
    issuedAt: NOW - 60_000,
    expiresAt: NOW + 10 * 60_000,
  };
}

const SPKI_ED25519_PREFIX_LENGTH = 12;

/** Builds `count` offers from distinct fresh host keys, each signed like signOffer signs. */
function buildOffers(count: number): SignedOffer[] {
  const next = random(42);
  const domain = new TextEncoder().encode(OFFER_SIGNING_DOMAIN);
  const offers: SignedOffer[] = [];
  for (let i = 0; i < count; i++) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519', { publicKeyEncoding: { type: 'spki', format: 'der' } });
    // @types/node has no overload for publicKeyEncoding alone; Node returns the DER Buffer.
    const pk = (publicKey as unknown as Buffer).subarray(SPKI_ED25519_PREFIX_LENGTH);
    const offer = randomOffer(next, base58Encode(pk), peerIdFromSolanaPublicKey(pk).toString());
    const body = encodeOffer(offer);
    const signature = sign(null, Buffer.concat([domain, body]), privateKey);
    offers.push(decodeSignedOffer(Buffer.concat([body, signature])));
  }
  return offers;
}

function fillBook(offers: SignedOffer[]): { book: OfferBook; addMs: number } {
  const next = random(7);
  const book = new OfferBook();
  const start = performance.now();
  for (const signed of offers) book.add(signed, NOW);
  const addMs = performance.now() - start;
  for (const { offer } of offers) if (next() < 0.5) book.recordUptime(offer.host, Math.round(next() * 100) / 100);
  return { book, addMs };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

interface FilterTiming {
  name: string;
  matches: number;
  medianMs: number;
}

function timeQueries(book: OfferBook): { timings: FilterTiming[]; pooledMedianMs: number } {
  const all: number[] = [];
  const timings = FILTERS.map(([name, filter]) => {
    for (let i = 0; i < 5; i++) book.query(filter, { now: NOW }); // warm up the JIT
    const runs: number[] = [];
    for (let i = 0; i < RUNS_PER_FILTER; i++) {
      const start = performance.now();
      book.query(filter, { now: NOW });
      runs.push(performance.now() - start);
    }
    all.push(...runs);
    return { name, matches: book.query(filter, { now: NOW, limit: Infinity }).length, medianMs: median(runs) };
  });
  return { timings, pooledMedianMs: median(all) };
}

export interface OfferBookBench {
  /** Median query time over all filters, in ms. */
  n10000: number;
  n100000: number;
}

export async function benchOfferBook(print = false): Promise<OfferBookBench> {
  const buildStart = performance.now();
  const offers = buildOffers(100_000);
  const buildMs = performance.now() - buildStart;

  const verifyStart = performance.now();
  for (const signed of offers.slice(0, 200)) verifyOffer(signed.bytes, { now: NOW });
  const verifyMs = (performance.now() - verifyStart) / 200;

  const small = fillBook(offers.slice(0, 10_000));
  const large = fillBook(offers);
  const n10 = timeQueries(small.book);
  const n100 = timeQueries(large.book);
  if (print) {
    console.log(`built and signed 100,000 offers in ${(buildMs / 1000).toFixed(1)} s; verifyOffer ${verifyMs.toFixed(2)} ms each`);
    console.log(`add(): 10,000 in ${small.addMs.toFixed(1)} ms, 100,000 in ${large.addMs.toFixed(1)} ms`);
    console.table(
      n10.timings.map((t, i) => ({
        filter: t.name,
        'matches @10k': t.matches,
        'median ms @10k': Number(t.medianMs.toFixed(3)),
        'matches @100k': n100.timings[i]!.matches,
        'median ms @100k': Number(n100.timings[i]!.medianMs.toFixed(3)),
      })),
    );
    console.log(`pooled median: ${n10.pooledMedianMs.toFixed(3)} ms @10k, ${n100.pooledMedianMs.toFixed(3)} ms @100k`);
  }
  return { n10000: n10.pooledMedianMs, n100000: n100.pooledMedianMs };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchOfferBook(true)));
}
