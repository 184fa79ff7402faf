/**
 * Attack: a host that stopped serving a lease closes it itself before anyone penalizes it,
 * hoping to walk away with a plain close. close_lease by the operator of a lease past its
 * grace penalizes it exactly as penalize_host would: slash to the pool, host jailed, the
 * unproven deposit back to the renter. At the grace limit (not past it) the close is plain.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REWARD_POOL, TestChain, expectOk } from './support/chain.js';
import { isClosed, readHost, readPool } from './support/accounts.js';
import { activeHost, closeInstruction, openedLease, postHeartbeats, receiptProof } from './support/fixtures.js';

async function setUp() {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { durationSecs: 20n * chain.params.proofEpochSecs });
  return { chain, host, lease, L: chain.params.proofEpochSecs, E0: chain.epoch(), start: chain.now() };
}

test('an operator closing a lease past its grace is penalized: slashed into the pool and jailed', async () => {
  const { chain, host, lease, L, E0, start } = await setUp();
  chain.warp(start + L);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + L)));
  const grace = BigInt(chain.params.graceEpochs);
  chain.warp(start + (grace + 2n) * L);
  await postHeartbeats(chain, E0 + 1n, E0 + grace + 1n); // grace + 1 alive epochs, unproven
  const stake = readHost(chain, host.host).stake;
  const [pool, renter, leaseLamports, operator] = [chain.balance(REWARD_POOL), chain.balance(lease.renter.publicKey), chain.balance(lease.lease), chain.balance(host.operator.publicKey)];
  expectOk(chain.send([await closeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator]));
  const proven = lease.rate * L;
  const fee = (proven * BigInt(chain.params.feeBps)) / 10_000n;
  const slash = (stake * BigInt(chain.params.slashBps)) / 10_000n;
  const h = readHost(chain, host.host);
  assert.equal([h.status, h.stake, h.slashBase, h.jailedUntil], ['Jailed', stake - slash, stake, chain.now() + chain.params.jailSecs]);
  assert.is(chain.balance(REWARD_POOL), pool + fee + slash, 'the slash (and the fee) to the pool');
  assert.is(chain.balance(lease.renter.publicKey), renter + leaseLamports - proven, 'the unproven deposit and the rent back to the renter');
  assert.is(chain.balance(host.operator.publicKey), operator, 'the operator gains nothing');
  assert.is(readPool(chain, REWARD_POOL).totalSlashed, slash);
  assert.ok(isClosed(chain, lease.lease));
});

test('exactly at the grace limit the operator’s close is plain; one more alive epoch and it is a penalty', async () => {
  for (const extra of [0n, 1n]) {
    const { chain, host, lease, L, E0 } = await setUp();
    const grace = BigInt(chain.params.graceEpochs);
    chain.warp((E0 + grace + extra) * L);
    await postHeartbeats(chain, E0, E0 + grace + extra - 1n);
    const stake = readHost(chain, host.host).stake;
    expectOk(chain.send([await closeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator]));
    const h = readHost(chain, host.host);
    if (extra === 0n) assert.equal([h.status, h.stake], ['Active', stake], 'grace alive epochs: within grace, no penalty');
    else assert.equal([h.status, h.stake], ['Jailed', stake - (stake * BigInt(chain.params.slashBps)) / 10_000n], 'grace + 1: penalized');
  }
});

test.run();
