/**
 * 20 real libp2p nodes in one process on loopback TCP: a bootstrap peer, an honest host,
 * four misbehaving hosts and fourteen renters (plus a late joiner). Offers travel by
 * gossip and the DHT; bad offers must stop at the first honest peer and cost their sender
 * gossipsub score.
 */
import { randomBytes } from 'node:crypto';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lpStream } from '@libp2p/utils';
import { createDecloudNode } from '../src/net/create-node.js';
import type { DecloudNode } from '../src/net/decloud-node.js';
import { KAD_PROTOCOL, LEASE_PROTOCOL, OFFER_TOPIC } from '../src/net/protocol-ids.js';
import { signedQuoteDecider } from '../src/net/quote-protocol.js';
import type { OfferListenerEvents, OfferPublisher } from '../src/net/services.js';
import type { SignedOffer } from '../src/offers/types.js';
import { LOCAL_NODE, makeHost, signedOffer, waitFor } from './net-fixtures.js';
import type { TestHost } from './net-fixtures.js';

const RENTERS = 14;
const honest = makeHost();
const attackers = { forger: makeHost(), bloater: makeHost(), expirer: makeHost(), replayer: makeHost() };
type Attack = keyof typeof attackers;

let bootstrap: DecloudNode;
let host: DecloudNode;
let bad: Record<Attack, DecloudNode>;
let renters: DecloudNode[] = [];
let late: DecloudNode | undefined;
let everyone: DecloudNode[] = [];
let publisher: OfferPublisher;
let honestSeq = 0n;
const honestOffers: SignedOffer[] = [];
const refusals: Array<OfferListenerEvents['refused'] & { at: DecloudNode }> = [];

function nextHonestOffer(): SignedOffer {
  const signed = signedOffer(honest, { seq: ++honestSeq, country: 'DE', gpuModel: 'NVIDIA RTX 4090' });
  honestOffers.push(signed);
  return signed;
}

async function joinNode(key?: TestHost, extra: Parameters<typeof createDecloudNode>[0] = {}): Promise<DecloudNode> {
  return createDecloudNode({
    ...LOCAL_NODE,
    ...(key === undefined ? {} : { solanaSecretKey: key.secret }),
    bootstrap: [bootstrap.getMultiaddrs()[0]!.toString()],
    ...extra,
  });
}

function scoreOf(observer: DecloudNode, peer: DecloudNode): number {
  return (observer.libp2p.services.pubsub as unknown as { getScore(id: string): number }).getScore(peer.peerId.toString());
}

function offerTopicPeers(node: DecloudNode): number {
  return node.libp2p.services.pubsub.getSubscribers(OFFER_TOPIC).length;
}

test.before(async () => {
  bootstrap = await createDecloudNode(LOCAL_NODE);
  host = await joinNode(honest);
  bad = {
    forger: await joinNode(attackers.forger),
    bloater: await joinNode(attackers.bloater),
    expirer: await joinNode(attackers.expirer),
    replayer: await joinNode(attackers.replayer),
  };
  for (let i = 0; i < RENTERS; i++) renters.push(await joinNode());
  everyone = [bootstrap, host, ...Object.values(bad), ...renters];
  for (const node of everyone) node.offers.events.on('refused', (refusal) => refusals.push({ ...refusal, at: node }));
  await waitFor('every node to know 3 peers on the offer topic', () => everyone.every((node) => offerTopicPeers(node) >= 3), 60_000);
});

test.after(async () => {
  await Promise.all([...everyone, ...(late === undefined ? [] : [late])].map((node) => node.stop()));
});

test('20 nodes: one bootstrap and 19 others', () => {
  assert.is(everyone.length, 20);
  assert.is(new Set(everyone.map((node) => node.peerId.toString())).size, 20);
  assert.is(host.peerId.toString(), honest.peerId, 'a host peer id is its Solana key');
});

