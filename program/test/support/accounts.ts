/** DeCloud's accounts as tests read them: decoded by anchor's coder from the committed IDL, amounts as bigint. */
import anchor from '@coral-xyz/anchor';
import type { PublicKey } from '@solana/web3.js';
import { IDL } from './chain.js';
import type { TestChain } from './chain.js';

const coder = new anchor.BorshAccountsCoder(IDL);

type Decoded = Record<string, unknown>;
const big = (v: unknown) => BigInt((v as { toString(): string }).toString());
const enumName = (v: unknown) => Object.keys(v as object)[0] as string;

export interface HostState {
  operator: PublicKey; owner: PublicKey; peerId: number[]; stake: bigint; status: string; specHash: number[];
  provenEpochs: bigint; rewardedEpochs: bigint; lastProofEpoch: bigint; lastProofAt: bigint; earned: bigint;
  rewardsClaimed: bigint; openLeases: number; registeredAt: bigint; bump: number;
}

export interface LeaseState {
  renter: PublicKey; host: PublicKey; leaseId: bigint; rate: bigint; deposit: bigint; start: bigint; maxEnd: bigint;
  provenUntil: bigint; provenSecs: bigint; settledSecs: bigint; paid: bigint; termsHash: number[]; status: string; bump: number;
}

export interface PoolState { totalFunded: bigint; totalFees: bigint; totalClaimed: bigint; bump: number }

function read(chain: TestChain, name: string, address: PublicKey): Uint8Array {
  const account = chain.svm.getAccount(address);
  if (!account) throw new Error(`${name} ${address.toBase58()} does not exist`);
  return account.data;
}

const decode = (name: 'Host' | 'Lease' | 'RewardPool', data: Uint8Array) => coder.decode(name, Buffer.from(data)) as Decoded;

export const readHost = (chain: TestChain, address: PublicKey) => decodeHost(read(chain, 'Host', address));
export const readLease = (chain: TestChain, address: PublicKey) => decodeLease(read(chain, 'Lease', address));
export const readPool = (chain: TestChain, address: PublicKey) => decodePool(read(chain, 'RewardPool', address));

export function decodeHost(data: Uint8Array): HostState {
  const h = decode('Host', data);
  return {
    operator: h.operator as PublicKey, owner: h.owner as PublicKey, peerId: h.peer_id as number[], stake: big(h.stake),
    status: enumName(h.status), specHash: h.spec_hash as number[], provenEpochs: big(h.proven_epochs),
    rewardedEpochs: big(h.rewarded_epochs), lastProofEpoch: big(h.last_proof_epoch), lastProofAt: big(h.last_proof_at),
    earned: big(h.earned), rewardsClaimed: big(h.rewards_claimed), openLeases: h.open_leases as number,
    registeredAt: big(h.registered_at), bump: h.bump as number,
  };
}

export function decodeLease(data: Uint8Array): LeaseState {
  const l = decode('Lease', data);
  return {
    renter: l.renter as PublicKey, host: l.host as PublicKey, leaseId: big(l.lease_id), rate: big(l.rate), deposit: big(l.deposit),
    start: big(l.start), maxEnd: big(l.max_end), provenUntil: big(l.proven_until), provenSecs: big(l.proven_secs),
    settledSecs: big(l.settled_secs), paid: big(l.paid), termsHash: l.terms_hash as number[], status: enumName(l.status), bump: l.bump as number,
  };
}

export function decodePool(data: Uint8Array): PoolState {
  const p = decode('RewardPool', data);
  return { totalFunded: big(p.total_funded), totalFees: big(p.total_fees), totalClaimed: big(p.total_claimed), bump: p.bump as number };
}
