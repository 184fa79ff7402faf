/** Decoded program accounts, with amounts as bigint. */
import type { IdlAccounts } from '@coral-xyz/anchor';
import type { BN } from '@coral-xyz/anchor';
import type { PublicKey } from '@solana/web3.js';
import type { Decloud } from './idl.js';

type Bigints<T> = { [K in keyof T]: T[K] extends BN ? bigint : T[K] };
export type ConfigAccount = Bigints<IdlAccounts<Decloud>['config']>;
export type RewardPoolAccount = Bigints<IdlAccounts<Decloud>['rewardPool']>;
export type HostAccount = Bigints<IdlAccounts<Decloud>['host']>;
export type LeaseAccount = Bigints<IdlAccounts<Decloud>['lease']>;

export type HostStatus = 'registered' | 'active' | 'inactive' | 'jailed';
export const hostStatusOf = (status: object): HostStatus => Object.keys(status)[0] as HostStatus;

const isBN = (v: unknown): v is BN => typeof v === 'object' && v !== null && 'toArrayLike' in v && 'isNeg' in v;

/** Anchor decodes u64/i64 as BN; the SDK speaks bigint. */
export function withBigints<T extends object>(account: T): Bigints<T> {
  return Object.fromEntries(Object.entries(account).map(([k, v]) => [k, isBN(v) ? BigInt(v.toString()) : v])) as Bigints<T>;
}

/** Byte offsets of fields used in getProgramAccounts filters (after the 8-byte discriminator). */
export const LEASE_RENTER_OFFSET = 8;
export const LEASE_HOST_OFFSET = 8 + 32;
export const HOST_OPERATOR_OFFSET = 8;

export interface Located<T> { address: PublicKey; account: T }
