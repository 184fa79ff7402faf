// The node's metrics registry behind a real HTTP server: Prometheus text on /metrics, gauges
// read at scrape time, counters as counted, JSON routes, and clear refusals.
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { LeaseState } from '../src/leases/index.js';
import { MetricsServerError, createNodeMetrics, startMetricsServer } from '../src/metrics/index.js';
import type { MetricsServer, NodeMetrics } from '../src/metrics/index.js';

let states: LeaseState[] = ['running', 'running', 'closed', 'failed'];
let earned: () => Promise<bigint | undefined> = async () => 1_234_567n;
let metrics: NodeMetrics;
let server: MetricsServer;

test.before(async () => {
  metrics = createNodeMetrics({
    leaseStates: async () => states,
    containers: async () => states.filter((s) => s === 'running').length,
    earnedLamports: () => earned(),
    peersConnected: () => 3,
  });
  server = await startMetricsServer({
    host: '127.0.0.1', port: 0, registry: metrics.registry, routes: { '/health': () => ({ ok: true, seq: 12345678901234567890n }) },
  });
});

test.after(async () => { await server?.close(); });

const scrape = async (): Promise<string> => (await fetch(`${server.url}/metrics`)).text();
const sample = (text: string, name: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
};

test('/metrics serves Prometheus text with gauges read at scrape time', async () => {
  const response = await fetch(`${server.url}/metrics`);
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', 'text/plain');
  const text = await response.text();
  assert.is(sample(text, 'decloud_leases{state="running"}'), 2);
  assert.is(sample(text, 'decloud_leases{state="closed"}'), 1);
  assert.is(sample(text, 'decloud_leases{state="quoted"}'), 0, 'every state is listed');
  assert.is(sample(text, 'decloud_containers'), 2);
  assert.is(sample(text, 'decloud_earned_lamports'), 1_234_567);
  assert.is(sample(text, 'decloud_peers_connected'), 3);
  assert.match(text, /^decloud_node_process_cpu_seconds_total /m);

  states = ['running'];
  assert.is(sample(await scrape(), 'decloud_leases{state="running"}'), 1, 'the next scrape reads the sources again');
});

test('counters count what the daemon counted', async () => {
  metrics.offersPublished.inc();
  metrics.offersPublished.inc();
  metrics.quoteRequests.inc(5);
  metrics.quoteRefusals.inc({ reason: 'NO_CAPACITY' });
  metrics.proofsPosted.inc(4);
  metrics.settledLamports.inc(9000);
  const text = await scrape();
  assert.is(sample(text, 'decloud_offers_published_total'), 2);
  assert.is(sample(text, 'decloud_quote_requests_total'), 5);
  assert.is(sample(text, 'decloud_quote_refusals_total{reason="NO_CAPACITY"}'), 1);
  assert.is(sample(text, 'decloud_proofs_posted_total'), 4);
  assert.is(sample(text, 'decloud_settled_lamports_total'), 9000);
});

test('earnings keep their last value while the chain cannot be read', async () => {
  earned = async () => { throw new Error('RPC down'); };
  assert.is(sample(await scrape(), 'decloud_earned_lamports'), 1_234_567);
  earned = async () => 2_000_000n;
  assert.is(sample(await scrape(), 'decloud_earned_lamports'), 2_000_000);
});

test('JSON routes carry bigints as strings; unknown paths and other methods are refused', async () => {
  assert.equal(await (await fetch(`${server.url}/health`)).json(), { ok: true, seq: '12345678901234567890' });
  const missing = await fetch(`${server.url}/nope`);
  assert.is(missing.status, 404);
  assert.match(await missing.text(), 'try /metrics or /health');
  assert.is((await fetch(`${server.url}/metrics`, { method: 'POST' })).status, 405);
});

test('a port in use is refused with the config field to change', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const { port } = blocker.address() as AddressInfo;
  try {
    await startMetricsServer({ host: '127.0.0.1', port, registry: metrics.registry });
    assert.unreachable('the port is taken');
  } catch (err) {
    assert.instance(err, MetricsServerError);
    assert.is((err as MetricsServerError).code, 'METRICS_PORT_IN_USE');
    assert.match((err as Error).message, `port ${port} on 127.0.0.1 is in use (another node?): set metrics.port in the config`);
  } finally {
    await new Promise((resolve) => blocker.close(resolve));
  }
});

test.run();
