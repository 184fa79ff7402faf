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

function decode(chain: TestChain, name: 'Host' | 'Lease' | 'RewardPool', address: PublicKey): Decoded {
  const account = chain.svm.getAccount(address);
  if (!account) throw new Error(`${name} ${address.toBase58()} does not exist`);
  return coder.decode(name, Buffer.from(account.data)) as Decoded;
}

export function readHost(chain: TestChain, address: PublicKey): HostState {
  const h = decode(chain, 'Host', address);
  return {
    operator: h.operator as PublicKey, owner: h.owner as PublicKey, peerId: h.peer_id as number[], stake: big(h.stake),
    status: enumName(h.status), specHash: h.spec_hash as number[], provenEpochs: big(h.proven_epochs),
    rewardedEpochs: big(h.rewarded_epochs), lastProofEpoch: big(h.last_proof_epoch), lastProofAt: big(h.last_proof_at),
    earned: big(h.earned), rewardsClaimed: big(h.rewards_claimed), openLeases: h.open_leases as number,
    registeredAt: big(h.registered_at), bump: h.bump as number,
  };
}

export function readLease(chain: TestChain, address: PublicKey): LeaseState {
  const l = decode(chain, 'Lease', address);
  return {
    renter: l.renter as PublicKey, host: l.host as PublicKey, leaseId: big(l.lease_id), rate: big(l.rate), deposit: big(l.deposit),
    start: big(l.start), maxEnd: big(l.max_end), provenUntil: big(l.proven_until), provenSecs: big(l.proven_secs),
    settledSecs: big(l.settled_secs), paid: big(l.paid), termsHash: l.terms_hash as number[], status: enumName(l.status), bump: l.bump as number,
  };
}

export function readPool(chain: TestChain, address: PublicKey): PoolState {
  const p = decode(chain, 'RewardPool', address);
  return { totalFunded: big(p.total_funded), totalFees: big(p.total_fees), totalClaimed: big(p.total_claimed), bump: p.bump as number };
}
