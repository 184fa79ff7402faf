/** `claim_rewards` against the real program: the share per proven epoch, the pool's rent kept, and every rejection. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, REWARD_POOL, REWARD_POOL_LEN, SOL, TestChain, expectOk, reportCu } from './support/chain.js';
import type { ConfigParams } from './support/chain.js';
import { readHost, readPool } from './support/accounts.js';
import { activeHost, jailedHost, openedLease, receiptProof } from './support/fixtures.js';
import type { HostParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const L = 600n;

/** An active host with `epochs` proven epochs (one receipt per epoch) and a pool funded with 10 SOL. */
async function setUp(epochs: bigint, params: Partial<ConfigParams> = {}) {
  const chain = await TestChain.create({ proofEpochSecs: L, ...params });
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1n, durationSecs: 100_000n });
  const start = chain.now();
  for (let e = 1n; e <= epochs; e += 1n) {
    chain.warp(start + e * L);
    expectOk(chain.send(await receiptProof(chain, host, lease, start + e * L)));
  }
  const funder = chain.wallet(20n);
  expectOk(chain.send([await ix.fundRewards(chain.program, 10n * SOL, { funder: funder.publicKey })], [funder]));
  const watched = [host.host, host.owner.publicKey, host.operator.publicKey, REWARD_POOL, CONFIG];
  return { chain, host, watched };
}

const claim = (chain: TestChain, host: HostParty, a: Partial<Record<'operator' | 'owner' | 'host' | 'rewardPool', PublicKey>> = {}) =>
  ix.claimRewards(chain.program, { operator: host.operator.publicKey, owner: host.owner.publicKey, host: host.host, ...a });

test('claim_rewards pays reward_bps of the pool above its rent per new epoch to the owner', async () => {
  const { chain, host } = await setUp(3n);
  assert.is(readHost(chain, host.host).provenEpochs, 3n);
  const [owner, pool] = [chain.balance(host.owner.publicKey), chain.balance(REWARD_POOL)];
  const outcome = expectOk(chain.send([await claim(chain, host)], [host.operator]));
  reportCu('claim_rewards', outcome);
  const available = pool - chain.rent(REWARD_POOL_LEN);
  const amount = (available * 3n * 40n) / 10_000n;
  assert.is(chain.balance(host.owner.publicKey), owner + amount);
  assert.is(chain.balance(REWARD_POOL), pool - amount);
  const h = readHost(chain, host.host);
  assert.is(h.rewardedEpochs, 3n);
  assert.is(h.rewardsClaimed, amount);
  assert.is(readPool(chain, REWARD_POOL).totalClaimed, amount);
});

test('a second claim without new epochs fails with NothingToClaim; a new epoch pays again', async () => {
  const { chain, host, watched } = await setUp(1n);
  expectOk(chain.send([await claim(chain, host)], [host.operator]));
  chain.rejects([await claim(chain, host)], [host.operator], 'NothingToClaim', watched);
});

test('a claim that would pay 0 (empty pool) fails with NothingToClaim and keeps the epochs claimable', async () => {
  const chain = await TestChain.create({ proofEpochSecs: L });
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1n, durationSecs: 100_000n });
  chain.warp(chain.now() + L);
  expectOk(chain.send(await receiptProof(chain, host, lease, chain.now())));
  assert.is(chain.balance(REWARD_POOL), chain.rent(REWARD_POOL_LEN), 'the pool holds only its rent');
  const watched = [host.host, host.owner.publicKey, host.operator.publicKey, REWARD_POOL, CONFIG];
  chain.rejects([await claim(chain, host)], [host.operator], 'NothingToClaim', watched);
  assert.is(readHost(chain, host.host).rewardedEpochs, 0n, 'no epoch is marked rewarded for nothing');
  const funder = chain.wallet(2n);
  expectOk(chain.send([await ix.fundRewards(chain.program, SOL, { funder: funder.publicKey })], [funder]));
  const owner = chain.balance(host.owner.publicKey);
  expectOk(chain.send([await claim(chain, host)], [host.operator]));
  assert.is(chain.balance(host.owner.publicKey), owner + (SOL * 40n) / 10_000n, 'the epoch is paid once the pool is funded');
  assert.is(readHost(chain, host.host).rewardedEpochs, 1n);
});

test('a share above 100 % takes everything but the pool rent', async () => {
  const { chain, host } = await setUp(2n, { rewardBps: 6_000 });
  const [owner, pool] = [chain.balance(host.owner.publicKey), chain.balance(REWARD_POOL)];
  expectOk(chain.send([await claim(chain, host)], [host.operator]));
  assert.is(chain.balance(REWARD_POOL), chain.rent(REWARD_POOL_LEN), 'the pool keeps exactly its rent');
  assert.is(chain.balance(host.owner.publicKey), owner + pool - chain.rent(REWARD_POOL_LEN));
});

test('a host with no proven epoch has NothingToClaim; a jailed host gets HostJailed', async () => {
  const { chain, watched } = await setUp(0n);
  const fresh = await activeHost(chain);
  chain.rejects([await claim(chain, fresh)], [fresh.operator], 'NothingToClaim', [...watched, fresh.host]);
  const jailed = await jailedHost(chain);
  chain.rejects([await claim(chain, jailed)], [jailed.operator], 'HostJailed', [...watched, jailed.host]);
});

test('claim_rewards rejects another signer, a wrong owner, a missing signature, a fake pool and read-only accounts', async () => {
  const { chain, host, watched } = await setUp(1n);
  const stranger = chain.wallet(1n);
  chain.rejects([await claim(chain, host, { operator: stranger.publicKey })], [stranger], 'Unauthorized', watched);
  chain.rejects([await claim(chain, host, { owner: stranger.publicKey })], [host.operator], 'WrongOwner', [...watched, stranger.publicKey]);
  chain.rejects([ix.unsigned(await claim(chain, host), host.operator.publicKey)], [], 'MissingSigner', watched);
  const fakePool = chain.copyAccount(REWARD_POOL, Keypair.generate().publicKey);
  chain.rejects([await claim(chain, host, { rewardPool: fakePool })], [host.operator], 'WrongAccountOwner', [...watched, fakePool]);
  chain.rejects([await claim(chain, host, { rewardPool: CONFIG })], [host.operator], 'InvalidAccountData', watched);
  for (const account of [host.owner.publicKey, host.host, REWARD_POOL]) {
    chain.rejects([ix.readonly(await claim(chain, host), account)], [host.operator], 'NotWritable', watched);
  }
  expectOk(chain.send([await claim(chain, host)], [host.operator]));
});

test.run();
