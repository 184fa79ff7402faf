/**
 * `settle_lease` against the real program: rate x newly proven seconds into the host
 * account (held for the owner as payable), the lease's fee into the pool, exact balances,
 * and every rejection.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, CU_BUDGET, LEASE_LEN, REWARD_POOL, TestChain, expectOk, reportCu } from './support/chain.js';
import type { ConfigParams } from './support/chain.js';
import { readHost, readLease, readPool } from './support/accounts.js';
import { activeHost, leaseOfEmptyOwner, openedLease, receiptProof, settleInstruction } from './support/fixtures.js';
import * as ix from './support/instructions.js';

async function setUp(params: Partial<ConfigParams> = {}) {
  const chain = await TestChain.create(params);
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 7_200n });
  const start = chain.now();
  const watched = [host.host, lease.lease, host.owner, REWARD_POOL, lease.renter.publicKey, CONFIG];
  return { chain, host, lease, start, watched };
}

type Accounts = Partial<Record<'host' | 'lease' | 'rewardPool' | 'config', PublicKey>>;

test('settle_lease pays rate x proven seconds: the fee to the pool, the rest held in the host account for the owner', async () => {
  const { chain, host, lease, start } = await setUp();
  chain.warp(start + 1_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 900n)));
  const before = {
    owner: chain.balance(host.owner), pool: chain.balance(REWARD_POOL), lease: chain.balance(lease.lease),
    renter: chain.balance(lease.renter.publicKey), host: chain.balance(host.host), stake: readHost(chain, host.host).stake,
  };
  const outcome = expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  reportCu('settle_lease', outcome, CU_BUDGET.settle_lease);

  const amount = 1_000n * 900n;
  const fee = (amount * 250n) / 10_000n;
  assert.is(chain.balance(host.host), before.host + amount - fee, 'the share is held in the host account');
  assert.is(chain.balance(host.owner), before.owner, 'nothing is sent to the owner by a settlement');
  assert.is(chain.balance(REWARD_POOL), before.pool + fee);
  assert.is(chain.balance(lease.lease), before.lease - amount);
  assert.is(chain.balance(lease.renter.publicKey), before.renter, 'the renter pays nothing more');
  const state = readLease(chain, lease.lease);
  assert.is(state.paid, amount);
  assert.is(state.settledSecs, 900n);
  const h = readHost(chain, host.host);
  assert.equal([h.earned, h.payable, h.stake], [amount - fee, amount - fee, before.stake], 'earned and payable grow; the stake stays');
  assert.is(readPool(chain, REWARD_POOL).totalFees, fee);
});

test('settle_lease pays only what was proven since the last settlement; nothing to pay changes nothing', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  const nothing = chain.snapshot(watched);
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  chain.assertUnchanged(nothing);

  chain.warp(start + 1_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 600n)));
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const settledOnce = chain.snapshot(watched);
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  chain.assertUnchanged(settledOnce);

  const held = readHost(chain, host.host).payable;
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 1_000n)));
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const amount = 1_000n * 400n;
  assert.is(readHost(chain, host.host).payable, held + amount - (amount * 250n) / 10_000n);
  const state = readLease(chain, lease.lease);
  assert.is(state.paid, 1_000n * 1_000n);
  assert.is(state.settledSecs, 1_000n);
  const pool = readPool(chain, REWARD_POOL);
  assert.is(pool.totalFees, (600_000n * 250n) / 10_000n + (amount * 250n) / 10_000n);
});

test('with a zero fee the host gets everything; a fully proven lease pays exactly its deposit', async () => {
  const { chain, host, lease, start } = await setUp({ feeBps: 0 });
  chain.warp(start + 100_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 100_000n)));
  const [hostLamports, pool] = [chain.balance(host.host), chain.balance(REWARD_POOL)];
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const state = readLease(chain, lease.lease);
  assert.is(state.paid, state.deposit);
  assert.is(chain.balance(host.host), hostLamports + state.deposit);
  assert.is(readHost(chain, host.host).payable, state.deposit);
  assert.is(chain.balance(REWARD_POOL), pool);
  assert.is(chain.balance(lease.lease), chain.rent(LEASE_LEN), 'only the rent is left');
});

test('an owner address holding nothing never matters: any share, however small, is held in the host account', async () => {
  const chain = await TestChain.create();
  const { host, lease, start } = await leaseOfEmptyOwner(chain);
  chain.warp(start + 2_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 1n)));
  const before = chain.balance(host.host);
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const share = 1_000n - (1_000n * 250n) / 10_000n;
  assert.is(chain.balance(host.owner), 0n);
  assert.is(chain.balance(host.host), before + share);
  assert.is(readHost(chain, host.host).payable, share);
  assert.is(readHost(chain, host.host).stake, chain.params.minHostStake, 'the stake did not change');
});

test('settle_lease rejects the wrong host, pool or config and read-only accounts', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 900n)));
  const settle = (a: Accounts = {}) => ix.settleLease(chain.program, { host: host.host, lease: lease.lease, ...a });
  const otherHost = await activeHost(chain);
  chain.rejects([await settle({ host: otherHost.host })], [], 'LeaseHostMismatch', [...watched, otherHost.host]);
  const fakePool = chain.copyAccount(REWARD_POOL, Keypair.generate().publicKey);
  chain.rejects([await settle({ rewardPool: fakePool })], [], 'WrongAccountOwner', [...watched, fakePool]);
  chain.rejectsWithOneOf([await settle({ rewardPool: CONFIG })], [], ['InvalidAccountData', 'InvalidPda'], watched);
  chain.rejects([await settle({ lease: host.host })], [], 'InvalidAccountData', watched);
  const fakeConfig = chain.copyAccount(CONFIG, Keypair.generate().publicKey);
  chain.rejects([await settle({ config: fakeConfig })], [], 'WrongAccountOwner', watched);
  for (const account of [host.host, lease.lease, REWARD_POOL]) {
    chain.rejects([ix.readonly(await settle(), account)], [], 'NotWritable', watched);
  }
  expectOk(chain.send([await settle()]));
});

test.run();
