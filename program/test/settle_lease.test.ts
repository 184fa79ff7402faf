/** `settle_lease` against the real program: rate x newly proven seconds, the fee, exact balances, and every rejection. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, CU_BUDGET, REWARD_POOL, TestChain, expectOk, reportCu } from './support/chain.js';
import type { ConfigParams } from './support/chain.js';
import { readHost, readLease, readPool } from './support/accounts.js';
import { activeHost, leaseOfEmptyOwner, openedLease, receiptProof, settleInstruction } from './support/fixtures.js';
import * as ix from './support/instructions.js';

async function setUp(params: Partial<ConfigParams> = {}) {
  const chain = await TestChain.create(params);
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 7_200n });
  const start = chain.now();
  const watched = [host.host, lease.lease, host.owner.publicKey, REWARD_POOL, lease.renter.publicKey, CONFIG];
  return { chain, host, lease, start, watched };
}

type Accounts = Partial<Record<'host' | 'lease' | 'owner' | 'rewardPool' | 'config', PublicKey>>;

test('settle_lease pays rate x proven seconds: the fee to the pool, the rest to the owner', async () => {
  const { chain, host, lease, start } = await setUp();
  chain.warp(start + 1_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 900n)));
  const before = {
    owner: chain.balance(host.owner.publicKey), pool: chain.balance(REWARD_POOL), lease: chain.balance(lease.lease),
    renter: chain.balance(lease.renter.publicKey), host: chain.balance(host.host),
  };
  const outcome = expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  reportCu('settle_lease', outcome, CU_BUDGET.settle_lease);

  const amount = 1_000n * 900n;
  const fee = (amount * 250n) / 10_000n;
  assert.is(chain.balance(host.owner.publicKey), before.owner + amount - fee);
  assert.is(chain.balance(REWARD_POOL), before.pool + fee);
  assert.is(chain.balance(lease.lease), before.lease - amount);
  assert.is(chain.balance(lease.renter.publicKey), before.renter, 'the renter pays nothing more');
  assert.is(chain.balance(host.host), before.host, 'the stake stays');
  const state = readLease(chain, lease.lease);
  assert.is(state.paid, amount);
  assert.is(state.settledSecs, 900n);
  assert.is(readHost(chain, host.host).earned, amount - fee);
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

  const owner = chain.balance(host.owner.publicKey);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 1_000n)));
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const amount = 1_000n * 400n;
  assert.is(chain.balance(host.owner.publicKey), owner + amount - (amount * 250n) / 10_000n);
  const state = readLease(chain, lease.lease);
  assert.is(state.paid, 1_000n * 1_000n);
  assert.is(state.settledSecs, 1_000n);
  const pool = readPool(chain, REWARD_POOL);
  assert.is(pool.totalFees, (600_000n * 250n) / 10_000n + (amount * 250n) / 10_000n);
});

test('with a zero fee the owner gets everything; a fully proven lease pays exactly its deposit', async () => {
  const { chain, host, lease, start } = await setUp({ feeBps: 0 });
  chain.warp(start + 100_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 100_000n)));
  const [owner, pool] = [chain.balance(host.owner.publicKey), chain.balance(REWARD_POOL)];
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const state = readLease(chain, lease.lease);
  assert.is(state.paid, state.deposit);
  assert.is(chain.balance(host.owner.publicKey), owner + state.deposit);
  assert.is(chain.balance(REWARD_POOL), pool);
  assert.is(chain.balance(lease.lease), chain.rent(178n), 'only the rent is left');
});

test('an owner address holding nothing: a share below its rent-exempt minimum joins the stake, a larger one is paid to it', async () => {
  const chain = await TestChain.create();
  const { host, lease, start } = await leaseOfEmptyOwner(chain);
  const emptyOwner = host.owner;
  const minimum = chain.rent(0n);
  chain.warp(start + 2_000n);

  // 300 s: 300,000 lamports, 292,500 after the fee, below the 890,880 an empty address needs.
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 300n)));
  const before = { host: chain.balance(host.host), stake: readHost(chain, host.host).stake, pool: chain.balance(REWARD_POOL) };
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const small = 300_000n - (300_000n * 250n) / 10_000n;
  assert.ok(small < minimum);
  assert.is(chain.balance(emptyOwner.publicKey), 0n, 'nothing sent where the runtime would refuse it');
  assert.is(chain.balance(host.host), before.host + small);
  assert.is(readHost(chain, host.host).stake, before.stake + small, 'the share joined the stake');
  assert.is(chain.balance(REWARD_POOL), before.pool + 300_000n - small);
  assert.is(readLease(chain, lease.lease).paid, 300_000n);
  assert.is(readHost(chain, host.host).earned, small);

  // 1,700 s more: 1,657,500 after the fee, enough for the address to exist: paid to it.
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 2_000n)));
  expectOk(chain.send([await settleInstruction(chain, host, lease)]));
  const large = 1_700_000n - (1_700_000n * 250n) / 10_000n;
  assert.ok(large >= minimum);
  assert.is(chain.balance(emptyOwner.publicKey), large);
  assert.is(readHost(chain, host.host).stake, before.stake + small, 'the stake did not change');
  assert.is(readHost(chain, host.host).earned, small + large);
});

test('settle_lease rejects the wrong host, owner, pool or config and read-only accounts', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 900n)));
  const settle = (a: Accounts = {}) => ix.settleLease(chain.program, { host: host.host, lease: lease.lease, owner: host.owner.publicKey, ...a });
  const otherHost = await activeHost(chain);
  chain.rejects([await settle({ host: otherHost.host, owner: otherHost.owner.publicKey })], [], 'LeaseHostMismatch', [...watched, otherHost.host, otherHost.owner.publicKey]);
  const thief = Keypair.generate().publicKey;
  chain.rejects([await settle({ owner: thief })], [], 'WrongOwner', [...watched, thief]);
  chain.rejects([await settle({ owner: lease.renter.publicKey })], [], 'WrongOwner', watched);
  const fakePool = chain.copyAccount(REWARD_POOL, Keypair.generate().publicKey);
  chain.rejects([await settle({ rewardPool: fakePool })], [], 'WrongAccountOwner', [...watched, fakePool]);
  chain.rejects([await settle({ rewardPool: CONFIG })], [], 'InvalidAccountData', watched);
  chain.rejects([await settle({ lease: host.host })], [], 'InvalidAccountData', watched);
  const fakeConfig = chain.copyAccount(CONFIG, Keypair.generate().publicKey);
  chain.rejects([await settle({ config: fakeConfig })], [], 'WrongAccountOwner', watched);
  for (const account of [host.host, lease.lease, host.owner.publicKey, REWARD_POOL]) {
    chain.rejects([ix.readonly(await settle(), account)], [], 'NotWritable', watched);
  }
  expectOk(chain.send([await settle()]));
});

test.run();
