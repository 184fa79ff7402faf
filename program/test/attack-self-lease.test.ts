/**
 * Attack: a host rents its own machine from a second wallet it controls, to farm the reward
 * pool. Receipts (which the attacker signs itself) prove time but never earn a reward; an
 * epoch a witness attests earns at most epoch_reward, once, however many leases the host
 * runs in it; and claiming never touches what another host has accrued.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REWARD_POOL, SOL, TestChain, expectOk } from './support/chain.js';
import { readHost, readPool } from './support/accounts.js';
import {
  activeHost, attestationProof, claimInstruction, leaseIdFrom, openedLease, receiptProof, settleInstruction,
} from './support/fixtures.js';
import type { HostParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

async function fundedChain(pool = 100n * SOL) {
  const chain = await TestChain.create();
  const funder = chain.wallet(pool / SOL + 1n);
  expectOk(chain.send([await ix.fundRewards(chain.program, pool, { funder: funder.publicKey })], [funder]));
  return chain;
}

test('self-leasing with self-signed receipts: the time is proven and paid, but not one lamport of reward', async () => {
  const chain = await fundedChain();
  const L = chain.params.proofEpochSecs;
  const host = await activeHost(chain);
  const puppet = chain.wallet(); // the attacker's second wallet
  const leases = [];
  for (let i = 0n; i < 3n; i++) leases.push(await openedLease(chain, host, { renter: puppet, leaseId: leaseIdFrom(puppet.publicKey, 1n + 100n * i), durationSecs: 40n * L }));
  const poolBefore = { lamports: chain.balance(REWARD_POOL), state: readPool(chain, REWARD_POOL) };
  for (let e = 1n; e <= 30n; e += 1n) {
    chain.advance(L);
    for (const lease of leases) expectOk(chain.send(await receiptProof(chain, host, lease, chain.now(), puppet)));
  }
  for (const lease of leases) expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const h = readHost(chain, host.host);
  assert.equal([h.rewardsEarned, h.provenEpochs], [0n, 0n], 'receipts never count for rewards');
  const pool = readPool(chain, REWARD_POOL);
  assert.is(pool.totalRewarded, poolBefore.state.totalRewarded);
  assert.is(chain.balance(REWARD_POOL), poolBefore.lamports + (pool.totalFees - poolBefore.state.totalFees), 'the pool only gained the fees the attacker paid itself');
  const paid = BigInt(leases.length) * 1_000n * 30n * L;
  assert.is(h.earned, paid - (pool.totalFees - poolBefore.state.totalFees), 'the attacker got back what it paid minus the fee');
});

test('with a witness attesting every self-lease: at most epoch_reward per epoch, once per epoch however many leases', async () => {
  const chain = await fundedChain();
  const L = chain.params.proofEpochSecs;
  const host = await activeHost(chain);
  const puppets = [chain.wallet(), chain.wallet(), chain.wallet()];
  const leases = [];
  for (const puppet of puppets) leases.push(await openedLease(chain, host, { renter: puppet, durationSecs: 40n * L }));
  const EPOCHS = 25n;
  let last = readHost(chain, host.host);
  for (let e = 0n; e < EPOCHS; e += 1n) {
    chain.advance(L);
    const epoch = chain.epoch() - 1n;
    for (const lease of leases) expectOk(chain.send(await attestationProof(chain, host, lease, epoch)));
    const h = readHost(chain, host.host);
    const earned = h.rewardsEarned - last.rewardsEarned;
    assert.ok(earned <= chain.params.epochReward, `epoch ${epoch}: ${earned} <= epoch_reward ${chain.params.epochReward}`);
    assert.is(earned, chain.params.epochReward, 'the pool is large: exactly one epoch reward');
    assert.is(h.provenEpochs, last.provenEpochs + 1n, 'three leases in the epoch, one proven epoch');
    last = h;
  }
  assert.is(last.rewardsEarned, EPOCHS * chain.params.epochReward);
  assert.is(readPool(chain, REWARD_POOL).totalRewarded, EPOCHS * chain.params.epochReward);
});

test("a claim never reduces another host's accrued payable, and nobody but its operator or owner can claim it", async () => {
  const chain = await fundedChain();
  const L = chain.params.proofEpochSecs;
  const earn = (host: HostParty) => openedLease(chain, host, { durationSecs: 10n * L });
  const a = await activeHost(chain);
  const b = await activeHost(chain);
  const [la, lb] = [await earn(a), await earn(b)];
  for (let e = 0n; e < 3n; e += 1n) {
    chain.advance(L);
    expectOk(chain.send(await attestationProof(chain, a, la, chain.epoch() - 1n)));
    expectOk(chain.send(await attestationProof(chain, b, lb, chain.epoch() - 1n)));
  }
  expectOk(chain.send([await settleInstruction(chain, a, la)]));
  expectOk(chain.send([await settleInstruction(chain, b, lb)]));
  const bBefore = chain.snapshot([b.host, b.owner]);
  const bPayable = readHost(chain, b.host).payable;
  assert.ok(bPayable > 0n);
  expectOk(chain.send([await claimInstruction(chain, a)], [a.operator]));
  chain.rejects([await claimInstruction(chain, a)], [a.operator], 'NothingToClaim', [a.host, a.owner, b.host, b.owner]);
  chain.assertUnchanged(bBefore);
  // A's operator tries B's host account, to its own owner and to B's.
  const steal = (owner = a.owner) => ix.claimRewards(chain.program, { signer: a.operator.publicKey, owner, host: b.host });
  chain.rejectsWithOneOf([await steal()], [a.operator], ['Unauthorized', 'WrongOwner'], [a.host, a.owner, b.host, b.owner]);
  chain.rejects([await steal(b.owner)], [a.operator], 'Unauthorized', [a.host, a.owner, b.host, b.owner]);
  assert.is(readHost(chain, b.host).payable, bPayable);
  const owner = chain.balance(b.owner);
  expectOk(chain.send([await claimInstruction(chain, b)], [b.operator]));
  assert.is(chain.balance(b.owner), owner + bPayable);
});

test.run();
