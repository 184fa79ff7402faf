/**
 * Identities and certificates that survive restarts, and the Node transports: a renter
 * dials a node over TCP, WebSockets and WebRTC-Direct (with the persisted certificate).
 */
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { multiaddr } from '@multiformats/multiaddr';
import { createDecloudNode, resolveIdentity } from '../src/net/create-node.js';
import { loadOrCreateIdentity } from '../src/net/identity-file.js';
import { NetError } from '../src/net/net-error.js';
import { CERTIFICATE_LIFETIME_MS, certificateExpiry, loadOrCreateWebRTCCertificate } from '../src/net/webrtc-certificate.js';
import { LOCAL_NODE, makeHost } from './net-fixtures.js';

let dir: string;
test.before(async () => { dir = await mkdtemp(join(tmpdir(), 'decloud-net-identity-')); });
test.after(async () => { await rm(dir, { recursive: true, force: true }); });

const codeOf = async (work: Promise<unknown>): Promise<string | undefined> => work.then(() => undefined, (err: unknown) => (err as NetError).code);

test('a generated identity is stored once (mode 0600) and read back', async () => {
  const file = join(dir, 'node', 'identity.key');
  const first = await loadOrCreateIdentity(file);
  const again = await loadOrCreateIdentity(file);
  assert.ok(first.equals(again));
  assert.is((await stat(file)).mode & 0o777, 0o600);
});

test('a corrupt identity file is refused with the fix and left untouched', async () => {
  const file = join(dir, 'corrupt.key');
  await writeFile(file, 'garbage');
  assert.is(await codeOf(loadOrCreateIdentity(file)), 'IDENTITY_FILE');
  assert.is(await readFile(file, 'utf8'), 'garbage');
});

test('a host\'s peer id is its Solana key; one identity source at a time', async () => {
  const host = makeHost();
  const key = await resolveIdentity({ solanaSecretKey: host.secret });
  assert.equal(key.publicKey.raw, host.secret.subarray(32));
  assert.is(await codeOf(resolveIdentity({ solanaSecretKey: host.secret, identityFile: join(dir, 'x.key') })), 'BAD_OPTION');
});

test('bad addresses are refused before a node starts, naming the option', async () => {
  const refused = async (options: Parameters<typeof createDecloudNode>[0]) =>
    createDecloudNode({ ...LOCAL_NODE, ...options }).then(async (node) => { await node.stop(); return undefined; }, (err: NetError) => `${err.code} ${err.message}`);
  assert.match((await refused({ bootstrap: ['/ip4/127.0.0.1/tcp/4001'] }))!, /^BAD_OPTION bootstrap: .* has no \/p2p\/<peer id>/);
  assert.match((await refused({ bootstrap: ['127.0.0.1:4001'] }))!, /^BAD_OPTION bootstrap: "127.0.0.1:4001" is not a multiaddr/);
  assert.match((await refused({ listen: ['tcp://0.0.0.0:1'] }))!, /^BAD_OPTION listen: /);
});

test('the WebRTC certificate is kept, and renewed only near its expiry', async () => {
  const file = join(dir, 'webrtc-certificate.json');
  const now = Date.now();
  const first = await loadOrCreateWebRTCCertificate(file, now);
  const again = await loadOrCreateWebRTCCertificate(file, now + 86_400_000);
  assert.is(again.certhash, first.certhash);
  assert.ok(Math.abs(certificateExpiry(first) - (now + CERTIFICATE_LIFETIME_MS)) < 2_000);
  const renewed = await loadOrCreateWebRTCCertificate(file, now + CERTIFICATE_LIFETIME_MS - 86_400_000);
  assert.is.not(renewed.certhash, first.certhash);
  await writeFile(join(dir, 'bad-cert.json'), '{"pem": 1}');
  assert.is(await codeOf(loadOrCreateWebRTCCertificate(join(dir, 'bad-cert.json'))), 'CERTIFICATE_FILE');
});

test('a restarted node keeps its peer id and certhash; others dial it over TCP, WebSockets and WebRTC-Direct', async () => {
  const options = {
    ...LOCAL_NODE,
    webrtc: true,
    offerGossip: false,
    identityFile: join(dir, 'server', 'identity.key'),
    webrtcCertificateFile: join(dir, 'server', 'webrtc-certificate.json'),
    listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws', '/ip4/127.0.0.1/udp/0/webrtc-direct'],
  };
  const certhashOf = (addrs: string[]) => addrs.map((a) => /\/certhash\/([\w-]+)/.exec(a)?.[1]).find(Boolean);
  const first = await createDecloudNode(options);
  const firstAddrs = first.getMultiaddrs().map(String);
  await first.stop();
  const server = await createDecloudNode(options);
  const client = await createDecloudNode({ ...LOCAL_NODE, webrtc: true, offerGossip: false });
  try {
    const addrs = server.getMultiaddrs().map(String);
    assert.ok(server.peerId.equals(first.peerId));
    assert.is(certhashOf(addrs), certhashOf(firstAddrs));
    const stored = JSON.parse(await readFile(options.webrtcCertificateFile, 'utf8')) as { certhash: string };
    assert.is(certhashOf(addrs), stored.certhash);

    for (const kind of ['/tcp/', '/ws/', '/webrtc-direct/']) {
      const addr = addrs.find((a) => a.includes(kind) && (kind !== '/tcp/' || !a.includes('/ws/')))!;
      await client.libp2p.hangUp(server.peerId);
      const connection = await client.libp2p.dial(multiaddr(addr), { signal: AbortSignal.timeout(10_000) });
      assert.ok(connection.remoteAddr.toString().includes(kind), `${kind} connection over ${connection.remoteAddr.toString()}`);
      const rtt = await client.libp2p.services.ping.ping(server.peerId, { signal: AbortSignal.timeout(10_000) });
      assert.ok(rtt >= 0);
    }
  } finally {
    await Promise.all([server.stop(), client.stop()]);
  }
});

test.run();
