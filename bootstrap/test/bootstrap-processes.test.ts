/**
 * A bootstrap daemon (the real `decloud-bootstrap` bin), three hosts and a renter, each in
 * its own process, talking over loopback sockets. One host listens on nothing: it is
 * reachable only through its relay reservation on the bootstrap.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnBin, spawnJsonProcess } from './fixtures/json-process.js';
import type { JsonEvent, JsonProcess } from './fixtures/json-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

let stateDir: string;
let bootstrap: JsonProcess;
let renter: JsonProcess;
const hosts: Array<{ process: JsonProcess; ready: JsonEvent; relayOnly: boolean }> = [];
const exitCodes = new Map<string, number | null>();

test.before(async () => {
  stateDir = await mkdtemp(join(tmpdir(), 'decloud-bootstrap-'));
  bootstrap = spawnBin('bootstrap', join(root, 'bootstrap/bin/decloud-bootstrap.js'), ['--state', stateDir, '--tcp-port', '0', '--ws-port', '0', '--webrtc-port', '0', '--json'], root);
  const { multiaddrs } = await bootstrap.next((e) => Array.isArray(e.multiaddrs)) as { multiaddrs: string[] };
  const tcp = multiaddrs.find((a) => a.includes('/tcp/') && !a.includes('/ws'))!;

  renter = spawnJsonProcess('renter', fixture('net-renter.ts'), ['--bootstrap', tcp], root);
  await renter.next((e) => e.event === 'ready');
  const specs = [
    { args: ['--country', 'DE', '--gpu', 'RTX 4090'], relayOnly: false },
    { args: ['--country', 'FR'], relayOnly: false },
    { args: ['--country', 'US', '--relay-only'], relayOnly: true },
  ];
  for (const [i, spec] of specs.entries()) {
    const host = spawnJsonProcess(`host${i}`, fixture('net-host.ts'), ['--bootstrap', tcp, ...spec.args], root);
    hosts.push({ process: host, ready: await host.next((e) => e.event === 'ready', 60_000), relayOnly: spec.relayOnly });
  }
});

test.after(async () => {
  for (const p of [renter, ...hosts.map((h) => h.process), bootstrap]) {
    if (p !== undefined) exitCodes.set(p.name, await p.stop('SIGTERM'));
  }
  await rm(stateDir, { recursive: true, force: true });
});

test('the bootstrap prints TCP, WebSocket and WebRTC-Direct addresses and keeps its identity in --state', async () => {
  const { peerId, multiaddrs } = await bootstrap.next((e) => Array.isArray(e.multiaddrs)) as { peerId: string; multiaddrs: string[] };
  assert.ok(multiaddrs.some((a) => /^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//.test(a)));
  assert.ok(multiaddrs.some((a) => /\/tcp\/\d+\/ws\/p2p\//.test(a)));
  assert.ok(multiaddrs.some((a) => /\/udp\/\d+\/webrtc-direct\/certhash\/[\w-]+\/p2p\//.test(a)));
  assert.ok(multiaddrs.every((a) => a.endsWith(`/p2p/${peerId}`)));
  assert.equal((await readdir(stateDir)).sort(), ['identity.key', 'webrtc-certificate.json']);
});

test('the relay-only host has no address but its reservation on the bootstrap', () => {
  const relayed = hosts.find((h) => h.relayOnly)!;
  const addrs = relayed.ready.addrs as string[];
  assert.ok(addrs.length > 0);
  assert.ok(addrs.every((a) => a.includes('/p2p-circuit')), JSON.stringify(addrs));
});

test('every host\'s offer reaches the renter', async () => {
  renter.send({ cmd: 'offers', peerIds: hosts.map((h) => h.ready.peerId) });
  const { offers } = await renter.next((e) => e.event === 'offers' || e.event === 'offers-failed', 60_000) as { offers?: Array<{ peerId: string; addrs: string[] }> };
  assert.ok(offers !== undefined, 'the renter got every offer');
  assert.equal(offers.map((o) => o.peerId), hosts.map((h) => h.ready.peerId));
});

test('the renter gets a signed quote from every host, the relay-only one through the relay', async () => {
  for (const host of hosts) {
    renter.send({ cmd: 'quote', peerId: host.ready.peerId });
    const answer = await renter.next((e) => (e.event === 'quote' || e.event === 'quote-failed') && e.peerId === host.ready.peerId, 30_000);
    assert.is(answer.event, 'quote', JSON.stringify(answer));
    // 2 cores x 3600 + 2 GiB x 3600 + 10 GiB disk x 360 lamports per hour, for one hour.
    assert.is(answer.deposit, '18000');
    const via = answer.via as string;
    assert.is(via.includes('/p2p-circuit'), host.relayOnly, via);
  }
});

test('every process stops cleanly on SIGTERM', async () => {
  for (const p of [renter, ...hosts.map((h) => h.process), bootstrap]) exitCodes.set(p.name, await p.stop('SIGTERM'));
  assert.equal([...exitCodes.values()], [0, 0, 0, 0, 0], JSON.stringify([...exitCodes]));
});

test.run();
