// The offer index over real sockets: a bootstrap daemon (in-process) with --http-port and
// --web, three hosts (real libp2p nodes) gossiping signed offers to it. GET /offers lists
// and filters them with the offer book's filters, bad parameters get a 400 naming the
// parameter, health and metrics answer, and the web directory is served read-only.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import { Registry } from 'prom-client';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/host-identity';
import { createDecloudNode } from '@decloud/sdk/net/create-node';
import type { DecloudNode } from '@decloud/sdk/net/index';
import { OfferBook } from '@decloud/sdk/offers/offer-book';
import { signOffer, verifyOffer } from '@decloud/sdk/offers/sign';
import type { Offer } from '@decloud/sdk/offers/types';
import { startBootstrapDaemon } from '../src/daemon/bootstrap-daemon.js';
import type { BootstrapDaemon } from '../src/daemon/bootstrap-daemon.js';
import { openStaticSite, startOfferIndexServer } from '../src/offer-index/index.js';
import { LOCAL_NODE, waitFor } from './witness-fixtures.js';

interface Shape {
  country: string;
  cpuCores: number;
  arch: Offer['resources']['arch'];
  kind: Offer['kind'];
  gpu?: string;
  images: string[];
  cpuPrice: bigint;
  label: string;
}

const SHAPES: Shape[] = [
  { country: 'DE', cpuCores: 8, arch: 'x86_64', kind: 'docker', gpu: 'NVIDIA RTX 4090', images: ['*'], cpuPrice: 3_000n, label: 'Frankfurt' },
  { country: 'FR', cpuCores: 4, arch: 'arm64', kind: 'docker', images: ['*'], cpuPrice: 1_000n, label: 'Paris' },
  { country: 'US', cpuCores: 16, arch: 'x86_64', kind: 'aws', images: ['docker.io/library/*'], cpuPrice: 2_000n, label: 'us-east-1' },
];

let stateDir: string;
let webDir: string;
let daemon: BootstrapDaemon;
let base: string;
const hosts: Array<{ key: Keypair; node: DecloudNode; peerId: string }> = [];

function offerOf(key: Keypair, node: DecloudNode, shape: Shape, seq: bigint): Offer {
  const now = Date.now();
  return {
    version: 1,
    kind: shape.kind,
    host: key.publicKey.toBase58(),
    peerId: node.peerId.toString(),
    addrs: node.getMultiaddrs().map((a) => a.toString()),
    resources: {
      cpuCores: shape.cpuCores, cpuModel: 'Index Test CPU', benchScore: 900, memoryMiB: 16_384, diskGiB: 100,
      gpus: shape.gpu === undefined ? [] : [{ model: shape.gpu, memoryMiB: 24_576, count: 1 }], arch: shape.arch,
    },
    region: { country: shape.country, label: shape.label },
    price: { lamportsPerHour: { cpuCore: shape.cpuPrice, memoryGiB: 100n, diskGiB: 1n, gpu: 50_000n }, plans: [] },
    duration: { minSecs: 60, maxSecs: 86_400 },
    images: shape.images,
    stake: 1_000_000_000n,
    seq,
    issuedAt: now,
    expiresAt: now + 3_600_000,
  };
}

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** A request with the path sent as is (fetch would normalize `..` away). */
function raw(path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { body += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

async function json(path: string): Promise<{ status: number; body: any }> {
  const reply = await raw(path);
  assert.match(String(reply.headers['content-type']), 'application/json');
  return { status: reply.status, body: JSON.parse(reply.body) };
}

const countries = async (query: string): Promise<string[]> => ((await json(`/offers?${query}`)).body.offers as Array<{ region: { country: string } }>).map((o) => o.region.country);

test.before(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'decloud-index-state-'));
  webDir = await mkdtemp(join(tmpdir(), 'decloud-index-web-'));
  await writeFile(join(webDir, 'index.html'), '<!doctype html><title>DeCloud</title>');
  await writeFile(join(webDir, 'app.js'), 'console.log("decloud")');
  await mkdir(join(webDir, 'assets'));
  await writeFile(join(webDir, 'assets', 'style.css'), 'body{}');
  await writeFile(join(webDir, '.env'), 'SECRET=1');
  await writeFile(join(stateDir, 'outside.txt'), 'outside the web directory');
  await symlink(join(stateDir, 'outside.txt'), join(webDir, 'leak.txt'));

  daemon = await startBootstrapDaemon({
    stateDir, listenHost: '127.0.0.1', tcpPort: 0, wsPort: 0, webrtcPort: 0, announce: [], bootstrap: [], maxReservations: 8,
    httpPort: 0, webDir,
  });
  base = daemon.httpUrl!;
  const bootstrap = daemon.multiaddrs().find((a) => a.includes('/tcp/') && !a.includes('/ws'))!;
  for (const shape of SHAPES) {
    const key = Keypair.generate();
    const node = await createDecloudNode({ ...LOCAL_NODE, solanaSecretKey: key.secretKey, bootstrap: [bootstrap] });
    let seq = 0n;
    node.publishOffers({ source: () => signOffer(offerOf(key, node, shape, ++seq), key.secretKey) });
    hosts.push({ key, node, peerId: node.peerId.toString() });
  }
  await waitFor('three offers in the index', async () => ((await json('/offers')).body.count === 3 ? true : undefined), 30_000);
});

