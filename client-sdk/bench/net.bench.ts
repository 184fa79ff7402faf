/**
 * Network benchmark, all nodes in this one process on loopback TCP:
 *  - propagation of a new offer to 95% and 100% of N nodes (N = 50 and 100; median of several publications),
 *  - DHT capability look-up (providers + offer records, no gossip) on 50 nodes (median),
 *  - resident memory per node.
 * Targets: 100% of 100 nodes in <= 1 s (median); look-up <= 200 ms (median).
 *
 *   npx tsx client-sdk/bench/net.bench.ts
 *
 * One process runs every node, so CPU work that real peers do in parallel (signature
 * checks, encryption) is serialized here: the figures are upper bounds.
 */
import { performance } from 'node:perf_hooks';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createDecloudNode } from '../src/net/create-node.js';
import type { DecloudNodeOptions } from '../src/net/create-node.js';
import type { DecloudNode } from '../src/net/decloud-node.js';
import { OFFER_TOPIC } from '../src/net/protocol-ids.js';
import type { OfferPublisher } from '../src/net/services.js';
import { LOCAL_NODE, makeHost, signedOffer, waitFor } from '../test/net-fixtures.js';

export interface NetBenchResult {
  /** Median time until every node holds a new offer, ms. */
  propagationMs: { n50: number; n100: number };
  /** Median time until 95% of the nodes hold it, ms. */
  propagation95Ms: { n50: number; n100: number };
  /** Median `findHostsByCapability` time on 50 nodes, ms. */
  dhtLookupMs: number;
  rssPerNodeMiB: number;
}

const PUBLICATIONS = 7;
const LOOKUPS = 15;
/** Event-loop use below which the in-process network counts as settled. */
const QUIET_UTILIZATION = 0.2;
const MiB = 1024 * 1024;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface BenchNetwork {
  nodes: DecloudNode[];
  host: DecloudNode;
  publisher: OfferPublisher;
  stop(): Promise<void>;
}

/**
 * Waits (at most a minute) until the event loop is mostly idle: a fresh network keeps
 * dialing and filling routing tables for a while, and in one process that work would
 * be measured as latency that separate machines would not see.
 */
async function settle(log: (line: string) => void): Promise<void> {
  const started = Date.now();
  let utilization = 1;
  while (utilization >= QUIET_UTILIZATION && Date.now() - started < 60_000) {
    const before = performance.eventLoopUtilization();
    await pause(1_000);
    utilization = performance.eventLoopUtilization(before).utilization;
  }
  log(`  settled in ${((Date.now() - started) / 1000).toFixed(0)} s (event loop ${(utilization * 100).toFixed(0)}% busy)`);
}

/** Peers in the node's offer-topic mesh (gossipsub has the method; its interface does not). */
const meshSize = (node: DecloudNode): number =>
  (node.libp2p.services.pubsub as unknown as { getMeshPeers(topic: string): string[] }).getMeshPeers(OFFER_TOPIC).length;

