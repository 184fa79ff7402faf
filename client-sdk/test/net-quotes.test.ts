/**
 * Quotes over `/decloud/lease/1.0.0` between real nodes on loopback TCP: a verified quote,
 * refusals with their reason, and hosts that lie, stall, ramble or send junk.
 */
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lpStream } from '@libp2p/utils';
import { base58FromSolanaPublicKey } from '../src/identity/base58.js';
import { createDecloudNode } from '../src/net/create-node.js';
import type { DecloudNode } from '../src/net/decloud-node.js';
import { NetError, QuoteRefusedError } from '../src/net/net-error.js';
import { LEASE_PROTOCOL } from '../src/net/protocol-ids.js';
import { createQuoteProtocol, signedQuoteDecider } from '../src/net/quote-protocol.js';
import type { QuoteDecider, QuoteServerEvents } from '../src/net/quote-protocol.js';
import { decodeQuoteRefusal } from '../src/quotes/codec.js';
import { decideQuote } from '../src/quotes/decide.js';
import { signQuote } from '../src/quotes/sign.js';
import type { QuoteRequest, QuoteTerms } from '../src/quotes/types.js';
import type { Offer } from '../src/offers/types.js';
import { LOCAL_NODE, makeHost, makeOffer } from './net-fixtures.js';
import type { TestHost } from './net-fixtures.js';

const honest = makeHost();
const impostor = makeHost();
const offer: Offer = makeOffer(honest, { seq: 7n });
const capacity = { cpuCores: 8, memoryMiB: 16_384, diskGiB: 100, gpus: 0 };
const renterWallet = base58FromSolanaPublicKey(makeHost().secret.subarray(32));
const delegate = base58FromSolanaPublicKey(makeHost().secret.subarray(32));

let host: DecloudNode;
let renter: DecloudNode;
const extraHosts: DecloudNode[] = [];
const served: Array<QuoteServerEvents['answered']> = [];
const failures: Array<QuoteServerEvents['failed']> = [];

function request(changes: Partial<QuoteRequest> = {}): QuoteRequest {
  return {
    version: 1,
    renter: renterWallet,
    leaseId: 42n,
    delegate,
    resources: { cpuCores: 2, memoryMiB: 4096, diskGiB: 20, gpus: 0 },
    image: 'nginx:1.27',
    durationSecs: 7200,
    offerSeq: offer.seq,
    nonce: new Uint8Array(randomBytes(16)),
    ...changes,
  };
}

/** Another host node (its own key, so its own peer id) whose quote behaviour a test chooses. */
async function hostWith(key: TestHost, decide: QuoteDecider): Promise<DecloudNode> {
  const node = await createDecloudNode({ ...LOCAL_NODE, solanaSecretKey: key.secret, offerGossip: false });
  extraHosts.push(node);
  await node.quotes.handleQuotes(decide);
  return node;
}

async function dialable(node: DecloudNode): Promise<void> {
  await renter.libp2p.peerStore.merge(node.peerId, { multiaddrs: node.getMultiaddrs() });
}

test.before(async () => {
  host = await createDecloudNode({ ...LOCAL_NODE, solanaSecretKey: honest.secret, offerGossip: false });
  renter = await createDecloudNode({ ...LOCAL_NODE, offerGossip: false });
  await host.quotes.handleQuotes(signedQuoteDecider({ offer: () => offer, capacity: () => capacity, solanaSecretKey: honest.secret }));
  host.quotes.events.on('answered', (e) => served.push(e));
  host.quotes.events.on('failed', (e) => failures.push(e));
  await dialable(host);
});

test.after(async () => {
  await Promise.all([host, renter, ...extraHosts].map((node) => node.stop()));
});

test('a renter gets a quote signed by the host, for exactly what it asked', async () => {
  const asked = request();
  const signed = await renter.quotes.requestQuote(host.peerId, asked, { signal: AbortSignal.timeout(10_000) });
  const expected = decideQuote(offer, asked, capacity, Date.now()) as QuoteTerms;
  assert.is(signed.quote.host, honest.host);
  assert.is(signed.quote.renter, renterWallet);
  assert.equal([signed.quote.leaseId, signed.quote.delegate], [42n, delegate], 'lease id and delegate echoed');
  assert.is(signed.quote.lamportsPerSecond, expected.lamportsPerSecond);
  assert.is(signed.quote.deposit, expected.lamportsPerSecond * 7200n);
  assert.equal(signed.quote.nonce, asked.nonce);
  assert.is(Object.getPrototypeOf(signed.quote.nonce), Uint8Array.prototype, 'plain bytes, not a transport Buffer');
  assert.is(served.length, 1);
  assert.ok(served[0]!.renterPeer.equals(renter.peerId));
});

