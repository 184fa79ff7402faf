/** Decoded program accounts, with amounts as bigint, and their byte layouts read from the IDL. */
import type { BN, Idl, IdlAccounts } from '@coral-xyz/anchor';
import type { PublicKey } from '@solana/web3.js';
import { IDL, type Decloud } from './idl.js';

type Bigints<T> = { [K in keyof T]: T[K] extends BN ? bigint : T[K] };
type Accounts = IdlAccounts<Decloud>;
export type AccountName = keyof Accounts & string;
export type ConfigAccount = Bigints<Accounts['config']>;
export type RewardPoolAccount = Bigints<Accounts['rewardPool']>;
export type HostAccount = Bigints<Accounts['host']>;
export type LeaseAccount = Bigints<Accounts['lease']>;

export type HostStatus = 'registered' | 'active' | 'inactive' | 'jailed';
export const hostStatusOf = (status: object): HostStatus => Object.keys(status)[0] as HostStatus;

const isBN = (v: unknown): v is BN => typeof v === 'object' && v !== null && 'toArrayLike' in v && 'isNeg' in v;

/** Anchor decodes u64/i64 as BN; the SDK speaks bigint. */
export function withBigints<T extends object>(account: T): Bigints<T> {
  return Object.fromEntries(Object.entries(account).map(([k, v]) => [k, isBN(v) ? BigInt(v.toString()) : v])) as Bigints<T>;
}

export interface Located<T> { address: PublicKey; account: T }

/** Where an account's fields sit: `size` is what the program allocates, offsets count the 8-byte discriminator. */
export interface AccountLayout<N extends AccountName> {
  size: number;
  offsets: Record<keyof Accounts[N] & string, number>;
}

type IdlTypeDef = NonNullable<Idl['types']>[number];
type IdlField = { name: string; type: unknown };
const DISCRIMINATOR_BYTES = 8;
const PRIMITIVE_BYTES: Record<string, number> = { bool: 1, u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, u64: 8, i64: 8, u128: 16, i128: 16, pubkey: 32 };

/** IDL names as anchor's typed accounts spell them (the committed IDL is snake_case, the TS types camelCase). */
const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()).replace(/^[A-Z]/, (c) => c.toLowerCase());
const types = new Map<string, IdlTypeDef>(((IDL as Idl).types ?? []).map((t) => [camel(t.name), t]));

/** Borsh size of an IDL type; program accounts are fixed-size, so vec, option and string have none. */
function sizeOf(type: unknown): number {
  if (typeof type === 'string' && type in PRIMITIVE_BYTES) return PRIMITIVE_BYTES[type]!;
  const t = type as { array?: [unknown, number]; defined?: { name: string } };
  if (t.array) return sizeOf(t.array[0]) * t.array[1];
  if (t.defined) return definedSize(t.defined.name);
  throw new Error(`IDL type ${JSON.stringify(type)} has no fixed size`);
}

const fieldsSize = (fields: IdlField[] = []) => fields.reduce((n, f) => n + sizeOf(f.type), 0);

type Defined = { kind: 'struct'; fields?: IdlField[] } | { kind: 'enum'; variants: { fields?: IdlField[] }[] };

function defined(name: string): Defined {
  const def = types.get(camel(name))?.type as Defined | undefined;
  if (def?.kind !== 'struct' && def?.kind !== 'enum') throw new Error(`${name} is not a struct or enum of the IDL`);
  return def;
}

/** A struct is its fields in order; an enum is a u8 tag and room for its largest variant. */
function definedSize(name: string): number {
  const def = defined(name);
  return def.kind === 'struct' ? fieldsSize(def.fields) : 1 + Math.max(0, ...def.variants.map((v) => fieldsSize(v.fields)));
}

function layoutOf<N extends AccountName>(name: N): AccountLayout<N> {
  const def = defined(name);
  if (def.kind !== 'struct') throw new Error(`account ${name} is not a struct in the IDL`);
  const offsets: Record<string, number> = {};
  let at = DISCRIMINATOR_BYTES;
  for (const field of def.fields ?? []) {
    offsets[camel(field.name)] = at;
    at += sizeOf(field.type);
  }
  return { size: at, offsets } as AccountLayout<N>;
}

/** Sizes (for rent) and field offsets (for getProgramAccounts filters) of every program account. */
export const ACCOUNT_LAYOUTS: { [N in AccountName]: AccountLayout<N> } = {
  config: layoutOf('config'),
  rewardPool: layoutOf('rewardPool'),
  host: layoutOf('host'),
  lease: layoutOf('lease'),
};