/** A bootstrap, n - 2 renters and one host: n nodes. Resolves once every node has a gossip mesh. */
async function startBenchNetwork(n: number, log: (line: string) => void): Promise<BenchNetwork> {
  const options: DecloudNodeOptions = { ...LOCAL_NODE };
  const bootstrap = await createDecloudNode(options);
  const join = { ...options, bootstrap: [bootstrap.getMultiaddrs()[0]!.toString()] };
  const nodes = [bootstrap];
  for (let i = 0; i < n - 2; i++) nodes.push(await createDecloudNode(join));
  const key = makeHost();
  const host = await createDecloudNode({ ...join, solanaSecretKey: key.secret });
  nodes.push(host);
  const started = Date.now();
  await waitFor(`a gossip mesh on all ${n} nodes`, () => nodes.every((node) => meshSize(node) >= 2), 600_000);
  log(`  ${n} nodes meshed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let seq = 0n;
  // A long interval: every publication below is an explicit one.
  const publisher = host.publishOffers({ source: () => signedOffer(key, { seq: ++seq, gpuModel: 'RTX 4090', country: 'DE' }), intervalMs: 3_600_000 });
  await publisher.events.once('published');
  await settle(log);
  return { nodes, host, publisher, stop: async () => { await Promise.all(nodes.map((node) => node.stop())); } };
}

/** Publishes a new offer and returns when 95% and 100% of the other nodes had it in their book. */
async function measurePropagation(net: BenchNetwork): Promise<{ p95: number; p100: number }> {
  const receivers = net.nodes.filter((node) => node !== net.host);
  const arrivals: number[] = [];
  const listening = new AbortController();
  setMaxListeners(Infinity, listening.signal); // one listener per node
  let started = 0;
  for (const node of receivers) node.offers.events.on('offer', () => arrivals.push(performance.now() - started), { signal: listening.signal });
  started = performance.now();
  await net.publisher.publishNow();
  await waitFor('every node to get the offer', () => arrivals.length >= receivers.length, 30_000).finally(() => listening.abort());
  arrivals.sort((a, b) => a - b);
  return { p95: arrivals[Math.ceil(receivers.length * 0.95) - 1]!, p100: arrivals.at(-1)! };
}

async function propagation(n: number, log: (line: string) => void, rss?: { before: number; perNode?: number }): Promise<{ p95: number; p100: number }> {
  const net = await startBenchNetwork(n, log);
  if (rss !== undefined) rss.perNode = (process.memoryUsage().rss - rss.before) / n / MiB;
  try {
    const p95: number[] = [];
    const p100: number[] = [];
    for (let i = 0; i < PUBLICATIONS; i++) {
      await pause(1_000);
      const run = await measurePropagation(net);
      p95.push(run.p95);
      p100.push(run.p100);
    }
    log(`  ${n} nodes: 100% in ${p100.map((v) => v.toFixed(0)).join(', ')} ms`);
    if (n === 50) {
      await settle(log);
      lookups.push(...await measureLookups(net, log));
    }
    return { p95: median(p95), p100: median(p100) };
  } finally {
    await net.stop();
  }
}

const lookups: number[] = [];

/**
 * `findHostsByCapability` once from each of several renters. Renters among the DHT servers
 * closest to the key answer partly from their own store, as they would in a real network.
 */
async function measureLookups(net: BenchNetwork, log: (line: string) => void): Promise<number[]> {
  const times: number[] = [];
  const askers = net.nodes.filter((node) => node !== net.host).slice(1, 1 + LOOKUPS);
  for (const asker of askers) {
    const started = performance.now();
    const found = await asker.hosts.findHostsByCapability({ type: 'gpu', value: 'rtx 4090' }, { signal: AbortSignal.timeout(30_000) });
    times.push(performance.now() - started);
    if (found.length !== 1) throw new Error(`look-up found ${found.length} hosts, expected 1`);
    await pause(200);
  }
  log(`  look-ups: ${times.map((v) => v.toFixed(0)).join(', ')} ms`);
  return times;
}

export async function benchNet(log: (line: string) => void = () => undefined): Promise<NetBenchResult> {
  lookups.length = 0;
  const rss = { before: process.memoryUsage().rss } as { before: number; perNode?: number };
  const n50 = await propagation(50, log, rss);
  const n100 = await propagation(100, log);
  return {
    propagationMs: { n50: n50.p100, n100: n100.p100 },
    propagation95Ms: { n50: n50.p95, n100: n100.p95 },
    dhtLookupMs: median(lookups),
    rssPerNodeMiB: rss.perNode!,
  };
}

function table(result: NetBenchResult): string {
  const rows: Array<[string, string, string]> = [
    ['offer to 95% of 50 nodes (median)', `${result.propagation95Ms.n50.toFixed(0)} ms`, ''],
    ['offer to 100% of 50 nodes (median)', `${result.propagationMs.n50.toFixed(0)} ms`, ''],
    ['offer to 95% of 100 nodes (median)', `${result.propagation95Ms.n100.toFixed(0)} ms`, ''],
    ['offer to 100% of 100 nodes (median)', `${result.propagationMs.n100.toFixed(0)} ms`, '<= 1000 ms'],
    ['DHT capability look-up, 50 nodes (median)', `${result.dhtLookupMs.toFixed(0)} ms`, '<= 200 ms'],
    ['RSS per node', `${result.rssPerNodeMiB.toFixed(1)} MiB`, ''],
  ];
  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((r) => r[c]!.length), ['measure', 'value', 'target'][c]!.length));
  const line = (cells: string[]): string => cells.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ');
  return [line(['measure', 'value', 'target']), widths.map((w) => '-'.repeat(w)).join('-|-'), ...rows.map(line)].join('\n');
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await benchNet((line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`\n${table(result)}\n`);
}