test('refusals reach the renter as QuoteRefusedError with the host\'s reason', async () => {
  const cases: Array<[Partial<QuoteRequest>, string]> = [
    [{ durationSecs: 10 }, 'TOO_SHORT'],
    [{ offerSeq: 6n }, 'PRICE_CHANGED'],
    [{ resources: { cpuCores: 64, memoryMiB: 1024, diskGiB: 1, gpus: 0 } }, 'NO_CAPACITY'],
  ];
  for (const [changes, reason] of cases) {
    const err = await renter.quotes.requestQuote(host.peerId, request(changes), { signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => e);
    assert.instance(err, QuoteRefusedError);
    assert.is((err as QuoteRefusedError).refusal.reason, reason);
    assert.match((err as Error).message, reason);
  }
});

test('a bad request is refused before anything is sent', async () => {
  const err = await renter.quotes.requestQuote(host.peerId, request({ durationSecs: 0 })).catch((e: unknown) => e);
  assert.match((err as Error).message, 'request.durationSecs');
  assert.is(served.length, 4, 'nothing reached the host');
});

test('a quote signed by another key is refused as BAD_QUOTE', async () => {
  const liar = await hostWith(makeHost(), (req) => {
    const terms = decideQuote({ ...offer, host: impostor.host, peerId: impostor.peerId }, req, capacity, Date.now()) as QuoteTerms;
    return signQuote(terms, impostor.secret);
  });
  await dialable(liar);
  const err = await renter.quotes.requestQuote(liar.peerId, request(), { signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => e);
  assert.instance(err, NetError);
  assert.is((err as NetError).code, 'BAD_QUOTE');
  assert.match((err as Error).message, 'WRONG_HOST');
});

test('a quote for other terms than asked is refused as BAD_QUOTE', async () => {
  const cheater = makeHost();
  const cheat = await hostWith(cheater, (req) => {
    const terms = decideQuote(makeOffer(cheater, { seq: offer.seq }), req, capacity, Date.now()) as QuoteTerms;
    return signQuote({ ...terms, resources: { ...terms.resources, cpuCores: 1 } }, cheater.secret);
  });
  await dialable(cheat);
  const err = await renter.quotes.requestQuote(cheat.peerId, request(), { signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => e);
  assert.is((err as NetError).code, 'BAD_QUOTE');
  assert.match((err as Error).message, 'TERMS_MISMATCH');
});

test('a quote naming another delegate (one the host could sign receipts with) is refused as BAD_QUOTE', async () => {
  const thief = makeHost();
  const steal = await hostWith(thief, (req) => {
    const terms = decideQuote(makeOffer(thief, { seq: offer.seq }), req, capacity, Date.now()) as QuoteTerms;
    return signQuote({ ...terms, delegate: thief.host }, thief.secret);
  });
  await dialable(steal);
  const err = await renter.quotes.requestQuote(steal.peerId, request(), { signal: AbortSignal.timeout(10_000) }).catch((e: unknown) => e);
  assert.is((err as NetError).code, 'BAD_QUOTE');
  assert.match((err as Error).message, /TERMS_MISMATCH|quote\.delegate/);
});

test('a host that never answers costs the renter its timeout, no more', async () => {
  const staller = await hostWith(makeHost(), () => new Promise(() => { /* never */ }));
  await dialable(staller);
  const quick = createQuoteProtocol({ streams: renter.libp2p, clock: Date.now }, { timeoutMs: 500 });
  const started = Date.now();
  const err = await quick.requestQuote(staller.peerId, request()).catch((e: unknown) => e);
  assert.instance(err, Error);
  assert.ok(Date.now() - started < 5_000, `gave up after ${Date.now() - started} ms`);
});

test('junk, oversized and truncated requests leave the host serving', async () => {
  const failed = failures.length;
  const frames = [randomBytes(40), new Uint8Array(0)];
  for (const frame of frames) {
    const stream = await renter.libp2p.dialProtocol(host.peerId, LEASE_PROTOCOL, { signal: AbortSignal.timeout(5_000) });
    const lp = lpStream(stream);
    await lp.write(frame);
    const answer = (await lp.read({ signal: AbortSignal.timeout(5_000) })).subarray();
    assert.is(decodeQuoteRefusal(answer).reason, 'MALFORMED');
    stream.abort(new Error('done'));
  }
  // A frame over the 1 KiB message limit: the host drops the stream without answering.
  const stream = await renter.libp2p.dialProtocol(host.peerId, LEASE_PROTOCOL, { signal: AbortSignal.timeout(5_000) });
  const lp = lpStream(stream);
  await lp.write(randomBytes(64 * 1024)).catch(() => undefined);
  const reply = await lp.read({ signal: AbortSignal.timeout(5_000) }).then(() => 'answered', () => 'dropped');
  assert.is(reply, 'dropped');
  assert.ok(failures.length >= failed + 3, `the host logged ${failures.length - failed} failed exchanges`);

  const signed = await renter.quotes.requestQuote(host.peerId, request(), { signal: AbortSignal.timeout(10_000) });
  assert.is(signed.quote.host, honest.host, 'still serving');
});

test.run();