test.after(async () => {
  await Promise.all(hosts.map((h) => h.node.stop()));
  await daemon?.stop();
  await rm(stateDir, { recursive: true, force: true });
  await rm(webDir, { recursive: true, force: true });
});

test('GET /offers lists the gossiped offers: bigints as strings, the signed bytes verifiable', async () => {
  const { status, body } = await json('/offers');
  assert.is(status, 200);
  assert.is(body.count, 3);
  for (const offer of body.offers) {
    const signed = verifyOffer(new Uint8Array(Buffer.from(offer.signed, 'base64')));
    assert.is(signed.offer.peerId, offer.peerId);
    assert.is(offer.seq, signed.offer.seq.toString());
    assert.is(offer.stake, '1000000000');
    assert.type(offer.price.lamportsPerHour.cpuCore, 'string');
    assert.ok(hosts.some((h) => h.peerId === offer.peerId));
  }
});

test('filters: country, GPU, cores, arch, kind, image, region, price and limit', async () => {
  assert.equal(await countries('country=FR'), ['FR']);
  assert.equal(await countries('country=fr'), ['FR'], 'country codes in any case');
  assert.equal(await countries('gpuModel=rtx%204090'), ['DE']);
  assert.equal(await countries('minCpuCores=10'), ['US']);
  assert.equal(await countries('arch=arm64'), ['FR']);
  assert.equal(await countries('kind=aws'), ['US']);
  assert.equal((await countries('image=docker.io/library/nginx')).sort(), ['DE', 'FR', 'US']);
  assert.equal((await countries('image=ghcr.io/me/app')).sort(), ['DE', 'FR']);
  assert.equal(await countries('region=paris'), ['FR']);
  assert.equal(await countries('durationSecs=30'), [], 'shorter than every offer allows');
  // Cheapest first for 2 cores: FR (2 x 1000), US (2 x 2000), DE (2 x 3000).
  assert.equal(await countries('minCpuCores=2'), ['FR', 'US', 'DE']);
  assert.equal(await countries('minCpuCores=2&maxLamportsPerHour=4000'), ['FR', 'US']);
  assert.equal(await countries('minCpuCores=2&limit=1'), ['FR']);
  const priced = (await json('/offers?minCpuCores=2&country=FR')).body.offers[0];
  assert.is(priced.lamportsPerHourForRequest, '2000');
});

test('bad parameters get 400 naming the parameter and what it accepts; nothing is listed', async () => {
  for (const [query, message] of [
    ['minCpuCores=abc', 'query parameter minCpuCores: expected a whole number'],
    ['minCpuCores=-1', 'query parameter minCpuCores'],
    ['country=XX', 'query parameter country: expected an ISO 3166-1 alpha-2 country code'],
    ['kind=vm', 'query parameter kind: expected one of docker, aws, gcp'],
    ['arch=mips', 'query parameter arch: expected one of x86_64, arm64'],
    ['limit=0', 'query parameter limit: expected a whole number from 1 to 1000'],
    ['limit=5000', 'query parameter limit'],
    ['maxLamportsPerHour=1.5', 'query parameter maxLamportsPerHour'],
    ['image=a%20b', 'query parameter image'],
    ['cpu=4', 'unknown query parameter cpu'],
    ['country=DE&country=FR', 'country is given more than once'],
  ] as const) {
    const { status, body } = await json(`/offers?${query}`);
    assert.is(status, 400, query);
    assert.is(body.error.code, 'BAD_QUERY');
    assert.match(body.error.message, message, query);
    assert.is(body.offers, undefined);
  }
});

