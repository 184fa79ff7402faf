/**
 * `penalize_host` against the real program: the grace period counted in witness-alive epochs
 * (heartbeats and attestations mark them), the slash into the reward pool, the jail time,
 * the refund, and every rejection.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, LEASE_LEN, REWARD_POOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { isClosed, readHost, readPool } from './support/accounts.js';
import {
  activeHost, closeInstruction, makePenalizable, openedLease, penalizeInstruction, postHeartbeats, receiptProof,
} from './support/fixtures.js';
import * as ix from './support/instructions.js';

// Defaults: epochs of 600 s, 3 epochs of grace, slash 10 %, fee 2.5 %, a day of jail.
async function setUp() {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 7_200n });
  const start = chain.now();
  const caller = chain.wallet(1n);
  const watched = [host.host, lease.lease, host.owner, REWARD_POOL, lease.renter.publicKey, caller.publicKey, CONFIG];
  return { chain, host, lease, start, caller, watched, L: chain.params.proofEpochSecs, E0: start / chain.params.proofEpochSecs };
}

type Accounts = Partial<Record<'caller' | 'renter' | 'host' | 'lease' | 'rewardPool' | 'config', PublicKey>>;

test('past the grace anyone penalizes: proven time paid, 10 % of the stake to the pool, the rest to the renter, host jailed', async () => {
  const { chain, host, lease, start, caller } = await setUp();
  chain.warp(start + 700n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 600n)));
  await makePenalizable(chain, lease);
  const stake = readHost(chain, host.host).stake;
  const before = {
    host: chain.balance(host.host), pool: chain.balance(REWARD_POOL), renter: chain.balance(lease.renter.publicKey),
    lease: chain.balance(lease.lease), caller: chain.balance(caller.publicKey), owner: chain.balance(host.owner),
  };
  const outcome = expectOk(chain.send([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller]));
  reportCu('penalize_host', outcome);

  const amount = 600n * 1_000n;
  const fee = (amount * 250n) / 10_000n;
  const slash = (stake * 1_000n) / 10_000n;
  assert.is(chain.balance(host.host), before.host + amount - fee - slash, 'the proven part is still paid, the slash taken');
  assert.is(chain.balance(REWARD_POOL), before.pool + fee + slash, 'the slash goes to the pool');
  assert.is(chain.balance(lease.renter.publicKey), before.renter + before.lease - amount, 'unproven deposit + rent, no slash');
  assert.is(chain.balance(caller.publicKey), before.caller, 'the caller neither pays nor earns');
  assert.is(chain.balance(host.owner), before.owner);
  assert.ok(isClosed(chain, lease.lease), 'the lease is closed');
  const h = readHost(chain, host.host);
  assert.is(h.status, 'Jailed');
  assert.equal([h.stake, h.slashBase, h.jailedUntil], [stake - slash, stake, chain.now() + chain.params.jailSecs]);
  assert.equal([h.openLeases, h.payable, h.earned], [0, amount - fee, amount - fee]);
  const pool = readPool(chain, REWARD_POOL);
  assert.equal([pool.totalFees, pool.totalSlashed], [fee, slash]);
});

test('exactly grace alive unproven epochs: WithinGrace; one more: penalizable; proofs restart the count', async () => {
  const { chain, host, lease, start, caller, watched, L, E0 } = await setUp();
  const refused = async () => chain.rejects([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller], 'WithinGrace', watched);
  await refused();
  chain.warp(start + 3n * L);
  await postHeartbeats(chain, E0, E0 + 2n); // 3 alive epochs = the grace
  await refused();
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 3n * L)));
  chain.warp(start + 6n * L);
  await postHeartbeats(chain, E0 + 3n, E0 + 5n);
  await refused();
  chain.warp(start + 7n * L - 1n);
  await refused(); // epoch E0 + 6 has not ended
  chain.warp(start + 7n * L);
  await refused(); // ended, but nobody saw it alive
  await postHeartbeats(chain, E0 + 6n, E0 + 6n);
  expectOk(chain.send([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller]));
});

test('an epoch partly proven does not count: only whole epochs after proven_until do', async () => {
  const { chain, host, lease, start, caller, watched, L, E0 } = await setUp();
  chain.warp(start + L);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 10n)));
  chain.warp(start + 4n * L);
  await postHeartbeats(chain, E0, E0 + 3n); // E0 is partly proven: E0 + 1..=E0 + 3 are the whole ones
  chain.rejects([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller], 'WithinGrace', watched);
  chain.warp(start + 5n * L);
  await postHeartbeats(chain, E0 + 4n, E0 + 4n);
  expectOk(chain.send([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller]));
});

test('after the max end the lag is measured up to the max end', async () => {
  const { chain, host, lease, start, caller, watched, L, E0 } = await setUp();
  chain.warp(start + 6_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 6_000n)));
  chain.warp(start + 30n * L);
  await postHeartbeats(chain, E0 + 10n, E0 + 29n); // 2 alive epochs before the max end, 18 after
  chain.rejects([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller], 'WithinGrace', watched);
  const refund = chain.balance(lease.lease) - 6_000_000n;
  const renter = chain.balance(lease.renter.publicKey);
  const stake = readHost(chain, host.host).stake;
  expectOk(chain.send([await closeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator]));
  assert.is(chain.balance(lease.renter.publicKey), renter + refund);
  assert.is(refund, 1_200_000n + chain.rent(LEASE_LEN));
  assert.equal([readHost(chain, host.host).stake, readHost(chain, host.host).status], [stake, 'Active'], 'closing within grace: no penalty');
});

test('penalize_host rejects a wrong renter or host, a missing signature, read-only and fake accounts', async () => {
  const { chain, host, lease, caller, watched } = await setUp();
  await makePenalizable(chain, lease);
  const penalize = (a: Accounts = {}) => ix.penalizeHost(chain.program, {
    caller: caller.publicKey, renter: lease.renter.publicKey, host: host.host, lease: lease.lease, ...a,
  });
  chain.rejects([await penalize({ renter: caller.publicKey })], [caller], 'WrongRenter', watched);
  const otherHost = await activeHost(chain);
  chain.rejects([await penalize({ host: otherHost.host })], [caller], 'LeaseHostMismatch', [...watched, otherHost.host]);
  chain.rejects([ix.unsigned(await penalize(), caller.publicKey)], [], 'MissingSigner', watched);
  for (const account of [lease.renter.publicKey, lease.lease, host.host, REWARD_POOL]) {
    chain.rejects([ix.readonly(await penalize(), account)], [caller], 'NotWritable', watched);
  }
  const fake = chain.copyAccount(lease.lease, Keypair.generate().publicKey);
  chain.rejects([await penalize({ lease: fake })], [caller], 'WrongAccountOwner', [...watched, fake]);
  const fakePool = chain.copyAccount(REWARD_POOL, Keypair.generate().publicKey);
  chain.rejects([await penalize({ rewardPool: fakePool })], [caller], 'WrongAccountOwner', [...watched, fakePool]);
  expectOk(chain.send([await penalize()], [caller]));
  chain.rejects([await penalize()], [caller], 'WrongAccountOwner', watched.filter((a) => !a.equals(lease.lease)));
});

test.run();
