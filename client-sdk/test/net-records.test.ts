/**
 * The pure parts of the network layer: capability keys, the DHT offer record's validator
 * and selector, and the verdict on gossiped offers (accept / ignore / reject).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { peerIdFromString } from '@libp2p/peer-id';
import type { Message } from '@libp2p/gossipsub';
import { capabilitiesOfOffer, capabilityCid, capabilityKey } from '../src/net/capability-keys.js';
import { NetError } from '../src/net/net-error.js';
import { judgeOfferMessage } from '../src/net/offer-message-verdict.js';
import { offerRecordKey, offerRecordSelector, peerIdOfOfferRecordKey, verifyOfferRecord } from '../src/net/offer-record.js';
import { OfferBook } from '../src/offers/offer-book.js';
import { OfferError } from '../src/offers/errors.js';
import { makeHost, makeOffer, signedOffer } from './net-fixtures.js';

const host = makeHost();
const other = makeHost();
const NOW = Date.now();

test('capability keys are normalized and validated', () => {
  assert.is(capabilityKey({ type: 'gpu', value: '  NVIDIA  GeForce RTX 4090 ' }), '/decloud/cap/gpu/nvidia-geforce-rtx-4090');
  assert.is(capabilityKey({ type: 'region', value: 'DE' }), '/decloud/cap/region/de');
  for (const bad of [{ type: 'gpu', value: '' }, { type: 'gpu', value: 'a/b' }, { type: 'gpu', value: 'x'.repeat(65) }, { type: 'colour', value: 'red' }]) {
    const err = (() => { try { capabilityKey(bad as never); } catch (e) { return e; } })();
    assert.instance(err, NetError);
    assert.is((err as NetError).code, 'BAD_CAPABILITY');
  }
});

test('a capability CID is sha256 of its key, the same for equivalent spellings', async () => {
  const a = await capabilityCid({ type: 'gpu', value: 'RTX 4090' });
  const b = await capabilityCid({ type: 'gpu', value: 'rtx   4090' });
  const c = await capabilityCid({ type: 'gpu', value: 'RTX 4080' });
  assert.is(a.toString(), b.toString());
  assert.is.not(a.toString(), c.toString());
  assert.is(a.version, 1);
});

test('an offer advertises its region, arch, kind and each GPU model once', () => {
  const offer = makeOffer(host, { country: 'FR', gpuModel: 'RTX 4090', arch: 'arm64', kind: 'aws' });
  offer.resources.gpus.push({ model: 'rtx 4090', memoryMiB: 1, count: 1 });
  assert.equal(capabilitiesOfOffer(offer).map(capabilityKey), [
    '/decloud/cap/region/fr', '/decloud/cap/arch/arm64', '/decloud/cap/kind/aws', '/decloud/cap/gpu/rtx-4090',
  ]);
});

test('offer record keys round-trip and anything else is refused', () => {
  assert.is(peerIdOfOfferRecordKey(offerRecordKey(host.peerId)), host.peerId);
  for (const key of ['/decloud/other/x', '/decloud/offer/', '/decloud/offer/a/b']) {
    assert.throws(() => peerIdOfOfferRecordKey(new TextEncoder().encode(key)), /is not \/decloud\/offer\/<peerId>/);
  }
  assert.throws(() => peerIdOfOfferRecordKey(new Uint8Array([0xff, 0xfe])), /not UTF-8/);
});

test('the record validator accepts the host\'s own offer only, and only while valid', () => {
  const signed = signedOffer(host);
  assert.is(verifyOfferRecord(offerRecordKey(host.peerId), signed.bytes, NOW).offer.peerId, host.peerId);
  assert.throws(() => verifyOfferRecord(offerRecordKey(other.peerId), signed.bytes, NOW), /stored under the key of peer/);
  const err = (() => { try { verifyOfferRecord(offerRecordKey(host.peerId), signed.bytes, signed.offer.expiresAt); } catch (e) { return e; } })();
  assert.instance(err, OfferError);
  assert.is((err as OfferError).code, 'EXPIRED');
  const tampered = signed.bytes.slice();
  tampered[tampered.length - 1]! ^= 1;
  assert.throws(() => verifyOfferRecord(offerRecordKey(host.peerId), tampered, NOW), /BAD_SIGNATURE/);
});

test('the record selector picks the highest valid seq', () => {
  const key = offerRecordKey(host.peerId);
  const v1 = signedOffer(host, { seq: 1n }).bytes;
  const v5 = signedOffer(host, { seq: 5n }).bytes;
  const forgedV9 = signedOffer(host, { seq: 9n }).bytes.slice();
  forgedV9[forgedV9.length - 1]! ^= 1;
  const select = offerRecordSelector(() => NOW);
  assert.is(select(key, [v1, v5]), 1);
  assert.is(select(key, [v5, v1]), 0);
  assert.is(select(key, [v1, forgedV9, v5]), 2, 'a forged higher seq does not win');
});

function message(data: Uint8Array, from = host.peerId): Message {
  return { type: 'signed', from: peerIdFromString(from), topic: '/decloud/offers/1', data, sequenceNumber: 1n, signature: new Uint8Array(64), key: peerIdFromString(from).publicKey! };
}

test('gossip verdicts: new offers are accepted, repeats ignored, misbehaviour rejected', () => {
  const book = new OfferBook();
  const v1 = signedOffer(host, { seq: 1n });
  const v2 = signedOffer(host, { seq: 2n });
  const verdict = (m: Message, now = NOW) => {
    const v = judgeOfferMessage(m, book, now);
    return v.action === 'accept' ? `accept:${v.outcome}` : `${v.action}:${v.reason}`;
  };
  assert.is(verdict(message(v1.bytes)), 'accept:added');
  assert.is(verdict(message(v1.bytes)), 'ignore:duplicate-or-stale');
  assert.is(verdict(message(v2.bytes)), 'accept:replaced');
  assert.is(verdict(message(v1.bytes)), 'ignore:duplicate-or-stale', 'the host\'s own older offer arriving late');
  assert.is(verdict(message(v2.bytes, other.peerId)), 'reject:not-from-host');
  assert.is(verdict(message(new Uint8Array(5000))), 'reject:too-large');
  assert.is(verdict(message(new Uint8Array([1, 2, 3]))), 'reject:invalid');
  assert.is(verdict({ type: 'unsigned', topic: '/decloud/offers/1', data: v2.bytes }), 'reject:unsigned');
  const short = signedOffer(host, { seq: 3n, issuedAt: NOW - 10_000, ttlMs: 5_000 });
  assert.is(verdict(message(short.bytes)), 'ignore:just-expired', 'expired 5 s ago: a forwarding race, not an attack');
  const old = signedOffer(host, { seq: 4n, issuedAt: NOW - 7_200_000, ttlMs: 3_600_000 });
  assert.is(verdict(message(old.bytes)), 'reject:expired');
  assert.is(book.get(host.host)?.offer.seq, 2n, 'only accepted offers are in the book');
});

test.run();
