/**
 * DeCloud's instructions (escrow v2), built with anchor's `Program` from the committed IDL.
 * Every builder takes the accounts a caller must choose; the singletons (config, reward
 * pool, system program, instructions sysvar) default to the real ones and can be
 * overridden to test rejections. initialize is TestChain.initializeInstruction (it needs
 * the chain's ProgramData and witnesses).
 */
import { PublicKey, SystemProgram, SYSVAR_INSTRUCTIONS_PUBKEY } from '@solana/web3.js';
import type { TransactionInstruction } from '@solana/web3.js';
import { CONFIG, REWARD_POOL, bn } from './chain.js';
import type { ConfigParams, DecloudProgram } from './chain.js';

type Keys<K extends string> = Record<K, PublicKey>;
type Singletons = Partial<Keys<'config' | 'rewardPool' | 'systemProgram' | 'instructions'>>;

/** update_config's arguments: every parameter but the epoch length, and the witness set. */
export type UpdateArgs = Omit<ConfigParams, 'proofEpochSecs'> & { witnesses: PublicKey[] };
export const updateConfig = (p: DecloudProgram, args: UpdateArgs, a: Keys<'authority'> & Singletons) =>
  p.methods.updateConfig(args.feeBps, bn(args.minHostStake), args.graceEpochs, args.slashBps, args.rewardBps, bn(args.epochReward), bn(args.jailSecs), args.witnesses)
    .accountsPartial({ config: CONFIG, ...a }).instruction();

export const fundRewards = (p: DecloudProgram, amount: bigint, a: Keys<'funder'> & Singletons) =>
  p.methods.fundRewards(bn(amount)).accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, systemProgram: SystemProgram.programId, ...a }).instruction();

export interface RegisterArgs { peerId: Uint8Array; specHash: Uint8Array; stake: bigint }
export const registerHost = (p: DecloudProgram, args: RegisterArgs, a: Keys<'operator' | 'owner' | 'host'> & Singletons) =>
  p.methods.registerHost(Array.from(args.peerId), Array.from(args.specHash), bn(args.stake))
    .accountsPartial({ config: CONFIG, systemProgram: SystemProgram.programId, ...a }).instruction();

export const activateHost = (p: DecloudProgram, a: Keys<'operator' | 'host'> & Singletons) =>
  p.methods.activateHost().accountsPartial({ config: CONFIG, ...a }).instruction();

export const deactivateHost = (p: DecloudProgram, a: Keys<'operator' | 'host'>) =>
  p.methods.deactivateHost().accountsPartial(a).instruction();

export interface OpenArgs {
  leaseId: bigint; rate: bigint; durationSecs: bigint; quoteExpiresAt: bigint; delegate: PublicKey; termsHash: Uint8Array;
}
/** open_lease alone: the host operator's Ed25519 signature over the terms must come right before it (fixtures.ts). */
export const openLease = (p: DecloudProgram, args: OpenArgs, a: Keys<'renter' | 'host' | 'lease'> & Singletons) =>
  p.methods.openLease(bn(args.leaseId), bn(args.rate), bn(args.durationSecs), bn(args.quoteExpiresAt), args.delegate, Array.from(args.termsHash))
    .accountsPartial({ config: CONFIG, systemProgram: SystemProgram.programId, instructions: SYSVAR_INSTRUCTIONS_PUBKEY, ...a }).instruction();

export const topUpLease = (p: DecloudProgram, extraSecs: bigint, a: Keys<'renter' | 'lease'> & Singletons) =>
  p.methods.topUpLease(bn(extraSecs)).accountsPartial({ systemProgram: SystemProgram.programId, ...a }).instruction();

export type ProofArg = { receipt: { until: bigint } } | { attestation: { epoch: bigint } };
export const postProof = (p: DecloudProgram, proof: ProofArg, a: Keys<'host' | 'lease'> & Singletons) => {
  const arg = 'receipt' in proof ? { receipt: { until: bn(proof.receipt.until) } } : { attestation: { epoch: bn(proof.attestation.epoch) } };
  return p.methods.postProof(arg as never)
    .accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, instructions: SYSVAR_INSTRUCTIONS_PUBKEY, ...a }).instruction();
};

export const witnessHeartbeat = (p: DecloudProgram, epoch: bigint, a: Singletons = {}) =>
  p.methods.witnessHeartbeat(bn(epoch)).accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, instructions: SYSVAR_INSTRUCTIONS_PUBKEY, ...a }).instruction();

export const settleLease = (p: DecloudProgram, a: Keys<'host' | 'lease'> & Singletons) =>
  p.methods.settleLease().accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, ...a }).instruction();

export const closeLease = (p: DecloudProgram, a: Keys<'signer' | 'renter' | 'host' | 'lease'> & Singletons) =>
  p.methods.closeLease().accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, ...a }).instruction();

export const penalizeHost = (p: DecloudProgram, a: Keys<'caller' | 'renter' | 'host' | 'lease'> & Singletons) =>
  p.methods.penalizeHost().accountsPartial({ config: CONFIG, rewardPool: REWARD_POOL, ...a }).instruction();

/** `signer`: the host's operator or its owner. */
export const claimRewards = (p: DecloudProgram, a: Keys<'signer' | 'owner' | 'host'>) =>
  p.methods.claimRewards().accountsPartial(a).instruction();

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

/** The same instruction with the account in position `index` replaced by `account` (same flags). */
export function withAccountAt(ix: TransactionInstruction, index: number, account: PublicKey): TransactionInstruction {
  ix.keys = ix.keys.map((k, i) => (i === index ? { ...k, pubkey: account } : k));
  return ix;
}
