/**
 * `update_config` against the real program: the config authority changes every parameter
 * but the epoch length at once, within the same ranges as initialize; a new witness set is
 * pending until (grace_epochs + 1) epochs have passed. The attacks (open leases keep their
 * fee and grace, witnesses counted only after the delay) are in attack-config.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, PublicKey } from '@solana/web3.js';
import { CONFIG, SOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { readConfig } from './support/accounts.js';
import * as ix from './support/instructions.js';
import type { UpdateArgs } from './support/instructions.js';

const current = (chain: TestChain): UpdateArgs => {
  const { proofEpochSecs: _, ...rest } = chain.params;
  return { ...rest, witnesses: chain.witnesses.map((w) => w.publicKey) };
};

const update = (chain: TestChain, change: Partial<UpdateArgs>, authority = chain.authority.publicKey) =>
  ix.updateConfig(chain.program, { ...current(chain), ...change }, { authority });

test('update_config by the authority changes every parameter at once; the epoch length never changes', async () => {
  const chain = await TestChain.create();
  const before = readConfig(chain, CONFIG);
  const lamports = chain.balance(CONFIG);
  const change = { feeBps: 500, minHostStake: 3n * SOL, graceEpochs: 5, slashBps: 2_000, rewardBps: 100, epochReward: 7n, jailSecs: 60n };
  const outcome = expectOk(chain.send([await update(chain, change)], [chain.authority]));
  reportCu('update_config', outcome);
  const after = readConfig(chain, CONFIG);
  assert.equal(
    [after.feeBps, after.minHostStake, after.graceEpochs, after.slashBps, after.rewardBps, after.epochReward, after.jailSecs],
    [change.feeBps, change.minHostStake, change.graceEpochs, change.slashBps, change.rewardBps, change.epochReward, change.jailSecs],
  );
  assert.equal([after.proofEpochSecs, after.authority.toBase58(), after.witnessCount], [before.proofEpochSecs, before.authority.toBase58(), before.witnessCount]);
  assert.equal(after.witnesses.map((w) => w.toBase58()), before.witnesses.map((w) => w.toBase58()), 'the same witnesses: nothing pending');
  assert.is(chain.balance(CONFIG), lamports);
});

test('a new witness set is pending until now + (grace_epochs + 1) epochs', async () => {
  const chain = await TestChain.create();
  const newcomer = Keypair.generate().publicKey;
  const witnesses = [chain.witnesses[0]?.publicKey as PublicKey, newcomer];
  expectOk(chain.send([await update(chain, { witnesses })], [chain.authority]));
  const config = readConfig(chain, CONFIG);
  assert.equal(config.witnesses.slice(0, 2).map((w) => w.toBase58()), chain.witnesses.map((w) => w.publicKey.toBase58()), 'the old set still counts');
  assert.is(config.nextWitnessCount, 2);
  assert.equal(config.nextWitnesses.slice(0, 2).map((w) => w.toBase58()), witnesses.map((w) => w.toBase58()));
  assert.is(config.nextWitnessesAt, chain.now() + BigInt(chain.params.graceEpochs + 1) * chain.params.proofEpochSecs);
});

const OUT_OF_RANGE: [string, Partial<UpdateArgs>][] = [
  ['fee_bps above 10000', { feeBps: 10_001 }],
  ['slash_bps above 10000', { slashBps: 10_001 }],
  ['reward_bps above 10000', { rewardBps: 10_001 }],
  ['grace_epochs 0', { graceEpochs: 0 }],
  ['grace_epochs 1', { graceEpochs: 1 }],
  ['grace_epochs 33', { graceEpochs: 33 }],
  ['a zero minimum stake', { minHostStake: 0n }],
  ['a jail time above 10 years', { jailSecs: 315_360_001n }],
  ['no witness', { witnesses: [] }],
  ['five witnesses', { witnesses: Array.from({ length: 5 }, () => Keypair.generate().publicKey) }],
  ['a duplicate witness', { witnesses: [PublicKey.default, PublicKey.default].map(() => Keypair.fromSeed(new Uint8Array(32)).publicKey) }],
];

test('update_config rejects every out-of-range parameter with InvalidArgument and changes nothing', async () => {
  const chain = await TestChain.create();
  for (const [what, change] of OUT_OF_RANGE) {
    const outcome = chain.rejects([await update(chain, change)], [chain.authority], 'InvalidArgument', [CONFIG, chain.authority.publicKey]);
    assert.ok(outcome, what);
  }
  expectOk(chain.send([await update(chain, { graceEpochs: 2, feeBps: 10_000, jailSecs: 315_360_000n })], [chain.authority]));
  expectOk(chain.send([await update(chain, { graceEpochs: 32, witnesses: Array.from({ length: 4 }, () => Keypair.generate().publicKey) })], [chain.authority]));
});

test('update_config by anyone but the authority fails with Unauthorized; without its signature with MissingSigner', async () => {
  const chain = await TestChain.create();
  const watched = [CONFIG, chain.authority.publicKey];
  for (const impostor of [chain.wallet(1n), chain.witnesses[0] as Keypair]) {
    chain.rejects([await update(chain, { feeBps: 10_000 }, impostor.publicKey)], [impostor], 'Unauthorized', [...watched, impostor.publicKey]);
  }
  chain.rejects([ix.unsigned(await update(chain, { feeBps: 10_000 }), chain.authority.publicKey)], [], 'MissingSigner', watched);
  chain.rejects([ix.readonly(await update(chain, { feeBps: 10_000 }), CONFIG)], [chain.authority], 'NotWritable', watched);
  const fakeConfig = chain.copyAccount(CONFIG, Keypair.generate().publicKey);
  chain.rejects([await ix.updateConfig(chain.program, { ...current(chain), feeBps: 1 }, { authority: chain.authority.publicKey, config: fakeConfig })],
    [chain.authority], 'WrongAccountOwner', [...watched, fakeConfig]);
});

test.run();