test('a published offer reaches every node\'s book, and the DHT holds its record and capabilities', async () => {
  publisher = host.publishOffers({ source: nextHonestOffer, intervalMs: 60_000 });
  const report = await publisher.events.once('published', () => true, { signal: AbortSignal.timeout(30_000) });
  const { seq } = report.signed.offer;
  await waitFor('the offer in every book', () => everyone.every((node) => node === host || node.book.get(honest.host)?.offer.seq === seq));
  assert.ok(report.recordStored, 'offer record stored on other DHT servers');
  assert.equal(report.provided.sort(), ['/decloud/cap/arch/x86_64', '/decloud/cap/gpu/nvidia-rtx-4090', '/decloud/cap/kind/docker', '/decloud/cap/region/de']);
  assert.equal(report.errors, []);

  // A change is published at once and replaces the older offer everywhere.
  const next = await publisher.publishNow({ signal: AbortSignal.timeout(30_000) });
  assert.is(next.signed.offer.seq, seq + 1n);
  await waitFor('the newer offer in every book', () => everyone.every((node) => node === host || node.book.get(honest.host)?.offer.seq === seq + 1n));
});

test('a late joiner finds the host by capability through the DHT alone', async () => {
  late = await joinNode(undefined, { offerGossip: false });
  assert.not.ok(late.libp2p.services.pubsub.getTopics().includes(OFFER_TOPIC), 'the late joiner does not listen to offer gossip');
  assert.is(late.book.size, 0);
  await waitFor('the late joiner to have DHT peers', () => late!.libp2p.getPeers().length >= 3);

  const found = await late.hosts.findHostsByCapability({ type: 'gpu', value: 'nvidia rtx 4090' }, { signal: AbortSignal.timeout(20_000) });
  assert.equal(found.map((s) => s.offer.peerId), [honest.peerId]);
  assert.is(found[0]!.offer.seq, honestSeq, 'the newest record wins');
  assert.is(late.book.get(honest.host)?.offer.seq, honestSeq, 'what the DHT gave is in the book');

  const byRegion = await late.hosts.findHostsByCapability({ type: 'region', value: 'de' }, { signal: AbortSignal.timeout(20_000) });
  assert.equal(byRegion.map((s) => s.offer.peerId), [honest.peerId]);
  const nobody = await late.hosts.findHostsByCapability({ type: 'region', value: 'JP' }, { signal: AbortSignal.timeout(20_000) });
  assert.equal(nobody, []);
});

/** Publishes `bytes` from `sender` and returns the refusals its neighbours logged for it, with score changes. */
async function attack(name: Attack, bytes: Uint8Array): Promise<{ reasons: string[]; drops: Array<[number, number]> }> {
  const sender = bad[name];
  const neighbours = everyone.filter((node) => node !== sender);
  const before = new Map(neighbours.map((node) => [node, scoreOf(node, sender)]));
  const seen = refusals.length;
  const from = (r: (typeof refusals)[number]): boolean => r.from.equals(sender.peerId);
  const { recipients } = await sender.libp2p.services.pubsub.publish(OFFER_TOPIC, bytes);
  assert.ok(recipients.length >= 1, `${name} reached peers`);
  await waitFor(`every recipient to refuse the ${name}'s message`, () => refusals.slice(seen).filter(from).length >= recipients.length);
  // Scores are cached for one heartbeat.
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const mine = refusals.slice(seen).filter(from);
  return {
    reasons: [...new Set(mine.map((r) => r.verdict.reason))],
    drops: mine.map((r) => [before.get(r.at)!, scoreOf(r.at, sender)]),
  };
}

function assertEveryScoreDropped(drops: Array<[number, number]>): void {
  assert.ok(drops.length >= 1);
  for (const [before, after] of drops) assert.ok(after < before, `score ${after} is below ${before}`);
}

function assertNoBookHolds(key: TestHost): void {
  for (const node of [...everyone, late!]) assert.is(node.book.get(key.host), undefined, 'a refused offer entered a book');
}

