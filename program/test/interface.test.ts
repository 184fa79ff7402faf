/**
 * The interface is declared once in Rust and checked here against the IDL the TypeScript
 * side is generated from (scripts/idl/program-interface.ts -> program/idl/decloud.json):
 * error numbers, names and messages (program/src/error.rs), account layouts (the offset
 * tables of program/src/state/*.rs, whose offsets the Rust unit tests hold to the code),
 * instruction names and the signed-message domains. A change on one side only fails here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PublicKey } from '@solana/web3.js';
import { IDL } from './support/chain.js';
import { UPGRADEABLE_LOADER_ID } from '@decloud/sdk/chain/addresses';
import { ATTESTATION_DOMAIN, HEARTBEAT_DOMAIN, RECEIPT_DOMAIN, TERMS_DOMAIN } from '@decloud/sdk/chain/proofs';

const src = (path: string) => readFileSync(fileURLToPath(new URL(`../src/${path}`, import.meta.url)), 'utf8');
/** The committed IDL as written (snake_case names), not as the SDK's camelCase type declares it. */
interface RawIdl {
  errors: { code: number; name: string; msg: string }[];
  instructions: { name: string }[];
  types: { name: string; type: { kind: string; fields?: { name: string; type: IdlType }[] } }[];
}
const RAW = IDL as unknown as RawIdl;
const snake = (s: string) => s.replace(/[A-Z]/g, (c, i: number) => (i ? '_' : '') + c.toLowerCase());

test('custom errors: the same numbers, names and messages in Rust and in the IDL', () => {
  const rust = [...src('error.rs').matchAll(/^\s+(\w+) = (\d{4}) => "(.*)",$/gm)].map(([, name, code, msg]) => ({ code: Number(code), name, msg }));
  assert.ok(rust.length >= 30, `found ${rust.length} custom errors in error.rs`);
  assert.equal(rust, RAW.errors.map(({ code, name, msg }) => ({ code, name, msg })));
});

type IdlType = string | { array: [IdlType, number] } | { defined: { name: string } };
const SIZES: Record<string, number> = { u8: 1, u16: 2, u32: 4, u64: 8, i64: 8, pubkey: 32 };

function sizeOf(type: IdlType): number {
  if (typeof type === 'string') {
    const size = SIZES[type];
    if (size === undefined) throw new Error(`unknown type ${type}`);
    return size;
  }
  if ('array' in type) return sizeOf(type.array[0]) * type.array[1];
  return 1; // the account enums are fieldless: one borsh tag byte
}

/** The `| offset | size | field |` rows of a state module's doc table. */
function rustTable(file: string): { offset: number; size: number; name: string }[] {
  return [...src(`state/${file}`).matchAll(/^\/\/! \| (\d+)\s*\| (\d+)\s*\| (\w+)/gm)]
    .map(([, offset, size, name]) => ({ offset: Number(offset), size: Number(size), name: name as string }));
}

for (const [account, file] of [['Config', 'config.rs'], ['RewardPool', 'reward_pool.rs'], ['Host', 'host.rs'], ['Lease', 'lease.rs']] as const) {
  test(`${account}: the Rust layout is the IDL's, field by field, and its size is the sum`, () => {
    const type = RAW.types.find((t) => t.name === account);
    if (type?.type.kind !== 'struct') throw new Error(`${account} is not an IDL struct`);
    let offset = 8;
    const idl = [{ offset: 0, size: 8, name: 'discriminator' }];
    for (const field of type.type.fields ?? []) {
      idl.push({ offset, size: sizeOf(field.type), name: field.name });
      offset += sizeOf(field.type);
    }
    assert.equal(rustTable(file), idl);
    assert.match(src(`state/${file}`), new RegExp(`//! Total: ${offset} bytes\\.`), `${file} states ${offset} bytes`);
  });
}

test('instructions: every handler is an IDL instruction and the reverse', () => {
  const rust = [...src('instructions/mod.rs').matchAll(/^\s+[A-Z_]+ => (\w+)::process/gm)].map(([, name]) => name as string).sort();
  assert.equal(rust, RAW.instructions.map((i) => snake(i.name)).sort());
});

test('signed-message domains and the upgradeable loader are the same bytes on both sides', () => {
  const all = ['instructions/open_lease.rs', 'instructions/post_proof.rs', 'instructions/witness_heartbeat.rs'].map(src).join('\n');
  for (const domain of [TERMS_DOMAIN, RECEIPT_DOMAIN, ATTESTATION_DOMAIN, HEARTBEAT_DOMAIN]) {
    assert.ok(all.includes(`b"${domain}"`), `${domain} is a Rust domain`);
  }
  const loader = /UPGRADEABLE_LOADER: Pubkey = Pubkey::new\(\[([^\]]+)\]/.exec(src('instructions/initialize.rs'))?.[1];
  const bytes = (loader ?? '').split(',').map((b) => b.trim()).filter((b) => b !== '').map(Number);
  assert.is(new PublicKey(Uint8Array.from(bytes)).toBase58(), UPGRADEABLE_LOADER_ID.toBase58());
});

test.run();
