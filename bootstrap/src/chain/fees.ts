import type { VersionedMessage } from '@solana/web3.js';

/**
 * Transaction fee as litesvm (Agave 3.1) charges it, computed from the message alone so
 * getFeeForMessage and getTransaction's `meta.fee` agree with the balance change:
 * 5000 lamports per signature (transaction signatures plus the signatures checked by the
 * ed25519 / secp256k1 / secp256r1 precompiles) plus the priority fee
 * ceil(compute unit price x compute unit limit / 1e6).
 */
const LAMPORTS_PER_SIGNATURE = 5000n;

const MAX_COMPUTE_UNIT_LIMIT = 1_400_000n;
const DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT = 200_000n;
/** Builtins (and precompiles) reserve this much instead of the default when no limit is set. */
const BUILTIN_INSTRUCTION_COMPUTE_UNIT_LIMIT = 3_000n;
const MICRO_LAMPORTS_PER_LAMPORT = 1_000_000n;

const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';
const SIGNATURE_PRECOMPILES = new Set([
  'Ed25519SigVerify111111111111111111111111111',
  'KeccakSecp256k11111111111111111111111111111',
  'Secp256r1SigVerify1111111111111111111111111',
]);
const BUILTIN_PROGRAMS = new Set([
  ...SIGNATURE_PRECOMPILES,
  COMPUTE_BUDGET_PROGRAM,
  '11111111111111111111111111111111',
  'Vote111111111111111111111111111111111111111',
  'BPFLoader1111111111111111111111111111111111',
  'BPFLoader2111111111111111111111111111111111',
  'BPFLoaderUpgradeab1e11111111111111111111111',
  'LoaderV411111111111111111111111111111111111',
  'ZkE1Gama1Proof11111111111111111111111111111',
]);

/** Compute budget instruction tags (first data byte). */
const SET_COMPUTE_UNIT_LIMIT = 2;
const SET_COMPUTE_UNIT_PRICE = 3;

export function transactionFee(message: VersionedMessage): bigint {
  return signatureCount(message) * LAMPORTS_PER_SIGNATURE + priorityFee(message);
}

function programIdOf(message: VersionedMessage, programIdIndex: number): string {
  return message.staticAccountKeys[programIdIndex]?.toBase58() ?? '';
}

function signatureCount(message: VersionedMessage): bigint {
  let count = BigInt(message.header.numRequiredSignatures);
  for (const ix of message.compiledInstructions) {
    if (SIGNATURE_PRECOMPILES.has(programIdOf(message, ix.programIdIndex))) count += BigInt(ix.data[0] ?? 0);
  }
  return count;
}

function priorityFee(message: VersionedMessage): bigint {
  const { price, limit } = computeBudgetOf(message);
  return (price * limit + MICRO_LAMPORTS_PER_LAMPORT - 1n) / MICRO_LAMPORTS_PER_LAMPORT;
}

/** The compute unit price (micro-lamports) the message bids; 0 when it sets none. */
export function computeUnitPrice(message: VersionedMessage): bigint {
  return computeBudgetOf(message).price;
}

function computeBudgetOf(message: VersionedMessage): { price: bigint; limit: bigint } {
  let price = 0n;
  let explicitLimit: bigint | undefined;
  let defaultLimit = 0n;
  for (const ix of message.compiledInstructions) {
    const programId = programIdOf(message, ix.programIdIndex);
    defaultLimit += BUILTIN_PROGRAMS.has(programId) ? BUILTIN_INSTRUCTION_COMPUTE_UNIT_LIMIT : DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT;
    if (programId !== COMPUTE_BUDGET_PROGRAM) continue;
    const data = Buffer.from(ix.data);
    if (data[0] === SET_COMPUTE_UNIT_LIMIT && data.length >= 5) explicitLimit = BigInt(data.readUInt32LE(1));
    if (data[0] === SET_COMPUTE_UNIT_PRICE && data.length >= 9) price = data.readBigUInt64LE(1);
  }
  return { price, limit: minBigInt(explicitLimit ?? defaultLimit, MAX_COMPUTE_UNIT_LIMIT) };
}

function minBigInt(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
