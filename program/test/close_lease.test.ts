/**
 * `close_lease` against the real program: the renter or the operator closes any time, the
 * proven part is paid into the host account, the rest refunded, the account handed back to
 * the System Program; an operator closing a lease past its grace is penalized.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, CU_BUDGET, LEASE_LEN, REWARD_POOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { isClosed, readHost, readLease, readPool } from './support/accounts.js';
import {
  activeHost, closeInstruction, makePenalizable, openLeaseInstructions, openedLease, plannedLease, receiptProof,
} from './support/fixtures.js';
import * as ix from './support/instructions.js';

async function setUp() {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 7_200n });
  const start = chain.now();
  const watched = [host.host, lease.lease, host.owner, REWARD_POOL, lease.renter.publicKey, host.operator.publicKey, CONFIG];
  return { chain, host, lease, start, watched };
}

type Accounts = Partial<Record<'signer' | 'renter' | 'host' | 'lease' | 'rewardPool' | 'config', PublicKey>>;

test('the renter closes any time: proven time to the host account, the rest and the rent back, the lease gone', async () => {
  const { chain, host, lease, start } = await setUp();
  chain.warp(start + 1_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 900n)));
  const before = {
    host: chain.balance(host.host), pool: chain.balance(REWARD_POOL), owner: chain.balance(host.owner),
    renter: chain.balance(lease.renter.publicKey), lease: chain.balance(lease.lease),
  };
  const poolState = readPool(chain, REWARD_POOL);
  const outcome = expectOk(chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  reportCu('close_lease', outcome, CU_BUDGET.close_lease);

  const amount = 900n * 1_000n;
  const fee = (amount * 250n) / 10_000n;
  assert.is(chain.balance(host.host), before.host + amount - fee);
  assert.is(chain.balance(host.owner), before.owner, 'the owner is not touched');
  assert.is(chain.balance(REWARD_POOL), before.pool + fee);
  assert.is(chain.balance(lease.renter.publicKey), before.renter + before.lease - amount, 'unproven deposit + rent refunded');
  assert.is(before.lease, 7_200_000n + chain.rent(LEASE_LEN));
  assert.ok(isClosed(chain, lease.lease), 'the lease account is gone');
  const h = readHost(chain, host.host);
  assert.is(h.openLeases, 0);
  assert.equal([h.earned, h.payable], [amount - fee, amount - fee]);
  assert.is(h.status, 'Active');
  assert.is(readPool(chain, REWARD_POOL).totalFees, poolState.totalFees + fee);
});

test('the operator may close a lease any time, before its max end too: the unproven time back to the renter, no slash', async () => {
  const { chain, host, lease, start } = await setUp();
  chain.warp(start + 700n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 600n)));
  const [renter, leaseLamports, stake] = [chain.balance(lease.renter.publicKey), chain.balance(lease.lease), readHost(chain, host.host).stake];
  expectOk(chain.send([await closeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator]));
  assert.is(chain.balance(lease.renter.publicKey), renter + leaseLamports - 600_000n);
  const h = readHost(chain, host.host);
  assert.equal([h.stake, h.status, h.openLeases], [stake, 'Active', 0], 'no slash, no jail');
  assert.ok(isClosed(chain, lease.lease));
});

test('an operator closing a lease past its grace is penalized: slash to the pool, host jailed, the renter refunded', async () => {
  const { chain, host, lease } = await setUp();
  await makePenalizable(chain, lease);
  const stake = readHost(chain, host.host).stake;
  const [renter, leaseLamports, pool] = [chain.balance(lease.renter.publicKey), chain.balance(lease.lease), chain.balance(REWARD_POOL)];
  expectOk(chain.send([await closeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator]));
  const slash = (stake * 1_000n) / 10_000n;
  assert.is(chain.balance(lease.renter.publicKey), renter + leaseLamports, 'nothing was proven: everything back, no slash share');
  assert.is(chain.balance(REWARD_POOL), pool + slash);
  const h = readHost(chain, host.host);
  assert.equal([h.status, h.stake, h.jailedUntil], ['Jailed', stake - slash, chain.now() + chain.params.jailSecs]);
  assert.is(readPool(chain, REWARD_POOL).totalSlashed, slash);
});

test('a stranger may not close; a second close finds no lease; the id can be used again', async () => {
  const { chain, host, lease, watched } = await setUp();
  const stranger = chain.wallet(1n);
  chain.rejects([await closeInstruction(chain, host, lease, stranger.publicKey)], [stranger], 'Unauthorized', watched);
  chain.advance(100_000n);
  chain.rejects([await closeInstruction(chain, host, lease, stranger.publicKey)], [stranger], 'Unauthorized', watched);
  expectOk(chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  chain.rejects([await closeInstruction(chain, host, lease)], [lease.renter], 'WrongAccountOwner', watched);
  const again = plannedLease(chain, { renter: lease.renter, leaseId: lease.leaseId });
  expectOk(chain.send(await openLeaseInstructions(chain, host, again), [lease.renter]));
  assert.is(readLease(chain, lease.lease).provenSecs, 0n, 'a fresh lease at the same address');
});

test('close_lease rejects a wrong renter, host or pool, a missing signature and read-only accounts', async () => {
  const { chain, host, lease, watched } = await setUp();
  const close = (a: Accounts = {}) => ix.closeLease(chain.program, {
    signer: lease.renter.publicKey, renter: lease.renter.publicKey, host: host.host, lease: lease.lease, ...a,
  });
  const other = Keypair.generate().publicKey;
  chain.rejects([await close({ renter: other })], [lease.renter], 'WrongRenter', [...watched, other]);
  const otherHost = await activeHost(chain);
  chain.rejects([await close({ host: otherHost.host })], [lease.renter], 'LeaseHostMismatch', [...watched, otherHost.host]);
  const fakePool = chain.copyAccount(REWARD_POOL, Keypair.generate().publicKey);
  chain.rejects([await close({ rewardPool: fakePool })], [lease.renter], 'WrongAccountOwner', [...watched, fakePool]);
  const fakeConfig = chain.copyAccount(CONFIG, Keypair.generate().publicKey);
  chain.rejects([await close({ config: fakeConfig })], [lease.renter], 'WrongAccountOwner', watched);
  chain.rejects([ix.unsigned(await close(), lease.renter.publicKey)], [], 'MissingSigner', watched);
  for (const account of [lease.lease, host.host, REWARD_POOL]) {
    chain.rejects([ix.readonly(await close(), account)], [lease.renter], 'NotWritable', watched);
  }
  // The renter account is read-only when it is not also the signer.
  const closeByOperator = await close({ signer: host.operator.publicKey });
  chain.rejects([ix.readonly(closeByOperator, lease.renter.publicKey)], [host.operator], 'NotWritable', watched);
});

test.run();
