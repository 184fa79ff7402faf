/** `close_lease` against the real program: who may close when, the proven part paid, the rest refunded, the account gone. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, CU_BUDGET, LEASE_LEN, REWARD_POOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost, readLease, readPool } from './support/accounts.js';
import { activeHost, closeInstruction, leaseOfEmptyOwner, openLeaseInstruction, openedLease, receiptProof } from './support/fixtures.js';
import * as ix from './support/instructions.js';

async function setUp() {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 7_200n });
  const start = chain.now();
  const watched = [host.host, lease.lease, host.owner.publicKey, REWARD_POOL, lease.renter.publicKey, host.operator.publicKey, CONFIG];
  return { chain, host, lease, start, watched };
}

type Accounts = Partial<Record<'signer' | 'renter' | 'host' | 'lease' | 'owner' | 'rewardPool', PublicKey>>;

test('an owner address holding nothing never blocks a close: the small proven share joins the stake, the renter gets the rest', async () => {
  const chain = await TestChain.create();
  const { host, lease, start } = await leaseOfEmptyOwner(chain);
  chain.warp(start + 100n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 60n)));
  const before = { renter: chain.balance(lease.renter.publicKey), lease: chain.balance(lease.lease), stake: readHost(chain, host.host).stake };
  expectOk(chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  const share = 60_000n - (60_000n * 250n) / 10_000n;
  assert.is(chain.balance(lease.renter.publicKey), before.renter + before.lease - 60_000n, 'unproven deposit + rent refunded');
  assert.is(chain.balance(host.owner.publicKey), 0n);
  assert.is(readHost(chain, host.host).stake, before.stake + share);
  assert.is(chain.svm.getAccount(lease.lease), null);
});

test('the renter closes any time: proven time to the host, the rest and the rent back, the lease deleted', async () => {
  const { chain, host, lease, start } = await setUp();
  chain.warp(start + 1_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 900n)));
  const before = {
    owner: chain.balance(host.owner.publicKey), pool: chain.balance(REWARD_POOL),
    renter: chain.balance(lease.renter.publicKey), lease: chain.balance(lease.lease),
  };
  const poolState = readPool(chain, REWARD_POOL);
  const outcome = expectOk(chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  reportCu('close_lease', outcome, CU_BUDGET.close_lease);

  const amount = 900n * 1_000n;
  const fee = (amount * 250n) / 10_000n;
  assert.is(chain.balance(host.owner.publicKey), before.owner + amount - fee);
  assert.is(chain.balance(REWARD_POOL), before.pool + fee);
  assert.is(chain.balance(lease.renter.publicKey), before.renter + before.lease - amount, 'unproven deposit + rent refunded');
  assert.is(before.lease, 7_200_000n + chain.rent(LEASE_LEN));
  assert.is(chain.svm.getAccount(lease.lease), null, 'the lease account is gone');
  const h = readHost(chain, host.host);
  assert.is(h.openLeases, 0);
  assert.is(h.earned, amount - fee);
  assert.is(readPool(chain, REWARD_POOL).totalFees, poolState.totalFees + fee);
});

test('the operator may close once the max end has passed, not before', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 7_199n);
  chain.rejects([await closeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator], 'Unauthorized', watched);
  chain.warp(start + 7_200n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 7_200n)));
  const renter = chain.balance(lease.renter.publicKey);
  expectOk(chain.send([await closeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator]));
  assert.is(chain.balance(lease.renter.publicKey), renter + chain.rent(LEASE_LEN), 'all time was proven: the renter gets the rent back');
  assert.is(chain.svm.getAccount(lease.lease), null);
});

test('a stranger may not close; a second close finds no lease (WrongAccountOwner); the id can be used again', async () => {
  const { chain, host, lease, watched } = await setUp();
  const stranger = chain.wallet(1n);
  chain.rejects([await closeInstruction(chain, host, lease, stranger.publicKey)], [stranger], 'Unauthorized', watched);
  chain.advance(100_000n);
  chain.rejects([await closeInstruction(chain, host, lease, stranger.publicKey)], [stranger], 'Unauthorized', watched);
  expectOk(chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  chain.rejects([await closeInstruction(chain, host, lease)], [lease.renter], 'WrongAccountOwner', watched);
  expectOk(chain.send([await openLeaseInstruction(chain, host, lease)], [lease.renter]));
  assert.is(readLease(chain, lease.lease).provenSecs, 0n, 'a fresh lease at the same address');
});

test('close_lease rejects a wrong renter, owner, host or pool, a missing signature and read-only accounts', async () => {
  const { chain, host, lease, watched } = await setUp();
  const close = (a: Accounts = {}) => ix.closeLease(chain.program, {
    signer: lease.renter.publicKey, renter: lease.renter.publicKey, host: host.host, lease: lease.lease, owner: host.owner.publicKey, ...a,
  });
  const other = Keypair.generate().publicKey;
  chain.rejects([await close({ renter: other })], [lease.renter], 'WrongRenter', [...watched, other]);
  chain.rejects([await close({ owner: other })], [lease.renter], 'WrongOwner', [...watched, other]);
  const otherHost = await activeHost(chain);
  chain.rejects([await close({ host: otherHost.host, owner: otherHost.owner.publicKey })], [lease.renter], 'LeaseHostMismatch', [...watched, otherHost.host]);
  const fakePool = chain.copyAccount(REWARD_POOL, Keypair.generate().publicKey);
  chain.rejects([await close({ rewardPool: fakePool })], [lease.renter], 'WrongAccountOwner', [...watched, fakePool]);
  chain.rejects([ix.unsigned(await close(), lease.renter.publicKey)], [], 'MissingSigner', watched);
  for (const account of [lease.lease, host.host, host.owner.publicKey, REWARD_POOL]) {
    chain.rejects([ix.readonly(await close(), account)], [lease.renter], 'NotWritable', watched);
  }
  // The renter account is read-only when it is not also the signer.
  const closeByOperator = await close({ signer: host.operator.publicKey });
  chain.rejects([ix.readonly(closeByOperator, lease.renter.publicKey)], [host.operator], 'NotWritable', watched);
});

test.run();