test('GET /offers/<peerId>: the host\'s offer, 404 for a peer without one, 400 for junk', async () => {
  const ok = await json(`/offers/${hosts[0]!.peerId}`);
  assert.is(ok.status, 200);
  assert.is(ok.body.peerId, hosts[0]!.peerId);
  assert.is(ok.body.region.country, 'DE');
  const stranger = peerIdFromSolanaPublicKey(Keypair.generate().publicKey.toBytes()).toString();
  const missing = await json(`/offers/${stranger}`);
  assert.is(missing.status, 404);
  assert.is(missing.body.error.code, 'OFFER_NOT_FOUND');
  const junk = await json('/offers/not-a-peer-id');
  assert.is(junk.status, 400);
  assert.match(junk.body.error.message, 'is not a host\'s peer id');
});

test('GET /health reports peers, offers and uptime; GET /metrics is Prometheus text', async () => {
  const { status, body } = await json('/health');
  assert.is(status, 200);
  assert.is(body.status, 'ok');
  assert.is(body.offers, 3);
  assert.ok(body.peers >= 3);
  assert.is(body.peerId, daemon.peerId);
  assert.type(body.uptimeSecs, 'number');
  assert.is(body.witness, null);
  const metrics = await raw('/metrics');
  assert.is(metrics.status, 200);
  assert.match(String(metrics.headers['content-type']), 'text/plain');
  assert.match(metrics.body, /^decloud_index_offers 3$/m);
  assert.match(metrics.body, /^decloud_peers \d+$/m);
  assert.match(metrics.body, /^decloud_index_http_requests_total\{route="offers",status="400"\} \d+$/m);
  assert.match(metrics.body, /^process_cpu_user_seconds_total /m);
});

test('static files: served with their type, index.html for client routes, nothing outside the directory', async () => {
  const index = await raw('/');
  assert.is(index.status, 200);
  assert.match(String(index.headers['content-type']), 'text/html');
  assert.match(index.body, '<title>DeCloud</title>');
  const app = await raw('/app.js');
  assert.is(app.body, 'console.log("decloud")');
  assert.match(String(app.headers['content-type']), 'text/javascript');
  assert.match(String((await raw('/assets/style.css')).headers['content-type']), 'text/css');
  const route = await raw('/leases/abc');
  assert.is(route.status, 200);
  assert.match(route.body, '<title>DeCloud</title>', 'a client route gets index.html');
  assert.is((await raw('/missing.js')).status, 404);
  for (const path of ['/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/.env', '/leak.txt', '/%00']) {
    const reply = await raw(path);
    assert.ok(reply.status === 404 || reply.status === 400, `${path}: ${reply.status}`);
    assert.not.match(reply.body, 'outside the web directory');
    assert.not.match(reply.body, 'SECRET');
  }
});

test('read-only: other methods get 405, bodies 400, HEAD only headers', async () => {
  const post = await raw('/offers', { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
  assert.is(post.status, 405);
  assert.is(post.headers.allow, 'GET, HEAD');
  const withBody = await raw('/offers', { body: 'x', headers: { 'content-length': '1' } });
  assert.is(withBody.status, 400);
  const head = await raw('/app.js', { method: 'HEAD' });
  assert.is(head.status, 200);
  assert.is(head.headers['content-length'], String('console.log("decloud")'.length));
  assert.is(head.body, '');
  assert.is((await raw(`/offers?image=${'a'.repeat(5000)}`)).status, 414);
});

test('files above the size cap are not sent', async () => {
  const registry = new Registry();
  const small = await startOfferIndexServer({
    host: '127.0.0.1', port: 0, book: new OfferBook(), registry, health: () => ({}), site: await openStaticSite(webDir, 10),
  });
  try {
    const big = await fetch(`${small.url}/app.js`);
    assert.is(big.status, 403);
    assert.match(await big.text(), 'larger than the 10 bytes');
    assert.is((await fetch(`${small.url}/assets/style.css`)).status, 200);
  } finally {
    await small.close();
  }
});

test.run();
