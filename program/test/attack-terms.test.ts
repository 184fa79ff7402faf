/**
 * Attack: a renter opens a lease on terms the host never agreed to (no signature, someone
 * else's, a field changed after signing, a stale quote). open_lease binds the lease to the
 * host operator's Ed25519 signature over every term, so each is refused with nothing
 * moved. And the other way round: a host stuck with a lease it cannot serve closes it at
 * any time, refunding the unproven time, without a slash.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ComputeBudgetProgram, Keypair, PublicKey } from '@solana/web3.js';
import { CONFIG, LEASE_LEN, REWARD_POOL, TestChain, expectOk } from './support/chain.js';
import { isClosed, readHost, readLease } from './support/accounts.js';
import {
  activeHost, closeInstruction, leaseAddress, leaseIdFrom, openLeaseInstructions, plannedLease, signed,
} from './support/fixtures.js';
import type { HostParty, LeaseParty, OpenOptions } from './support/fixtures.js';
import { termsMessage } from './support/messages.js';

async function setUp() {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = plannedLease(chain, { delegate: Keypair.generate() });
  return { chain, host, lease, watched: (l: LeaseParty = lease) => [l.renter.publicKey, l.lease, host.host, host.operator.publicKey, CONFIG, REWARD_POOL] };
}

const attempt = (chain: TestChain, host: HostParty, lease: LeaseParty, options: OpenOptions = {}) => openLeaseInstructions(chain, host, lease, options);

test('open_lease without the host operator’s signature right before it fails with TermsNotSigned', async () => {
  const { chain, host, lease, watched } = await setUp();
  const [verify, open] = await attempt(chain, host, lease);
  if (!verify || !open) throw new Error('two instructions');
  const other = ComputeBudgetProgram.setComputeUnitLimit({ units: 300_000 });
  for (const instructions of [[open], [other, open], [verify, other, open], [open, verify]]) {
    chain.rejects(instructions, [lease.renter], 'TermsNotSigned', watched());
  }
  expectOk(chain.send([verify, open], [lease.renter]));
});

test('terms signed by anyone but the host operator fail with TermsNotSigned', async () => {
  const { chain, host, lease, watched } = await setUp();
  const otherHost = await activeHost(chain);
  for (const signer of [lease.renter, Keypair.generate(), chain.witnesses[0] as Keypair, chain.authority, otherHost.operator, lease.delegate as Keypair]) {
    chain.rejects(await attempt(chain, host, lease, { signer }), [lease.renter], 'TermsNotSigned', watched());
  }
  // The other host's operator signing terms that name it, for a lease of this host.
  chain.rejects(await attempt(chain, host, lease, { signer: otherHost.operator, signedTerms: { hostOperator: otherHost.operator.publicKey } }),
    [lease.renter], 'TermsNotSigned', watched());
});

test('any term changed after the host signed fails with TermsNotSigned: rate, duration, lease id, renter, delegate, expiry, terms hash', async () => {
  const { chain, host, lease, watched } = await setUp();
  const changes: [string, OpenOptions][] = [
    ['a lower rate', { args: { rate: lease.rate - 1n } }],
    ['a longer duration', { args: { durationSecs: lease.durationSecs + 1n } }],
    ['a later expiry', { args: { quoteExpiresAt: lease.quoteExpiresAt + 3_600n } }],
    ['another delegate', { args: { delegate: Keypair.generate().publicKey } }],
    ['no delegate', { args: { delegate: PublicKey.default } }],
    ['another terms hash', { args: { termsHash: Buffer.alloc(32, 7) } }],
  ];
  for (const [what, change] of changes) {
    const outcome = chain.rejects(await attempt(chain, host, lease, change), [lease.renter], 'TermsNotSigned', watched());
    assert.ok(outcome, what);
  }
  // The same signed terms, for a lease of another host (whose operator never signed).
  const otherHost = await activeHost(chain);
  chain.rejects(await attempt(chain, host, lease, { accounts: { host: otherHost.host } }), [lease.renter], 'TermsNotSigned', [...watched(), otherHost.host]);
  // Another lease id (and so another lease address) under the same signature.
  const otherId = leaseIdFrom(lease.renter.publicKey, lease.leaseId + 1n);
  const other: LeaseParty = { ...lease, leaseId: otherId, lease: leaseAddress(lease.renter.publicKey, otherId) };
  chain.rejects(await attempt(chain, host, other, { signedTerms: { leaseId: lease.leaseId } }), [lease.renter], 'TermsNotSigned', watched(other));
  // Another renter replaying the signature the host gave this one.
  const thief = chain.wallet();
  const stolen: LeaseParty = { ...lease, renter: thief, lease: leaseAddress(thief.publicKey, leaseIdFrom(thief.publicKey, lease.leaseId)) };
  stolen.leaseId = leaseIdFrom(thief.publicKey, lease.leaseId);
  const [verify] = await attempt(chain, host, lease);
  const [, open] = await attempt(chain, host, stolen);
  if (!verify || !open) throw new Error('two instructions');
  chain.rejects([verify, open], [thief], 'TermsNotSigned', watched(stolen));
  expectOk(chain.send(await attempt(chain, host, lease), [lease.renter]));
});

test('an expired quote fails with QuoteExpired; it is still good in its last second', async () => {
  const { chain, host, lease, watched } = await setUp();
  chain.warp(lease.quoteExpiresAt + 1n);
  chain.rejects(await attempt(chain, host, lease), [lease.renter], 'QuoteExpired', watched());
  const fresh = plannedLease(chain, { renter: lease.renter, leaseId: lease.leaseId, quoteExpiresAt: chain.now() });
  expectOk(chain.send(await attempt(chain, host, fresh), [lease.renter]));
});

test('a signature over a message of another shape (a receipt, a truncated terms message) fails with TermsNotSigned', async () => {
  const { chain, host, lease, watched } = await setUp();
  const [, open] = await attempt(chain, host, lease);
  if (!open) throw new Error('two instructions');
  const terms = termsMessage({ renter: lease.renter.publicKey, hostOperator: host.operator.publicKey, leaseId: lease.leaseId, rate: lease.rate,
    durationSecs: lease.durationSecs, quoteExpiresAt: lease.quoteExpiresAt, delegate: (lease.delegate as Keypair).publicKey, termsHash: lease.termsHash });
  for (const message of [terms.subarray(0, terms.length - 1), Buffer.concat([terms, Buffer.from([0])]), Buffer.from(terms).fill(0, 0, 16)]) {
    chain.rejects([signed(host.operator, message), open], [lease.renter], 'TermsNotSigned', watched());
  }
});

test('the operator closes a lease it cannot serve at any time: the renter gets every unproven lamport back, no slash, no jail', async () => {
  const { chain, host, lease } = await setUp();
  const before = chain.balance(lease.renter.publicKey);
  expectOk(chain.send(await attempt(chain, host, lease), [lease.renter]));
  const locked = before - chain.balance(lease.renter.publicKey);
  assert.is(locked, lease.rate * lease.durationSecs + chain.rent(LEASE_LEN));
  const stake = readHost(chain, host.host).stake;
  chain.advance(30n);
  assert.is(readLease(chain, lease.lease).provenSecs, 0n);
  expectOk(chain.send([await closeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator]));
  assert.is(chain.balance(lease.renter.publicKey), before, 'a full refund: deposit and rent');
  const h = readHost(chain, host.host);
  assert.equal([h.stake, h.status, h.openLeases, h.payable], [stake, 'Active', 0, 0n]);
  assert.ok(isClosed(chain, lease.lease));
});

test.run();
