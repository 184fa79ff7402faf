/** `penalize_host` against the real program: the grace period, the slash, the jail, the refund, and every rejection. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, LEASE_LEN, REWARD_POOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost, readPool } from './support/accounts.js';
import { activeHost, openedLease, penalizeInstruction, receiptProof, warpPastGrace } from './support/fixtures.js';
import * as ix from './support/instructions.js';

// Defaults: epochs of 600 s, 3 epochs of grace (1800 s), slash 10 %, fee 2.5 %.
async function setUp() {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 7_200n });
  const start = chain.now();
  const caller = chain.wallet(1n);
  const watched = [host.host, lease.lease, host.owner.publicKey, REWARD_POOL, lease.renter.publicKey, caller.publicKey, CONFIG];
  return { chain, host, lease, start, caller, watched };
}

type Accounts = Partial<Record<'caller' | 'renter' | 'host' | 'lease' | 'owner' | 'rewardPool', PublicKey>>;

test('past the grace period anyone penalizes: proven time paid, 10 % of the stake and the rest to the renter, host jailed', async () => {
  const { chain, host, lease, start, caller } = await setUp();
  chain.warp(start + 700n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 600n)));
  warpPastGrace(chain, start + 600n);
  const stake = readHost(chain, host.host).stake;
  const before = {
    owner: chain.balance(host.owner.publicKey), pool: chain.balance(REWARD_POOL), renter: chain.balance(lease.renter.publicKey),
    lease: chain.balance(lease.lease), host: chain.balance(host.host), caller: chain.balance(caller.publicKey),
  };
  const outcome = expectOk(chain.send([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller]));
  reportCu('penalize_host', outcome);

  const amount = 600n * 1_000n;
  const fee = (amount * 250n) / 10_000n;
  const slash = (stake * 1_000n) / 10_000n;
  assert.is(chain.balance(host.owner.publicKey), before.owner + amount - fee, 'the proven part is still paid');
  assert.is(chain.balance(REWARD_POOL), before.pool + fee);
  assert.is(chain.balance(host.host), before.host - slash);
  assert.is(chain.balance(lease.renter.publicKey), before.renter + slash + before.lease - amount, 'slash + unproven deposit + rent');
  assert.is(chain.balance(caller.publicKey), before.caller, 'the caller neither pays nor earns');
  assert.is(chain.svm.getAccount(lease.lease), null, 'the lease is closed');
  const h = readHost(chain, host.host);
  assert.is(h.status, 'Jailed');
  assert.is(h.stake, stake - slash);
  assert.is(h.openLeases, 0);
  assert.is(h.earned, amount - fee);
  assert.is(readPool(chain, REWARD_POOL).totalFees, fee);
});

test('within the grace period penalize_host fails with WithinGrace; proofs restart the clock', async () => {
  const { chain, host, lease, start, caller, watched } = await setUp();
  const penalize = async () => chain.rejects([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller], 'WithinGrace', watched);
  chain.warp(start + 1_800n); // exactly 3 epochs behind
  await penalize();
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 1_800n)));
  chain.warp(start + 3_600n);
  await penalize();
  chain.warp(start + 3_601n);
  expectOk(chain.send([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller]));
});

test("after the max end the lag is measured up to the max end", async () => {
  const { chain, host, lease, start, caller, watched } = await setUp();
  chain.warp(start + 6_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 6_000n)));
  chain.warp(start + 1_000_000n); // 1200 s unproven before the max end: within grace forever
  chain.rejects([await penalizeInstruction(chain, host, lease, caller.publicKey)], [caller], 'WithinGrace', watched);
  const refund = chain.balance(lease.lease) - 6_000_000n;
  const renter = chain.balance(lease.renter.publicKey);
  expectOk(chain.send([await ix.closeLease(chain.program, { signer: host.operator.publicKey, renter: lease.renter.publicKey, host: host.host, lease: lease.lease, owner: host.owner.publicKey })], [host.operator]));
  assert.is(chain.balance(lease.renter.publicKey), renter + refund);
  assert.is(refund, 1_200_000n + chain.rent(LEASE_LEN));
});

test('penalize_host rejects a wrong renter, owner or host, a missing signature and read-only accounts', async () => {
  const { chain, host, lease, start, caller, watched } = await setUp();
  warpPastGrace(chain, start);
  const penalize = (a: Accounts = {}) => ix.penalizeHost(chain.program, {
    caller: caller.publicKey, renter: lease.renter.publicKey, host: host.host, lease: lease.lease, owner: host.owner.publicKey, ...a,
  });
  chain.rejects([await penalize({ renter: caller.publicKey })], [caller], 'WrongRenter', watched);
  const other = Keypair.generate().publicKey;
  chain.rejects([await penalize({ owner: other })], [caller], 'WrongOwner', [...watched, other]);
  const otherHost = await activeHost(chain);
  chain.rejects([await penalize({ host: otherHost.host, owner: otherHost.owner.publicKey })], [caller], 'LeaseHostMismatch', [...watched, otherHost.host]);
  chain.rejects([ix.unsigned(await penalize(), caller.publicKey)], [], 'MissingSigner', watched);
  for (const account of [lease.renter.publicKey, lease.lease, host.host, host.owner.publicKey, REWARD_POOL]) {
    chain.rejects([ix.readonly(await penalize(), account)], [caller], 'NotWritable', watched);
  }
  const fake = chain.copyAccount(lease.lease, Keypair.generate().publicKey);
  chain.rejects([await penalize({ lease: fake })], [caller], 'WrongAccountOwner', [...watched, fake]);
  expectOk(chain.send([await penalize()], [caller]));
  chain.rejects([await penalize()], [caller], 'WrongAccountOwner', watched.filter((a) => !a.equals(lease.lease)));
});

test.run();
