/**
 * The whole interface in one rental story: every instruction built by anchor's `Program`
 * from program/idl/decloud.json, every account decoded by anchor's coder, lamports
 * conserved across every step, and the compute units of each instruction in a table.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, CU_BUDGET, HOST_LEN, IDL, REWARD_POOL, SOL, TestChain, expectOk } from './support/chain.js';
import type { Outcome } from './support/chain.js';
import { isClosed, readHost, readLease, readPool } from './support/accounts.js';
import {
  attestationProof, claimInstruction, closeInstruction, heartbeatInstructions, makePenalizable, openLeaseInstructions, openedLease,
  penalizeInstruction, plannedLease, receiptProof, registeredHost, settleInstruction, withdrawInstruction,
} from './support/fixtures.js';
import * as ix from './support/instructions.js';

test('a rental from registration to penalty: every instruction, lamports conserved, compute units', async () => {
  const chain = await TestChain.create();
  const L = chain.params.proofEpochSecs;
  const funder = chain.wallet(10n);
  const caller = chain.wallet(1n);
  const cu: [string, number][] = [];
  const accounts: PublicKey[] = [funder.publicKey, caller.publicKey, CONFIG, REWARD_POOL];
  const total = () => accounts.reduce((sum, a) => sum + chain.balance(a), 0n);
  let expected = 0n;
  const step = (name: string, outcome: Outcome) => {
    expectOk(outcome);
    cu.push([name, outcome.cu]);
    assert.is(total(), expected, `${name}: lamports are conserved`);
  };

  expected = total();
  step('fund_rewards', chain.send([await ix.fundRewards(chain.program, SOL, { funder: funder.publicKey })], [funder]));
  const { proofEpochSecs: _, ...rest } = chain.params;
  step('update_config', chain.send([await ix.updateConfig(chain.program, { ...rest, feeBps: 250, witnesses: chain.witnesses.map((w) => w.publicKey) }, { authority: chain.authority.publicKey })], [chain.authority]));

  const host = await registeredHost(chain);
  accounts.push(host.operator.publicKey, host.owner, host.host);
  expected = total();
  step('activate_host', chain.send([await ix.activateHost(chain.program, { operator: host.operator.publicKey, host: host.host })], [host.operator]));
  const lease = plannedLease(chain, { rate: 1_000n, durationSecs: 3_600n });
  accounts.push(lease.renter.publicKey, lease.lease);
  expected = total();
  step('open_lease', chain.send(await openLeaseInstructions(chain, host, lease), [lease.renter]));
  const start = chain.now();

  step('top_up_lease', chain.send([await ix.topUpLease(chain.program, 1_800n, { renter: lease.renter.publicKey, lease: lease.lease })], [lease.renter]));
  chain.warp(start + 600n);
  step('post_proof (receipt)', chain.send(await receiptProof(chain, host, lease, start + 600n)));
  chain.warp(start + 1_200n);
  step('post_proof (attestation)', chain.send(await attestationProof(chain, host, lease, (start + 600n) / L)));
  step('witness_heartbeat', chain.send(await heartbeatInstructions(chain, (start + 600n) / L, chain.witnesses[1])));
  step('settle_lease', chain.send([await settleInstruction(chain, host, lease)]));
  step('claim_rewards', chain.send([await claimInstruction(chain, host)], [host.operator]));
  step('deactivate_host', chain.send([await ix.deactivateHost(chain.program, { operator: host.operator.publicKey, host: host.host })], [host.operator]));
  step('add_stake', chain.send([await ix.addStake(chain.program, SOL, { operator: host.operator.publicKey, host: host.host })], [host.operator]));
  step('activate_host', chain.send([await ix.activateHost(chain.program, { operator: host.operator.publicKey, host: host.host })], [host.operator]));
  step('close_lease', chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));

  const second = await openedLease(chain, host, { rate: 500n, durationSecs: 7_200n });
  accounts.push(second.renter.publicKey, second.lease);
  expected = total();
  await makePenalizable(chain, second);
  step('penalize_host', chain.send([await penalizeInstruction(chain, host, second, caller.publicKey)], [caller]));
  chain.warp(readHost(chain, host.host).jailedUntil);
  step('withdraw_stake', chain.send([await withdrawInstruction(chain, host)], [host.operator]));

  const h = readHost(chain, host.host);
  assert.is(h.status, 'Jailed');
  assert.equal([h.stake, h.payable, h.openLeases, h.provenEpochs], [0n, 0n, 0, 1n]);
  assert.ok(h.rewardsEarned > 0n && h.rewardsEarned <= chain.params.epochReward);
  assert.is(chain.balance(host.host), chain.rent(HOST_LEN), 'only the rent is left in the host');
  const pool = readPool(chain, REWARD_POOL);
  assert.is(pool.totalFunded, SOL);
  assert.is(pool.totalFees, (1_200n * 1_000n * 250n) / 10_000n);
  assert.is(pool.totalRewarded, h.rewardsEarned);
  assert.is(pool.totalSlashed, ((chain.params.minHostStake + SOL) * BigInt(chain.params.slashBps)) / 10_000n);
  assert.ok(isClosed(chain, lease.lease) && isClosed(chain, second.lease));
  assert.throws(() => readLease(chain, lease.lease), /does not exist/);

  console.log('  compute units per instruction:');
  for (const [name, units] of cu) console.log(`    ${name.padEnd(26)} ${String(units).padStart(6)}`);
  const driven = new Set(cu.map(([step]) => step.split(' ')[0]));
  const byFixtures = ['initialize', 'register_host']; // TestChain.create, registeredHost
  const missing = IDL.instructions.map((i) => i.name).filter((name) => !byFixtures.includes(name) && !driven.has(name));
  assert.equal(missing, [], 'the story drives every instruction of the IDL');
  for (const [name, budget] of Object.entries(CU_BUDGET)) {
    const units = cu.filter(([step]) => step.split(' ')[0] === name).map(([, u]) => u);
    assert.ok(units.length > 0 && Math.max(...units) <= budget, `${name}: ${units.join(', ')} CU, budget ${budget}`);
  }
});

test.run();
