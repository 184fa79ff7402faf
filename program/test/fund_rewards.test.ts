/** `fund_rewards` against the real program: lamports into the pool, the running total, and every rejection. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, SystemProgram } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, PROGRAM_ID, REWARD_POOL, REWARD_POOL_LEN, SOL, TestChain, expectOk, reportCu } from './support/chain.js';
import { readPool } from './support/accounts.js';
import * as ix from './support/instructions.js';

const fund = (chain: TestChain, funder: Keypair, amount: bigint, accounts: Partial<Record<'config' | 'rewardPool' | 'systemProgram', PublicKey>> = {}) =>
  ix.fundRewards(chain.program, amount, { funder: funder.publicKey, ...accounts });

test('fund_rewards moves the amount into the pool and adds it to total_funded', async () => {
  const chain = await TestChain.create();
  const funder = chain.wallet(10n);
  const outcome = expectOk(chain.send([await fund(chain, funder, 3n * SOL)], [funder]));
  reportCu('fund_rewards', outcome);
  expectOk(chain.send([await fund(chain, funder, 250n)], [funder]));
  assert.is(chain.balance(REWARD_POOL), chain.rent(REWARD_POOL_LEN) + 3n * SOL + 250n);
  assert.is(chain.balance(funder.publicKey), 10n * SOL - 3n * SOL - 250n);
  const pool = readPool(chain, REWARD_POOL);
  assert.is(pool.totalFunded, 3n * SOL + 250n);
  assert.is(pool.totalFees + pool.totalRewarded + pool.totalSlashed, 0n);
});

test('fund_rewards rejects a zero amount with InvalidArgument', async () => {
  const chain = await TestChain.create();
  const funder = chain.wallet(1n);
  chain.rejects([await fund(chain, funder, 0n)], [funder], 'InvalidArgument', [funder.publicKey, REWARD_POOL]);
});

test('fund_rewards rejects a missing signature, a read-only pool and accounts that are not the pool or the config', async () => {
  const chain = await TestChain.create();
  const funder = chain.wallet(1n);
  const watched = [funder.publicKey, REWARD_POOL, CONFIG];
  chain.rejects([ix.unsigned(await fund(chain, funder, 5n), funder.publicKey)], [], 'MissingSigner', watched);
  chain.rejects([ix.readonly(await fund(chain, funder, 5n), REWARD_POOL)], [funder], 'NotWritable', watched);
  const fakePool = chain.copyAccount(REWARD_POOL, Keypair.generate().publicKey);
  chain.rejects([await fund(chain, funder, 5n, { rewardPool: fakePool })], [funder], 'WrongAccountOwner', [...watched, fakePool]);
  chain.rejects([await fund(chain, funder, 5n, { rewardPool: CONFIG })], [funder], 'InvalidAccountData', watched);
  const fakeConfig = chain.copyAccount(CONFIG, SystemProgram.programId);
  chain.rejects([await fund(chain, funder, 5n, { config: fakeConfig })], [funder], 'WrongAccountOwner', watched);
  chain.rejects([await fund(chain, funder, 5n, { config: REWARD_POOL })], [funder], 'InvalidAccountData', watched);
  chain.failsWith([await fund(chain, funder, 5n, { systemProgram: PROGRAM_ID })], [funder], 'IncorrectProgramId', watched);
  assert.is(readPool(chain, REWARD_POOL).totalFunded, 0n);
});

test('fund_rewards rejects an overflowing total with ArithmeticOverflow', async () => {
  const chain = await TestChain.create();
  const pool = chain.svm.getAccount(REWARD_POOL);
  if (!pool) throw new Error('no pool');
  // A pool whose total is one lamport from the maximum (unreachable otherwise).
  const data = Buffer.from(pool.data);
  data.writeBigUInt64LE(2n ** 64n - 1n, 8);
  chain.svm.setAccount(REWARD_POOL, { ...pool, data });
  const funder = chain.wallet(1n);
  chain.rejects([await fund(chain, funder, 1n)], [funder], 'ArithmeticOverflow', [funder.publicKey, REWARD_POOL]);
});

test.run();
