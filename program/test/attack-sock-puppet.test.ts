/**
 * Attack: a host that is about to be penalized anyway rents from itself (sock-puppet
 * renters) and penalizes those leases itself, hoping to catch its own slash, or to shrink
 * later slashes by getting jailed early on a small stake. The slash goes to the reward
 * pool, never to the caller or the renter; every later penalty slashes on the stake at the
 * first jailing; and the stake stays locked until the jail time is over.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Keypair, PublicKey } from '@solana/web3.js';
import { REWARD_POOL, SOL, TestChain, expectOk } from './support/chain.js';
import { readHost, readPool } from './support/accounts.js';
import {
  activeHost, leaseIdFrom, makePenalizable, openedLease, penalizeInstruction, withdrawInstruction,
} from './support/fixtures.js';
import type { HostParty, LeaseParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const sum = (chain: TestChain, addresses: PublicKey[]) => addresses.reduce((total, a) => total + chain.balance(a), 0n);

async function puppetLeases(chain: TestChain, host: HostParty, count: number): Promise<{ puppet: Keypair; leases: LeaseParty[] }> {
  const puppet = chain.wallet();
  const leases: LeaseParty[] = [];
  for (let i = 0; i < count; i++) {
    const leaseId = leaseIdFrom(puppet.publicKey, (leases.at(-1)?.leaseId ?? 0n) + 1n);
    leases.push(await openedLease(chain, host, { renter: puppet, leaseId, durationSecs: 7_200n, rate: 10n }));
  }
  return { puppet, leases };
}

test('a host penalizing its own sock-puppet lease gets nothing back: the slash goes to the pool', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const puppet = chain.wallet();
  const lease = await openedLease(chain, host, { renter: puppet });
  const attacker = [host.operator.publicKey, host.owner, host.host, puppet.publicKey, lease.lease];
  await makePenalizable(chain, lease);
  const stake = readHost(chain, host.host).stake;
  const [before, pool, puppetBefore, leaseLamports] = [sum(chain, attacker), chain.balance(REWARD_POOL), chain.balance(puppet.publicKey), chain.balance(lease.lease)];
  // The operator itself calls penalize_host on its puppet's lease.
  expectOk(chain.send([await penalizeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator]));
  const slash = (stake * BigInt(chain.params.slashBps)) / 10_000n;
  assert.is(chain.balance(puppet.publicKey), puppetBefore + leaseLamports, 'the puppet gets back exactly what it locked, no slash share');
  assert.is(sum(chain, attacker), before - slash, 'the attacker lost the slash, all of it');
  assert.is(chain.balance(REWARD_POOL), pool + slash);
  assert.is(readPool(chain, REWARD_POOL).totalSlashed, slash);
});

test('a puppet renter calling penalize itself gets no share either', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const { puppet, leases: [lease] } = await puppetLeases(chain, host, 1);
  if (!lease) throw new Error('one lease');
  await makePenalizable(chain, lease);
  const [before, leaseLamports, stake] = [chain.balance(puppet.publicKey), chain.balance(lease.lease), readHost(chain, host.host).stake];
  expectOk(chain.send([await penalizeInstruction(chain, host, lease, puppet.publicKey)], [puppet]));
  assert.is(chain.balance(puppet.publicKey), before + leaseLamports);
  assert.is(readHost(chain, host.host).stake, stake - (stake * BigInt(chain.params.slashBps)) / 10_000n);
});

test('every later penalty slashes slash_bps of the stake at the first jailing (capped by what is left), and extends the jail', async () => {
  for (const slashBps of [1_000, 6_000]) {
    const chain = await TestChain.create({ slashBps });
    const host = await activeHost(chain, { stake: 5n * SOL });
    const { leases } = await puppetLeases(chain, host, 3);
    const first = (5n * SOL * BigInt(slashBps)) / 10_000n;
    let stake = 5n * SOL;
    for (const [i, lease] of leases.entries()) {
      await makePenalizable(chain, lease);
      const pool = chain.balance(REWARD_POOL);
      expectOk(chain.send([await penalizeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator]));
      const slash = first < stake ? first : stake;
      stake -= slash;
      const h = readHost(chain, host.host);
      assert.equal([h.stake, h.slashBase, h.status], [stake, 5n * SOL, 'Jailed'], `slash bps ${slashBps}, penalty ${i + 1}`);
      assert.is(h.jailedUntil, chain.now() + chain.params.jailSecs, 'each penalty jails for jail_secs from now');
      assert.is(chain.balance(REWARD_POOL), pool + slash);
      chain.advance(chain.params.proofEpochSecs);
    }
  }
});

test('a jailed host cannot add stake, nor withdraw before jailed_until (StillJailed); after its jail time it withdraws', async () => {
  const chain = await TestChain.create();
  const host = await activeHost(chain);
  const { leases: [lease] } = await puppetLeases(chain, host, 1);
  if (!lease) throw new Error('one lease');
  await makePenalizable(chain, lease);
  expectOk(chain.send([await penalizeInstruction(chain, host, lease, host.operator.publicKey)], [host.operator]));
  const { jailedUntil, stake } = readHost(chain, host.host);
  const watched = [host.host, host.owner, host.operator.publicKey];
  chain.rejects([await ix.addStake(chain.program, SOL, { operator: host.operator.publicKey, host: host.host })], [host.operator], 'HostJailed', watched);
  chain.rejects([await withdrawInstruction(chain, host)], [host.operator], 'StillJailed', watched);
  chain.warp(jailedUntil - 1n);
  chain.rejects([await withdrawInstruction(chain, host)], [host.operator], 'StillJailed', watched);
  chain.warp(jailedUntil);
  const owner = chain.balance(host.owner);
  expectOk(chain.send([await withdrawInstruction(chain, host)], [host.operator]));
  assert.is(chain.balance(host.owner), owner + stake);
});

test.run();
