/**
 * Account sizes from the committed IDL: the 8-byte discriminator plus the borsh size of
 * the account's type, summed field by field. Every test takes LEASE_LEN, HOST_LEN, ...
 * from here (through chain.ts), so a layout change in program/idl/decloud.json moves them all.
 */
import type { Idl } from '@coral-xyz/anchor';

type IdlType = Idl['types'] extends (infer T)[] | undefined ? T : never;
type FieldType = unknown;

const PRIMITIVES: Record<string, number> = {
  bool: 1, u8: 1, i8: 1, u16: 2, i16: 2, u32: 4, i32: 4, f32: 4, u64: 8, i64: 8, f64: 8, u128: 16, i128: 16, pubkey: 32,
};

/** The fixed borsh size of `type` (an IDL field type); throws for variable-size types (vec, string, option). */
export function borshSize(idl: Idl, type: FieldType): number {
  if (typeof type === 'string') {
    const size = PRIMITIVES[type];
    if (size === undefined) throw new Error(`borshSize: ${type} has no fixed size`);
    return size;
  }
  const t = type as Record<string, unknown>;
  if ('array' in t) {
    const [inner, length] = t.array as [FieldType, number];
    return borshSize(idl, inner) * length;
  }
  if ('defined' in t) {
    const name = typeof t.defined === 'string' ? t.defined : (t.defined as { name: string }).name;
    return definedSize(idl, name);
  }
  throw new Error(`borshSize: ${JSON.stringify(type)} has no fixed size`);
}

function fieldsSize(idl: Idl, fields: unknown): number {
  if (!fields) return 0;
  return (fields as Array<{ type: FieldType } | FieldType>).reduce<number>(
    (sum, f) => sum + borshSize(idl, typeof f === 'object' && f !== null && 'type' in f ? (f as { type: FieldType }).type : f),
    0,
  );
}

/** A defined struct: the sum of its fields; an enum: 1 tag byte plus its largest variant (every account field here is fixed-size). */
export function definedSize(idl: Idl, name: string): number {
  const def = (idl.types ?? []).find((t: IdlType) => t.name === name);
  if (!def) throw new Error(`the IDL defines no type ${name}`);
  const ty = def.type as { kind: string; fields?: unknown; variants?: Array<{ fields?: unknown }> };
  if (ty.kind === 'struct') return fieldsSize(idl, ty.fields);
  if (ty.kind === 'enum') return 1 + Math.max(0, ...(ty.variants ?? []).map((v) => fieldsSize(idl, v.fields)));
  throw new Error(`borshSize: ${name} is a ${ty.kind}`);
}

/** Bytes of an account of type `name`: discriminator + borsh fields. */
export const accountSize = (idl: Idl, name: string) => 8 + definedSize(idl, name);

/** Byte offset of `field` in an account of type `name` (discriminator included). */
export function fieldOffset(idl: Idl, name: string, field: string): number {
  const def = (idl.types ?? []).find((t: IdlType) => t.name === name);
  const fields = (def?.type as { fields?: Array<{ name: string; type: FieldType }> } | undefined)?.fields ?? [];
  let at = 8;
  for (const f of fields) {
    if (f.name === field) return at;
    at += borshSize(idl, f.type);
  }
  throw new Error(`${name} has no field ${field}`);
}
