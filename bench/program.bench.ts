/**
 * `npm run bench:program [runs=15]`: compute units of every instruction of the real
 * program/deploy/decloud.so in litesvm (median, min and max over several full rentals with
 * other operators, renters and lease ids each time, so PDA bump searches vary), and the size
 * and rent-exempt cost of every account type. Prints tables with the design's targets and
 * published figures for comparison; writes bench/results/program.json. Keys and lease ids
 * are pseudo-random from a fixed seed, so the committed results are reproducible.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Table from 'cli-table3';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, CU_BUDGET, REWARD_POOL, SOL, TestChain, expectOk } from '../program/test/support/chain.js';
import type { Outcome } from '../program/test/support/chain.js';
import {
  attestationProof, claimInstruction, closeInstruction, deactivateInstruction, heartbeatInstructions, hostAddress, leaseIdFrom, makePenalizable,
  openLeaseInstructions, peerIdOf, penalizeInstruction, plannedLease, receiptProof, settleInstruction, SPEC_HASH, withdrawInstruction,
} from '../program/test/support/fixtures.js';
import type { HostParty, LeaseParty } from '../program/test/support/fixtures.js';
import * as ix from '../program/test/support/instructions.js';

const RESULTS = fileURLToPath(new URL('./results/program.json', import.meta.url));

/** The design's compute unit budgets (program/test/support/chain.ts holds them for the tests). */
const TARGETS: Record<string, number> = {
  ...CU_BUDGET, 'post_proof (receipt)': CU_BUDGET.post_proof, 'post_proof (attestation)': CU_BUDGET.post_proof,
};

/** Published figures for comparison: the reference solana-program/escrow and Anchor's account creation. */
const PUBLISHED: Record<string, string> = {
  initialize: 'Anchor account init ~5k',
  register_host: 'Anchor account init ~5k',
  open_lease: 'escrow create 4.8k-18.3k',
  top_up_lease: 'escrow deposit 18.8k-32.5k',
  settle_lease: 'escrow withdraw 15.3k-30.5k',
  close_lease: 'escrow withdraw 15.3k-30.5k',
};

type Samples = Map<string, number[]>;
interface Stats { cu: number; cuMin: number; cuMax: number }
interface AccountCost { size: number; rentLamports: number }

const seeded = (name: string) => createHash('sha256').update(`decloud-bench/${name}`).digest();

function record(samples: Samples, name: string, outcome: Outcome): void {
  expectOk(outcome);
  samples.set(name, [...(samples.get(name) ?? []), outcome.cu]);
}

/** One full rental on a fresh chain: every instruction once, and a second lease ending in a penalty. */
async function rental(samples: Samples, run: number): Promise<void> {
  const chain = await TestChain.create();
  const wallet = (name: string, sol: bigint) => {
    const keypair = Keypair.fromSeed(seeded(`${run}/${name}`));
    chain.svm.airdrop(keypair.publicKey, sol * SOL);
    return keypair;
  };
  const L = chain.params.proofEpochSecs;
  record(samples, 'initialize', chain.initialized as Outcome);
  const funder = wallet('funder', 10n);
  record(samples, 'fund_rewards', chain.send([await ix.fundRewards(chain.program, 5n * SOL, { funder: funder.publicKey })], [funder]));
  const { proofEpochSecs: _, ...config } = chain.params;
  const update = { ...config, witnesses: chain.witnesses.map((w) => w.publicKey) };
  record(samples, 'update_config', chain.send([await ix.updateConfig(chain.program, update, { authority: chain.authority.publicKey })], [chain.authority]));

  const register = async (name: string): Promise<HostParty> => {
    const operator = wallet(`${name} operator`, 100n);
    const owner = wallet(`${name} owner`, 1n);
    const host = hostAddress(operator.publicKey);
    const args = { peerId: peerIdOf(operator.publicKey), specHash: SPEC_HASH, stake: chain.params.minHostStake };
    record(samples, 'register_host', chain.send([await ix.registerHost(chain.program, args, { operator: operator.publicKey, owner: owner.publicKey, host })], [operator]));
    record(samples, 'activate_host', chain.send([await ix.activateHost(chain.program, { operator: operator.publicKey, host })], [operator]));
    return { operator, owner: owner.publicKey, ownerKey: owner, host };
  };
  /** A lease on terms the host signed, at a pseudo-random id with a bump-255 address. */
  const open = async (host: HostParty, name: string): Promise<LeaseParty> => {
    const renter = wallet(`${name} renter`, 100n);
    const leaseId = leaseIdFrom(renter.publicKey, seeded(`${run}/${name} lease id`).readBigUInt64LE() >> 1n);
    const lease = plannedLease(chain, { renter, leaseId, rate: 1_000n, durationSecs: 7_200n });
    record(samples, 'open_lease', chain.send(await openLeaseInstructions(chain, host, lease), [renter]));
    return lease;
  };

  const host = await register('host');
  const lease = await open(host, 'rental');
  record(samples, 'top_up_lease', chain.send([await ix.topUpLease(chain.program, 600n, { renter: lease.renter.publicKey, lease: lease.lease })], [lease.renter]));
  chain.advance(L);
  record(samples, 'post_proof (receipt)', chain.send(await receiptProof(chain, host, lease, chain.now())));
  chain.advance(2n * L);
  record(samples, 'post_proof (attestation)', chain.send(await attestationProof(chain, host, lease, chain.now() / L - 1n)));
  record(samples, 'witness_heartbeat', chain.send(await heartbeatInstructions(chain, chain.now() / L - 2n)));
  record(samples, 'settle_lease', chain.send([await settleInstruction(chain, host, lease)]));
  if (accountCosts.size === 0) measureAccounts(chain, { Config: CONFIG, RewardPool: REWARD_POOL, Host: host.host, Lease: lease.lease });
  chain.advance(L);
  record(samples, 'post_proof (receipt)', chain.send(await receiptProof(chain, host, lease, chain.now())));
  record(samples, 'close_lease', chain.send([await closeInstruction(chain, host, lease)], [lease.renter]));
  record(samples, 'claim_rewards', chain.send([await claimInstruction(chain, host)], [host.operator]));
  record(samples, 'deactivate_host', chain.send([await deactivateInstruction(chain, host)], [host.operator]));
  record(samples, 'withdraw_stake', chain.send([await withdrawInstruction(chain, host)], [host.operator]));
  record(samples, 'add_stake', chain.send([await ix.addStake(chain.program, chain.params.minHostStake, { operator: host.operator.publicKey, host: host.host })], [host.operator]));

  const unreliable = await register('unreliable host');
  const abandoned = await open(unreliable, 'abandoned rental');
  chain.advance(L);
  record(samples, 'post_proof (receipt)', chain.send(await receiptProof(chain, unreliable, abandoned, chain.now())));
  await makePenalizable(chain, abandoned);
  const caller = wallet('caller', 1n);
  record(samples, 'penalize_host', chain.send([await penalizeInstruction(chain, unreliable, abandoned, caller.publicKey)], [caller]));
}

