/**
 * The browser entry in a real browser (headless Debian Chromium): the bundled
 * `createDecloudBrowserNode` joins a Node bootstrap peer over WebSockets or WebRTC-Direct,
 * receives a host's offer by gossip and finds the host through the DHT.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createDecloudNode } from '../src/net/create-node.js';
import type { DecloudNode } from '../src/net/decloud-node.js';
import type { OfferPublisher } from '../src/net/services.js';
import { LOCAL_NODE, makeHost, signedOffer } from './net-fixtures.js';

const BROWSER_ENTRY = `
import { createDecloudBrowserNode } from ${JSON.stringify(fileURLToPath(new URL('../src/net/browser.ts', import.meta.url)))};
window.joinAndWait = async (bootstrap, host) => {
  const started = performance.now();
  const node = await createDecloudBrowserNode({ bootstrap: [bootstrap], allowPrivateAddresses: true, autonat: false });
  try {
    const gossip = await node.offers.events.once('offer', (e) => e.signed.offer.host === host, { signal: AbortSignal.timeout(30000) });
    const found = await node.hosts.findHostsByCapability({ type: 'gpu', value: 'rtx 4090' }, { signal: AbortSignal.timeout(30000) });
    return {
      ms: performance.now() - started,
      via: node.libp2p.getConnections().map((c) => c.remoteAddr.toString()),
      gossipSeq: String(gossip.signed.offer.seq),
      found: found.map((s) => s.offer.host),
    };
  } finally {
    await node.stop();
  }
};
`;

const hostKey = makeHost();
let bootstrap: DecloudNode;
let host: DecloudNode;
let publisher: OfferPublisher;
let server: Server;
let browser: Browser;
let page: Page;

test.before(async () => {
  bootstrap = await createDecloudNode({
    ...LOCAL_NODE,
    webrtc: true,
    listen: ['/ip4/127.0.0.1/tcp/0', '/ip4/127.0.0.1/tcp/0/ws', '/ip4/127.0.0.1/udp/0/webrtc-direct'],
  });
  host = await createDecloudNode({ ...LOCAL_NODE, solanaSecretKey: hostKey.secret, bootstrap: [bootstrap.getMultiaddrs()[0]!.toString()] });
  let seq = 0n;
  publisher = host.publishOffers({ source: () => signedOffer(hostKey, { seq: ++seq, gpuModel: 'RTX 4090' }), intervalMs: 1_000 });
  await publisher.events.once('published');

  const bundle = await build({
    stdin: { contents: BROWSER_ENTRY, resolveDir: fileURLToPath(new URL('.', import.meta.url)), loader: 'ts' },
    bundle: true, platform: 'browser', format: 'esm', write: false, logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.contents;
  // http://127.0.0.1 is a secure context, which WebCrypto (noise, signatures) requires.
  server = createServer((req, res) => {
    if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    else res.writeHead(200, { 'content-type': 'text/html' }).end('<script type="module" src="/bundle.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await page.waitForFunction(() => 'joinAndWait' in window);
});

test.after(async () => {
  await browser?.close();
  server?.close();
  publisher?.stop();
  await Promise.all([host?.stop(), bootstrap?.stop()]);
});

type JoinResult = { ms: number; via: string[]; gossipSeq: string; found: string[] };

async function joinFromBrowser(transport: string): Promise<JoinResult> {
  const addr = bootstrap.getMultiaddrs().map(String).find((a) => a.includes(transport))!;
  return page.evaluate(([a, h]) => (window as unknown as { joinAndWait(a: string, h: string): Promise<JoinResult> }).joinAndWait(a, h), [addr, hostKey.host] as const);
}

for (const transport of ['/ws/', '/webrtc-direct/']) {
  test(`a browser joins over ${transport.slice(1, -1)}, gets the offer by gossip and finds the host on the DHT`, async () => {
    const result = await joinFromBrowser(transport);
    assert.ok(result.via.some((a) => a.includes(transport)), JSON.stringify(result.via));
    assert.ok(BigInt(result.gossipSeq) >= 1n);
    assert.equal(result.found, [hostKey.host]);
  });
}

test.run();