test('a forged offer (tampered after signing) is rejected everywhere and costs its sender score', async () => {
  const genuine = signedOffer(attackers.forger, { seq: 1n, cpuModel: 'Slow CPU' });
  const forged = genuine.bytes.slice();
  const at = Buffer.from(forged).indexOf('Slow CPU');
  forged.set(new TextEncoder().encode('Fast CPU'), at);
  const { reasons, drops } = await attack('forger', forged);
  assert.equal(reasons, ['invalid']);
  assertEveryScoreDropped(drops);
  assertNoBookHolds(attackers.forger);
});

test('an oversized offer is rejected everywhere and costs its sender score', async () => {
  const genuine = signedOffer(attackers.bloater, { seq: 1n });
  const oversized = new Uint8Array(8_192);
  oversized.set(genuine.bytes);
  const { reasons, drops } = await attack('bloater', oversized);
  assert.equal(reasons, ['too-large']);
  assertEveryScoreDropped(drops);
  assertNoBookHolds(attackers.bloater);
});

test('an expired offer is rejected everywhere and costs its sender score', async () => {
  const expired = signedOffer(attackers.expirer, { seq: 1n, issuedAt: Date.now() - 2 * 3_600_000, ttlMs: 3_600_000 });
  const { reasons, drops } = await attack('expirer', expired.bytes);
  assert.equal(reasons, ['expired']);
  assertEveryScoreDropped(drops);
  assertNoBookHolds(attackers.expirer);
});

test('a replayed offer (the host\'s older seq, sent by another peer) is rejected and costs its sender score', async () => {
  const stale = honestOffers[0]!;
  assert.ok(stale.offer.seq < honestSeq);
  const { reasons, drops } = await attack('replayer', stale.bytes);
  assert.equal(reasons, ['not-from-host']);
  assertEveryScoreDropped(drops);
  for (const node of everyone) {
    if (node !== host) assert.is(node.book.get(honest.host)?.offer.seq, honestSeq, 'the replay did not roll a book back');
  }
});

test('junk on the offer topic, the DHT and the lease protocol never crashes a node', async () => {
  const junker = renters[0]!;
  const target = renters[1]!;
  const seen = refusals.length;
  for (const junk of [randomBytes(1), randomBytes(300), honestOffers[1]!.bytes.subarray(0, 100), new Uint8Array(0)]) {
    await junker.libp2p.services.pubsub.publish(OFFER_TOPIC, junk);
  }
  await waitFor('junk to be refused', () => refusals.slice(seen).some((r) => r.from.equals(junker.peerId)));
  assert.ok(refusals.slice(seen).every((r) => r.verdict.action === 'reject'));

  await host.quotes.handleQuotes(signedQuoteDecider({
    offer: () => honestOffers.at(-1)!.offer,
    capacity: () => ({ cpuCores: 8, memoryMiB: 16_384, diskGiB: 100, gpus: 1 }),
    solanaSecretKey: honest.secret,
  }));
  for (const [protocol, peer] of [[KAD_PROTOCOL, target], [LEASE_PROTOCOL, host]] as const) {
    const stream = await junker.libp2p.dialProtocol(peer.peerId, protocol, { signal: AbortSignal.timeout(5_000) });
    const lp = lpStream(stream);
    await lp.write(randomBytes(64)).catch(() => undefined);
    await lp.read({ signal: AbortSignal.timeout(5_000) }).catch(() => undefined);
    stream.abort(new Error('test done'));
  }
  // Every node still works: a new offer still reaches every book.
  const report = await publisher.publishNow({ signal: AbortSignal.timeout(30_000) });
  await waitFor('the post-junk offer in every book', () => everyone.every((node) => node === host || node.book.get(honest.host)?.offer.seq === report.signed.offer.seq));
  for (const node of everyone) assert.is(node.libp2p.status, 'started');
});

test.run();
