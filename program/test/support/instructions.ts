/**
 * DeCloud's instructions, built with anchor's `Program` from the committed IDL. Every
 * builder takes the accounts a caller must choose; the singletons (config, reward pool,
 * system program, instructions sysvar) default to the real ones and can be overridden
 * to test rejections.
 */
import { PublicKey, SystemProgram, SYSVAR_INSTRUCTIONS_PUBKEY } from '@solana/web3.js';
import type { TransactionInstruction } from '@solana/web3.js';
import { hostAddressAndBump, leaseAddressAndBump } from '@decloud/sdk/chain/addresses';
import { CONFIG, REWARD_POOL, bn } from './chain.js';
import type { DecloudProgram } from './chain.js';

type Keys<K extends string> = Record<K, PublicKey>;
type Singletons = Partial<Keys<'config' | 'rewardPool' | 'systemProgram' | 'instructions'>>;

export const fundRewards = (p: DecloudProgram, amount: bigint, a: Keys<'funder'> & Singletons) =>
  p.methods.fundRewards(bn(amount)).accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, systemProgram: SystemProgram.programId, ...a }).instruction();

/** `bump` defaults to the canonical bump of the operator's host address, as clients find it. */
export interface RegisterArgs { peerId: Uint8Array; specHash: Uint8Array; stake: bigint; bump?: number }
export const registerHost = (p: DecloudProgram, args: RegisterArgs, a: Keys<'operator' | 'owner' | 'host'> & Singletons) =>
  p.methods.registerHost(Array.from(args.peerId), Array.from(args.specHash), bn(args.stake),
    args.bump ?? hostAddressAndBump(a.operator, p.programId)[1])
    .accountsPartial({ config: CONFIG, systemProgram: SystemProgram.programId, ...a }).instruction();

export const activateHost = (p: DecloudProgram, a: Keys<'operator' | 'host'> & Singletons) =>
  p.methods.activateHost().accountsPartial({ config: CONFIG, ...a }).instruction();

export const deactivateHost = (p: DecloudProgram, a: Keys<'operator' | 'host'>) =>
  p.methods.deactivateHost().accountsPartial(a).instruction();

/** `bump` defaults to the canonical bump of (renter, leaseId), as clients find it. */
export interface OpenArgs { leaseId: bigint; rate: bigint; durationSecs: bigint; termsHash: Uint8Array; bump?: number }
export const openLease = (p: DecloudProgram, args: OpenArgs, a: Keys<'renter' | 'host' | 'lease'> & Singletons) =>
  p.methods.openLease(bn(args.leaseId), bn(args.rate), bn(args.durationSecs), Array.from(args.termsHash),
    args.bump ?? leaseAddressAndBump(a.renter, args.leaseId, p.programId)[1])
    .accountsPartial({ config: CONFIG, systemProgram: SystemProgram.programId, ...a }).instruction();

export const topUpLease = (p: DecloudProgram, extraSecs: bigint, a: Keys<'renter' | 'lease'> & Singletons) =>
  p.methods.topUpLease(bn(extraSecs)).accountsPartial({ systemProgram: SystemProgram.programId, ...a }).instruction();

export type ProofArg = { receipt: { until: bigint } } | { attestation: { epoch: bigint } };
export const postProof = (p: DecloudProgram, proof: ProofArg, a: Keys<'host' | 'lease'> & Singletons) => {
  const arg = 'receipt' in proof ? { receipt: { until: bn(proof.receipt.until) } } : { attestation: { epoch: bn(proof.attestation.epoch) } };
  return p.methods.postProof(arg as never)
    .accountsPartial({ config: CONFIG, instructions: SYSVAR_INSTRUCTIONS_PUBKEY, ...a }).instruction();
};

export const settleLease = (p: DecloudProgram, a: Keys<'host' | 'lease' | 'owner'> & Singletons) =>
  p.methods.settleLease().accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, ...a }).instruction();

export const closeLease = (p: DecloudProgram, a: Keys<'signer' | 'renter' | 'host' | 'lease' | 'owner'> & Singletons) =>
  p.methods.closeLease().accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, ...a }).instruction();

export const penalizeHost = (p: DecloudProgram, a: Keys<'caller' | 'renter' | 'host' | 'lease' | 'owner'> & Singletons) =>
  p.methods.penalizeHost().accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, ...a }).instruction();

export const claimRewards = (p: DecloudProgram, a: Keys<'operator' | 'owner' | 'host'> & Singletons) =>
  p.methods.claimRewards().accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, ...a }).instruction();

export const withdrawStake = (p: DecloudProgram, a: Keys<'operator' | 'owner' | 'host'>) =>
  p.methods.withdrawStake().accountsPartial(a).instruction();

export const addStake = (p: DecloudProgram, amount: bigint, a: Keys<'operator' | 'host'> & Singletons) =>
  p.methods.addStake(bn(amount)).accountsPartial({ systemProgram: SystemProgram.programId, ...a }).instruction();

/** The same instruction with `account` no longer signing (to test a missing signature). */
export function unsigned(ix: TransactionInstruction, account: PublicKey): TransactionInstruction {
  ix.keys = ix.keys.map((k) => (k.pubkey.equals(account) ? { ...k, isSigner: false } : k));
  return ix;
}

/** The same instruction with `account` read-only (to test a missing writable flag). */
export function readonly(ix: TransactionInstruction, account: PublicKey): TransactionInstruction {
  ix.keys = ix.keys.map((k) => (k.pubkey.equals(account) ? { ...k, isWritable: false } : k));
  return ix;
}
