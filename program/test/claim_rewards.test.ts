/**
 * `claim_rewards` against the real program: what the host account holds for its owner
 * (settled payments and epoch rewards, host.payable) paid to the owner, signed by the
 * operator or the owner, and every rejection.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { HOST_LEN, REWARD_POOL, SOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost } from './support/accounts.js';
import {
  activeHost, attestationProof, claimInstruction, makePenalizable, openedLease, penalizeInstruction, receiptProof, settleInstruction,
} from './support/fixtures.js';
import type { HostOptions } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const L = 600n;

/** An active host with `epochs` attested epochs of a lease (rewards) and the lease settled (payments), the pool funded with 10 SOL. */
async function setUp(epochs: bigint, options: HostOptions = {}) {
  const chain = await TestChain.create({ proofEpochSecs: L });
  const funder = chain.wallet(20n);
  expectOk(chain.send([await ix.fundRewards(chain.program, 10n * SOL, { funder: funder.publicKey })], [funder]));
  const host = await activeHost(chain, options);
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 100_000n });
  const start = chain.now();
  for (let e = 0n; e < epochs; e += 1n) {
    chain.warp(start + (e + 1n) * L);
    expectOk(chain.send(await attestationProof(chain, host, lease, start / L + e)));
  }
  if (epochs > 0n) expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const watched = [host.host, host.owner, host.operator.publicKey, REWARD_POOL];
  return { chain, host, lease, watched };
}

test('claim_rewards pays everything the host account holds for the owner (payments and rewards) to the owner', async () => {
  const { chain, host } = await setUp(3n);
  const h = readHost(chain, host.host);
  assert.ok(h.rewardsEarned > 0n && h.rewardsEarned <= 3n * chain.params.epochReward, `rewards ${h.rewardsEarned}`);
  assert.ok(h.payable === h.rewardsEarned + h.earned, 'payable = rewards + settled payments');
  const [owner, hostLamports, pool] = [chain.balance(host.owner), chain.balance(host.host), chain.balance(REWARD_POOL)];
  const outcome = expectOk(chain.send([await claimInstruction(chain, host)], [host.operator]));
  reportCu('claim_rewards', outcome);
  assert.is(chain.balance(host.owner), owner + h.payable);
  assert.is(chain.balance(host.host), hostLamports - h.payable);
  assert.is(chain.balance(host.host), chain.rent(HOST_LEN) + h.stake, 'the host keeps its rent and the stake');
  assert.is(chain.balance(REWARD_POOL), pool, 'the pool paid the rewards when they were earned, not now');
  const after = readHost(chain, host.host);
  assert.equal([after.payable, after.rewardsEarned, after.earned, after.stake], [0n, h.rewardsEarned, h.earned, h.stake]);
});

test('the owner may claim too', async () => {
  const owner = Keypair.generate();
  const { chain, host } = await setUp(1n, { owner });
  chain.svm.airdrop(owner.publicKey, SOL);
  const payable = readHost(chain, host.host).payable;
  expectOk(chain.send([await claimInstruction(chain, host, owner.publicKey)], [owner]));
  assert.is(chain.balance(owner.publicKey), SOL + payable);
});

test('a second claim without new earnings fails with NothingToClaim; a new epoch pays again', async () => {
  const { chain, host, lease, watched } = await setUp(1n);
  expectOk(chain.send([await claimInstruction(chain, host)], [host.operator]));
  chain.rejects([await claimInstruction(chain, host)], [host.operator], 'NothingToClaim', watched);
  chain.advance(L);
  expectOk(chain.send(await attestationProof(chain, host, lease, chain.now() / L - 1n)));
  const payable = readHost(chain, host.host).payable;
  assert.ok(payable > 0n);
  const owner = chain.balance(host.owner);
  expectOk(chain.send([await claimInstruction(chain, host)], [host.operator]));
  assert.is(chain.balance(host.owner), owner + payable);
});

test('a host that earned nothing has NothingToClaim', async () => {
  const { chain, watched } = await setUp(0n);
  const fresh = await activeHost(chain);
  chain.rejects([await claimInstruction(chain, fresh)], [fresh.operator], 'NothingToClaim', [...watched, fresh.host]);
});

test('a claim an empty owner address could not hold (below its rent-exempt minimum) is refused (InsufficientFunds) and stays payable', async () => {
  const chain = await TestChain.create({ proofEpochSecs: L });
  const host = await activeHost(chain, { owner: Keypair.generate() });
  const lease = await openedLease(chain, host, { rate: 1n, durationSecs: 100_000n });
  chain.advance(100n);
  expectOk(chain.send(await receiptProof(chain, host, lease, chain.now())));
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const payable = readHost(chain, host.host).payable;
  assert.ok(payable > 0n && payable < chain.rent(0n));
  chain.rejects([await claimInstruction(chain, host)], [host.operator], 'InsufficientFunds', [host.host, host.owner, host.operator.publicKey]);
  chain.svm.airdrop(host.owner, SOL);
  expectOk(chain.send([await claimInstruction(chain, host)], [host.operator]));
  assert.is(chain.balance(host.owner), SOL + payable);
});

test('a jailed host still claims what it was paid for proven time', async () => {
  const chain = await TestChain.create({ proofEpochSecs: L });
  const host = await activeHost(chain);
  const served = await openedLease(chain, host);
  const abandoned = await openedLease(chain, host);
  chain.advance(600n);
  expectOk(chain.send(await receiptProof(chain, host, served, chain.now())));
  expectOk(chain.send([await settleInstruction(chain, host, served)]));
  await makePenalizable(chain, abandoned);
  const caller = chain.wallet(1n);
  expectOk(chain.send([await penalizeInstruction(chain, host, abandoned, caller.publicKey)], [caller]));
  const h = readHost(chain, host.host);
  assert.is(h.status, 'Jailed');
  assert.ok(h.payable > 0n);
  const owner = chain.balance(host.owner);
  expectOk(chain.send([await claimInstruction(chain, host)], [host.operator]));
  assert.is(chain.balance(host.owner), owner + h.payable);
});

test('claim_rewards rejects another signer, a wrong owner, a missing signature, a fake host and read-only accounts', async () => {
  const { chain, host, watched } = await setUp(1n);
  const stranger = chain.wallet(1n);
  const claim = (a: Partial<Record<'signer' | 'owner' | 'host', PublicKey>> = {}) =>
    ix.claimRewards(chain.program, { signer: host.operator.publicKey, owner: host.owner, host: host.host, ...a });
  chain.rejects([await claim({ signer: stranger.publicKey })], [stranger], 'Unauthorized', [...watched, stranger.publicKey]);
  chain.rejectsWithOneOf([await claim({ signer: stranger.publicKey, owner: stranger.publicKey })], [stranger], ['Unauthorized', 'WrongOwner'], [...watched, stranger.publicKey]);
  chain.rejects([await claim({ owner: stranger.publicKey })], [host.operator], 'WrongOwner', [...watched, stranger.publicKey]);
  chain.rejects([ix.unsigned(await claim(), host.operator.publicKey)], [], 'MissingSigner', watched);
  const copy = chain.copyAccount(host.host, Keypair.generate().publicKey);
  chain.rejects([await claim({ host: copy })], [host.operator], 'WrongAccountOwner', [...watched, copy]);
  chain.rejects([await claim({ host: REWARD_POOL })], [host.operator], 'InvalidAccountData', watched);
  for (const account of [host.owner, host.host]) {
    chain.rejects([ix.readonly(await claim(), account)], [host.operator], 'NotWritable', watched);
  }
  expectOk(chain.send([await claim()], [host.operator]));
});

test.run();
