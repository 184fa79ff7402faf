/**
 * Attack: the same account in two roles of one instruction (renter as host, lease as
 * pool, host as lease, owner as the host itself...), hoping that a debit and a credit of
 * the same account, or one account decoded as two types, lets lamports out twice or
 * strands them. Each is refused with nothing changed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Keypair, PublicKey, TransactionInstruction } from '@solana/web3.js';
import { CONFIG, REWARD_POOL, TestChain, errorOf, expectOk } from './support/chain.js';
import {
  hostAddress, openLeaseInstructions, plannedLease, provenRental, receiptProof, registerInstruction,
} from './support/fixtures.js';
import type { HostParty, LeaseParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

async function setUp() {
  const { chain, host, lease } = await provenRental(300n);
  const watched = [host.host, host.owner, host.operator.publicKey, lease.lease, lease.renter.publicKey, REWARD_POOL, CONFIG];
  return { chain, host, lease, watched };
}

function refused(chain: TestChain, what: string, instructions: TransactionInstruction[], signers: Keypair[], watched: PublicKey[]): void {
  const outcome = chain.refuses(instructions, signers, watched);
  console.log(`  ${what}: ${errorOf(outcome)}`);
  assert.ok(outcome.code !== undefined || /AccountLoadedTwice|InvalidAccountData|IncorrectProgramId|MissingRequiredSignature|signature/i.test(outcome.err ?? ''),
    `${what}: ${outcome.err}`);
}

test('register_host naming its own host account as the owner is refused (claims and withdrawals would pay the host account itself)', async () => {
  const chain = await TestChain.create();
  const operator = chain.wallet();
  const host = hostAddress(operator.publicKey);
  const before = chain.snapshot([operator.publicKey, host, CONFIG]);
  const outcome = chain.send([await registerInstruction(chain, operator.publicKey, host)], [operator]);
  assert.not.ok(outcome.ok, 'owner = the host account must be refused: claim_rewards and withdraw_stake would move the payable and the stake '
    + 'from the host account to itself, zero them, and leave those lamports in the host account for good');
  console.log(`  owner = the host account: ${errorOf(outcome)}`);
  chain.assertUnchanged(before);
});

test('post_proof, settle_lease: lease as host, host as lease, pool as lease or host, lease as pool', async () => {
  const { chain, host, lease, watched } = await setUp();
  const [verify] = await receiptProof(chain, host, lease, chain.now());
  if (!verify) throw new Error('two instructions');
  const proof = (a: Partial<Record<'host' | 'lease' | 'rewardPool', PublicKey>>) =>
    ix.postProof(chain.program, { receipt: { until: chain.now() } }, { host: host.host, lease: lease.lease, ...a });
  const settle = (a: Partial<Record<'host' | 'lease' | 'rewardPool', PublicKey>>) => ix.settleLease(chain.program, { host: host.host, lease: lease.lease, ...a });
  const swaps: [string, Partial<Record<'host' | 'lease' | 'rewardPool', PublicKey>>][] = [
    ['lease as host', { host: lease.lease }], ['host as lease', { lease: host.host }], ['pool as lease', { lease: REWARD_POOL }],
    ['pool as host', { host: REWARD_POOL }], ['lease as pool', { rewardPool: lease.lease }], ['host as pool', { rewardPool: host.host }],
  ];
  for (const [what, swap] of swaps) {
    refused(chain, `post_proof, ${what}`, [verify, await proof(swap)], [], watched);
    refused(chain, `settle_lease, ${what}`, [await settle(swap)], [], watched);
  }
});

test('close_lease and penalize_host: renter as host, lease as pool or renter, host as lease', async () => {
  const { chain, host, lease, watched } = await setUp();
  const base = { signer: lease.renter.publicKey, renter: lease.renter.publicKey, host: host.host, lease: lease.lease };
  const swaps: [string, Partial<typeof base & { rewardPool: PublicKey }>][] = [
    ['renter as host', { host: lease.renter.publicKey }], ['lease as pool', { rewardPool: lease.lease }], ['lease as renter', { renter: lease.lease }],
    ['host as lease', { lease: host.host }], ['pool as renter', { renter: REWARD_POOL }], ['host as renter', { renter: host.host }],
    ['pool as lease', { lease: REWARD_POOL }], ['host as pool', { rewardPool: host.host }],
  ];
  for (const [what, swap] of swaps) {
    const accounts = { ...base, ...swap };
    refused(chain, `close_lease, ${what}`, [await ix.closeLease(chain.program, accounts)], [lease.renter], watched);
    const caller = { caller: accounts.signer, renter: accounts.renter, host: accounts.host, lease: accounts.lease, ...('rewardPool' in swap ? { rewardPool: swap.rewardPool as PublicKey } : {}) };
    refused(chain, `penalize_host, ${what}`, [await ix.penalizeHost(chain.program, caller)], [lease.renter], watched);
  }
});

test('claim_rewards and withdraw_stake with the host account as the owner; open_lease with the lease at the host or pool address', async () => {
  const { chain, host, lease, watched } = await setUp();
  expectOk(chain.send([await ix.settleLease(chain.program, { host: host.host, lease: lease.lease })]));
  refused(chain, 'claim_rewards, host as owner', [await ix.claimRewards(chain.program, { signer: host.operator.publicKey, owner: host.host, host: host.host })], [host.operator], watched);
  refused(chain, 'withdraw_stake, host as owner', [await ix.withdrawStake(chain.program, { operator: host.operator.publicKey, owner: host.host, host: host.host })], [host.operator], watched);
  const planned: LeaseParty = plannedLease(chain);
  for (const [what, address] of [['host', host.host], ['pool', REWARD_POOL], ['config', CONFIG]] as const) {
    refused(chain, `open_lease, lease at the ${what}`, await openLeaseInstructions(chain, host, planned, { accounts: { lease: address } }), [planned.renter],
      [...watched, planned.renter.publicKey]);
  }
  refused(chain, 'open_lease, the renter as host', await openLeaseInstructions(chain, host as HostParty, planned, { accounts: { host: planned.renter.publicKey } }),
    [planned.renter], [...watched, planned.renter.publicKey]);
});

test.run();
