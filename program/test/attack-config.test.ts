/**
 * Attack: the config authority (or someone posing as it) turns the config against hosts
 * and renters: a grace of 0 or 1 epoch to penalize hosts at once, fees raised on leases
 * already open, its own witness key to fake liveness or attestations right away. Ranges
 * hold, only the config authority may update, open leases keep the fee and grace they
 * opened under, and a new witness set counts only after (grace_epochs + 1) epochs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, PROGRAM_ID, REWARD_POOL, TestChain, expectOk, setUpgradeAuthority } from './support/chain.js';
import { readConfig, readHost, readLease, readPool } from './support/accounts.js';
import {
  activeHost, attestationProof, heartbeatInstructions, openedLease, penalizeInstruction, postHeartbeats, receiptProof, settleInstruction,
} from './support/fixtures.js';
import * as ix from './support/instructions.js';
import type { UpdateArgs } from './support/instructions.js';

const currentArgs = (chain: TestChain): UpdateArgs => {
  const { proofEpochSecs: _, ...rest } = chain.params;
  return { ...rest, witnesses: chain.witnesses.map((w) => w.publicKey) };
};
const update = (chain: TestChain, change: Partial<UpdateArgs>, authority = chain.authority.publicKey) =>
  ix.updateConfig(chain.program, { ...currentArgs(chain), ...change }, { authority });

const OUT_OF_RANGE: [string, Partial<UpdateArgs>][] = [
  ['grace_epochs 0', { graceEpochs: 0 }], ['grace_epochs 1', { graceEpochs: 1 }], ['grace_epochs 33', { graceEpochs: 33 }],
  ['fee_bps 10001', { feeBps: 10_001 }], ['slash_bps 10001', { slashBps: 10_001 }], ['reward_bps 10001', { rewardBps: 10_001 }],
  ['min_host_stake 0', { minHostStake: 0n }], ['jail_secs 10 years + 1 s', { jailSecs: 315_360_001n }], ['jail_secs u64::MAX', { jailSecs: 2n ** 64n - 1n }],
  ['no witness', { witnesses: [] }], ['5 witnesses', { witnesses: Array.from({ length: 5 }, () => Keypair.generate().publicKey) }],
];

test('initialize with grace_epochs 0 or 1 (or any range broken) fails with InvalidArgument', async () => {
  for (const [what, change] of [...OUT_OF_RANGE, ['proof_epoch_secs 0', { proofEpochSecs: 0n }], ['proof_epoch_secs 604801', { proofEpochSecs: 604_801n }]] as const) {
    const chain = TestChain.deployed();
    const outcome = chain.rejects([await chain.initializeInstruction(change as Partial<UpdateArgs>)], [chain.authority], 'InvalidArgument',
      [CONFIG, REWARD_POOL, chain.authority.publicKey]);
    assert.ok(outcome, what);
    assert.is(chain.svm.getAccount(CONFIG), null, `${what}: no config`);
  }
});

test('update_config with grace_epochs 0 or 1 (or any range broken) fails with InvalidArgument, changing nothing', async () => {
  const chain = await TestChain.create();
  for (const [what, change] of OUT_OF_RANGE) {
    assert.ok(chain.rejects([await update(chain, change)], [chain.authority], 'InvalidArgument', [CONFIG, chain.authority.publicKey]), what);
  }
  assert.is(readConfig(chain, CONFIG).graceEpochs, chain.params.graceEpochs);
});

test('update_config by anyone but the config authority fails with Unauthorized — a new upgrade authority included', async () => {
  const chain = await TestChain.create();
  const newUpgradeAuthority = chain.wallet(1n);
  setUpgradeAuthority(chain.svm, PROGRAM_ID, newUpgradeAuthority.publicKey);
  for (const impostor of [chain.wallet(1n), newUpgradeAuthority, chain.witnesses[0] as Keypair]) {
    chain.rejects([await update(chain, { graceEpochs: 2, feeBps: 10_000 }, impostor.publicKey)], [impostor], 'Unauthorized', [CONFIG, impostor.publicKey]);
  }
  expectOk(chain.send([await update(chain, { feeBps: 300 })], [chain.authority]));
});

test("update_config never changes an open lease's fee or grace: only leases opened afterwards take the new ones", async () => {
  const chain = await TestChain.create();
  const L = chain.params.proofEpochSecs;
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { durationSecs: 30n * L });
  const E0 = chain.epoch();
  const start = chain.now();
  expectOk(chain.send([await update(chain, { feeBps: 10_000, graceEpochs: 2 })], [chain.authority]));
  let state = readLease(chain, lease.lease);
  assert.equal([state.feeBps, state.graceEpochs], [chain.params.feeBps, chain.params.graceEpochs], 'the lease keeps what it opened under');
  // The fee: settling pays the lease's own 2.5 %, not the new 100 %.
  chain.warp(start + L);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + L)));
  const [pool, hostLamports] = [chain.balance(REWARD_POOL), chain.balance(host.host)];
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const amount = lease.rate * L;
  const fee = (amount * BigInt(chain.params.feeBps)) / 10_000n;
  assert.is(chain.balance(REWARD_POOL), pool + fee);
  assert.is(chain.balance(host.host), hostLamports + amount - fee);
  // The grace: 3 alive unproven epochs are within this lease's grace of 3, though the config now says 2.
  chain.warp(start + 4n * L);
  await postHeartbeats(chain, E0 + 1n, E0 + 3n);
  const caller = chain.wallet(1n);
  chain.rejects([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller], 'WithinGrace', [lease.lease, host.host, REWARD_POOL, lease.renter.publicKey]);
  state = readLease(chain, lease.lease);
  assert.equal([state.feeBps, state.graceEpochs], [chain.params.feeBps, chain.params.graceEpochs]);
  // A lease opened now takes the new values.
  const later = await openedLease(chain, host);
  const fresh = readLease(chain, later.lease);
  assert.equal([fresh.feeBps, fresh.graceEpochs], [10_000, 2]);
});

test('a new witness set counts only after (grace_epochs + 1) epochs; until then the old one does', async () => {
  const chain = await TestChain.create();
  const L = chain.params.proofEpochSecs;
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { durationSecs: 40n * L });
  const [kept, dropped] = chain.witnesses as [Keypair, Keypair];
  const newcomer = Keypair.generate(); // the authority's own key
  expectOk(chain.send([await update(chain, { witnesses: [kept.publicKey, newcomer.publicKey] })], [chain.authority]));
  const effective = readConfig(chain, CONFIG).nextWitnessesAt;
  assert.is(effective, chain.now() + BigInt(chain.params.graceEpochs + 1) * L);
  const watched: PublicKey[] = [lease.lease, host.host, REWARD_POOL];
  const attest = (witness: Keypair) => attestationProof(chain, host, lease, chain.epoch() - 1n, { witness });

  chain.advance(L);
  chain.rejects(await attest(newcomer), [], 'NotWitness', watched);
  chain.rejects(await heartbeatInstructions(chain, chain.epoch() - 1n, newcomer), [], 'NotWitness', watched);
  expectOk(chain.send(await attest(dropped)));
  chain.warp(effective - 1n);
  chain.rejects(await heartbeatInstructions(chain, chain.epoch() - 1n, newcomer), [], 'NotWitness', watched);

  chain.warp(effective + L);
  const alive = readPool(chain, REWARD_POOL).aliveEpoch;
  chain.rejects(await attest(dropped), [], 'NotWitness', watched);
  chain.rejects(await heartbeatInstructions(chain, chain.epoch() - 1n, dropped), [], 'NotWitness', watched);
  assert.is(readPool(chain, REWARD_POOL).aliveEpoch, alive);
  expectOk(chain.send(await attest(newcomer)));
  expectOk(chain.send(await heartbeatInstructions(chain, chain.epoch() - 2n, kept)));
  assert.ok(readHost(chain, host.host).provenEpochs >= 2n);
});

test.run();
