/** DeCloud's accounts as tests read them: decoded by anchor's coder from the committed IDL, amounts as bigint. */
import anchor from '@coral-xyz/anchor';
import type { PublicKey } from '@solana/web3.js';
import { IDL } from './chain.js';
import type { TestChain } from './chain.js';

const coder = new anchor.BorshAccountsCoder(IDL);

type Decoded = Record<string, unknown>;
const big = (v: unknown) => BigInt((v as { toString(): string }).toString());
const enumName = (v: unknown) => {
  const name = Object.keys(v as object)[0] as string;
  return name.charAt(0).toUpperCase() + name.slice(1);
};

export interface ConfigState {
  authority: PublicKey; feeBps: number; minHostStake: bigint; proofEpochSecs: bigint; graceEpochs: number; slashBps: number;
  rewardBps: number; epochReward: bigint; jailSecs: bigint; witnessCount: number; witnesses: PublicKey[];
  nextWitnessCount: number; nextWitnesses: PublicKey[]; nextWitnessesAt: bigint; rewardPool: PublicKey; bump: number; poolBump: number;
  reserved: number[];
}

export interface HostState {
  operator: PublicKey; owner: PublicKey; peerId: number[]; stake: bigint; status: string; specHash: number[];
  provenEpochs: bigint; lastProofEpoch: bigint; lastProofAt: bigint; earned: bigint; rewardsEarned: bigint; payable: bigint;
  openLeases: number; registeredAt: bigint; jailedUntil: bigint; slashBase: bigint; bump: number; reserved: number[];
}

export interface LeaseState {
  renter: PublicKey; host: PublicKey; delegate: PublicKey; leaseId: bigint; rate: bigint; deposit: bigint; start: bigint; maxEnd: bigint;
  provenUntil: bigint; provenSecs: bigint; settledSecs: bigint; paid: bigint; feeBps: number; graceEpochs: number;
  termsHash: number[]; status: string; bump: number;
}

export interface PoolState {
  totalFunded: bigint; totalFees: bigint; totalRewarded: bigint; totalSlashed: bigint; aliveEpoch: bigint; aliveBits: bigint; bump: number;
}

function read(chain: TestChain, name: string, address: PublicKey): Uint8Array {
  const account = chain.svm.getAccount(address);
  if (!account || account.lamports === 0) throw new Error(`${name} ${address.toBase58()} does not exist`);
  return account.data;
}

const decode = (name: 'Config' | 'Host' | 'Lease' | 'RewardPool', data: Uint8Array) => coder.decode(name, Buffer.from(data)) as Decoded;

export const readConfig = (chain: TestChain, address: PublicKey) => decodeConfig(read(chain, 'Config', address));
export const readHost = (chain: TestChain, address: PublicKey) => decodeHost(read(chain, 'Host', address));
export const readLease = (chain: TestChain, address: PublicKey) => decodeLease(read(chain, 'Lease', address));
export const readPool = (chain: TestChain, address: PublicKey) => decodePool(read(chain, 'RewardPool', address));

export function decodeConfig(data: Uint8Array): ConfigState {
  const c = decode('Config', data);
  return {
    authority: c.authority as PublicKey, feeBps: c.fee_bps as number, minHostStake: big(c.min_host_stake), proofEpochSecs: big(c.proof_epoch_secs),
    graceEpochs: c.grace_epochs as number, slashBps: c.slash_bps as number, rewardBps: c.reward_bps as number, epochReward: big(c.epoch_reward),
    jailSecs: big(c.jail_secs), witnessCount: c.witness_count as number, witnesses: c.witnesses as PublicKey[],
    nextWitnessCount: c.next_witness_count as number, nextWitnesses: c.next_witnesses as PublicKey[], nextWitnessesAt: big(c.next_witnesses_at),
    rewardPool: c.reward_pool as PublicKey, bump: c.bump as number, poolBump: c.pool_bump as number, reserved: c.reserved as number[],
  };
}

export function decodeHost(data: Uint8Array): HostState {
  const h = decode('Host', data);
  return {
    operator: h.operator as PublicKey, owner: h.owner as PublicKey, peerId: h.peer_id as number[], stake: big(h.stake),
    status: enumName(h.status), specHash: h.spec_hash as number[], provenEpochs: big(h.proven_epochs),
    lastProofEpoch: big(h.last_proof_epoch), lastProofAt: big(h.last_proof_at), earned: big(h.earned), rewardsEarned: big(h.rewards_earned),
    payable: big(h.payable), openLeases: h.open_leases as number, registeredAt: big(h.registered_at), jailedUntil: big(h.jailed_until),
    slashBase: big(h.slash_base), bump: h.bump as number, reserved: h.reserved as number[],
  };
}

export function decodeLease(data: Uint8Array): LeaseState {
  const l = decode('Lease', data);
  return {
    renter: l.renter as PublicKey, host: l.host as PublicKey, delegate: l.delegate as PublicKey, leaseId: big(l.lease_id), rate: big(l.rate),
    deposit: big(l.deposit), start: big(l.start), maxEnd: big(l.max_end), provenUntil: big(l.proven_until), provenSecs: big(l.proven_secs),
    settledSecs: big(l.settled_secs), paid: big(l.paid), feeBps: l.fee_bps as number, graceEpochs: l.grace_epochs as number,
    termsHash: l.terms_hash as number[], status: enumName(l.status), bump: l.bump as number,
  };
}

export function decodePool(data: Uint8Array): PoolState {
  const p = decode('RewardPool', data);
  return {
    totalFunded: big(p.total_funded), totalFees: big(p.total_fees), totalRewarded: big(p.total_rewarded), totalSlashed: big(p.total_slashed),
    aliveEpoch: big(p.alive_epoch), aliveBits: big(p.alive_bits), bump: p.bump as number,
  };
}

/** The account is gone (closed: no lamports; the runtime keeps no zero-lamport account). */
export function isClosed(chain: TestChain, address: PublicKey): boolean {
  const account = chain.svm.getAccount(address);
  return account === null || account.lamports === 0;
}