const accountCosts = new Map<string, AccountCost>();

/** Sizes from the real accounts (not constants), rent from litesvm's rent sysvar. */
function measureAccounts(chain: TestChain, accounts: Record<string, PublicKey>): void {
  for (const [type, address] of Object.entries(accounts)) {
    const account = chain.svm.getAccount(address);
    if (!account) throw new Error(`${type} account ${address.toBase58()} does not exist`);
    const size = account.data.length;
    accountCosts.set(type, { size, rentLamports: Number(chain.rent(BigInt(size))) });
  }
}

function stats(values: number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  return { cu: sorted[Math.floor(sorted.length / 2)] ?? 0, cuMin: sorted[0] ?? 0, cuMax: sorted.at(-1) ?? 0 };
}

export async function benchProgram(runs = 15): Promise<Record<string, Stats | Record<string, AccountCost>>> {
  const samples: Samples = new Map();
  for (let run = 0; run < runs; run++) await rental(samples, run);
  const proofs = [...(samples.get('post_proof (receipt)') ?? []), ...(samples.get('post_proof (attestation)') ?? [])];
  const results = new Map([...[...samples].map(([name, values]) => [name, stats(values)] as const), ['post_proof', stats(proofs)] as const]);
  const order = ['initialize', 'update_config', 'fund_rewards', 'register_host', 'activate_host', 'deactivate_host', 'open_lease', 'top_up_lease', 'post_proof',
    'post_proof (receipt)', 'post_proof (attestation)', 'witness_heartbeat', 'settle_lease', 'close_lease', 'penalize_host', 'claim_rewards', 'withdraw_stake', 'add_stake'];

  const plain = { head: [], border: [] };
  const cuTable = new Table({ head: ['instruction', 'CU median', 'min', 'max', 'target', 'median within', 'max within', 'published (reference)'], style: plain });
  for (const name of order) {
    const s = results.get(name) as Stats;
    const target = TARGETS[name];
    const within = (cu: number) => (target === undefined ? '' : cu <= target ? 'yes' : 'NO');
    cuTable.push([name, s.cu, s.cuMin, s.cuMax, target ?? '', within(s.cu), within(s.cuMax), PUBLISHED[name] ?? '']);
  }
  console.log(`Compute units over ${runs} rentals (fresh keys and pseudo-random lease ids each; register_host searches the host PDA's canonical bump on-chain):`);
  console.log(cuTable.toString());

  const rentTable = new Table({ head: ['account', 'size (bytes)', 'rent-exempt (lamports)', 'SOL'], style: plain });
  for (const [type, cost] of accountCosts) rentTable.push([type, cost.size, cost.rentLamports, (cost.rentLamports / 1e9).toFixed(6)]);
  console.log(rentTable.toString());

  const json = { ...Object.fromEntries(order.map((name) => [name, results.get(name) as Stats])), accounts: Object.fromEntries(accountCosts) };
  mkdirSync(fileURLToPath(new URL('./results/', import.meta.url)), { recursive: true });
  writeFileSync(RESULTS, `${JSON.stringify(json, null, 2)}\n`);
  console.log(`written to bench/results/program.json`);
  return json;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchProgram(Number(process.argv[2] ?? 15));
