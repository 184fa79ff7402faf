/**
 * Reading the local chain's history to check the program's money rules from the outside:
 * every transaction with its fee payer, fee and balance changes; the settlements (settle,
 * close, penalize) with what went into the host account and into the reward pool; the
 * claims that paid the host account out to its owner; and the proofs and heartbeats.
 */
import anchor from '@coral-xyz/anchor';
import { PublicKey as PublicKeyClass } from '@solana/web3.js';
import type { Connection, PublicKey } from '@solana/web3.js';
import { IDL, PROGRAM_ID } from '@decloud/sdk/chain/index';

export interface LedgerTx {
  signature: string;
  feePayer: string;
  fee: bigint;
  failed: boolean;
  blockTime: number | null;
  keys: string[];
  pre: bigint[];
  post: bigint[];
  logs: string[];
  instructions: Array<{ programId: string; data: Uint8Array; accounts: number[] }>;
}

/** The transactions that mention `address`, oldest first, leaving out signatures in `known`. */
export async function transactionsOf(connection: Connection, address: PublicKey, known: ReadonlySet<string> = new Set()): Promise<LedgerTx[]> {
  const listed = await connection.getSignaturesForAddress(address, { limit: 1000 }, 'confirmed');
  const txs: LedgerTx[] = [];
  for (const { signature } of listed.reverse()) {
    if (known.has(signature)) continue;
    const tx = await connection.getTransaction(signature, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
    if (!tx?.meta) throw new Error(`the chain lists transaction ${signature} for ${address.toBase58()} but does not return it`);
    const keys = tx.transaction.message.staticAccountKeys.map((k) => k.toBase58());
    txs.push({
      signature,
      feePayer: keys[0]!,
      fee: BigInt(tx.meta.fee),
      failed: tx.meta.err !== null,
      blockTime: tx.blockTime ?? null,
      keys,
      pre: tx.meta.preBalances.map(BigInt),
      post: tx.meta.postBalances.map(BigInt),
      logs: tx.meta.logMessages ?? [],
      instructions: tx.transaction.message.compiledInstructions.map((ix) => ({ programId: keys[ix.programIdIndex]!, data: ix.data, accounts: ix.accountKeyIndexes })),
    });
  }
  return txs;
}

/** Every signature that mentions `address` so far. */
export async function signaturesOf(connection: Connection, address: PublicKey): Promise<Set<string>> {
  return new Set((await connection.getSignaturesForAddress(address, { limit: 1000 }, 'confirmed')).map((s) => s.signature));
}

/** Lamports `address` gained (negative: lost) in `tx`. */
export function balanceChange(tx: LedgerTx, address: PublicKey): bigint {
  const at = tx.keys.indexOf(address.toBase58());
  return at < 0 ? 0n : tx.post[at]! - tx.pre[at]!;
}

/** Fees of the transactions `payer` paid for. */
export function feesPaidBy(txs: LedgerTx[], payer: PublicKey): bigint {
  return txs.filter((tx) => tx.feePayer === payer.toBase58()).reduce((sum, tx) => sum + tx.fee, 0n);
}

/** The program's basis-point share: floor(amount x bps / 10 000), bps clamped to 10 000. */
export function bpsOf(amount: bigint, bps: number): bigint {
  return (amount * BigInt(Math.min(bps, 10_000))) / 10_000n;
}

export interface Settlement {
  signature: string;
  instruction: 'SettleLease' | 'CloseLease' | 'PenalizeHost';
  /** rate x newly paid seconds, out of the lease's escrow (what the pool and the host account gained together) */
  amount: bigint;
  /** the reward pool's gain: the protocol fee (plus the slash, for a penalty) */
  toPool: bigint;
  /** the host account's gain: its share (minus the slash, for a penalty), held for the owner */
  toHost: bigint;
}

const SETTLING = ['SettleLease', 'CloseLease', 'PenalizeHost'] as const;

const instructionOf = (tx: LedgerTx, name: string): boolean => tx.logs.some((log) => log.endsWith(`Instruction: ${name}`));

/** The settlements among `txs`, read from the balance changes of the host account and the reward pool. */
export function settlementsIn(txs: LedgerTx[], parties: { host: PublicKey; pool: PublicKey }): Settlement[] {
  const found: Settlement[] = [];
  for (const tx of txs) {
    if (tx.failed) continue;
    const instruction = SETTLING.find((name) => instructionOf(tx, name));
    if (instruction === undefined) continue;
    const toPool = balanceChange(tx, parties.pool);
    const toHost = balanceChange(tx, parties.host);
    found.push({ signature: tx.signature, instruction, amount: toPool + toHost, toPool, toHost });
  }
  return found;
}

export interface Claim {
  signature: string;
  /** what left the host account for the owner */
  amount: bigint;
  /** the owner's gain (plus its fee when it paid one): equals amount */
  toOwner: bigint;
}

/** The claim_rewards transactions among `txs`: the host account paid out to the owner. */
export function claimsIn(txs: LedgerTx[], parties: { host: PublicKey; owner: PublicKey }): Claim[] {
  return txs.filter((tx) => !tx.failed && instructionOf(tx, 'ClaimRewards')).map((tx) => ({
    signature: tx.signature,
    amount: -balanceChange(tx, parties.host),
    toOwner: balanceChange(tx, parties.owner) + (tx.feePayer === parties.owner.toBase58() ? tx.fee : 0n),
  }));
}

/** The witness_heartbeat transactions among `txs` that landed, with their epoch and payer. */
export function heartbeatsIn(txs: LedgerTx[]): Array<{ signature: string; epoch: bigint; feePayer: string }> {
  const coder = new anchor.BorshInstructionCoder(IDL);
  const found: Array<{ signature: string; epoch: bigint; feePayer: string }> = [];
  for (const tx of txs) {
    if (tx.failed) continue;
    for (const ix of tx.instructions) {
      if (ix.programId !== PROGRAM_ID.toString()) continue;
      const decoded = coder.decode(Buffer.from(ix.data));
      if (decoded === null || decoded.name.replace(/_/g, '').toLowerCase() !== 'witnessheartbeat') continue;
      found.push({ signature: tx.signature, epoch: BigInt((decoded.data as { epoch: { toString(): string } }).epoch.toString()), feePayer: tx.feePayer });
    }
  }
  return found;
}

/** Whether the reward pool marks `epoch` witness-alive (bit i of alive_bits = epoch alive_epoch - i). */
export function aliveIn(pool: { aliveEpoch: bigint; aliveBits: bigint }, epoch: bigint): boolean {
  if (epoch > pool.aliveEpoch || pool.aliveEpoch - epoch >= 64n) return false;
  return ((pool.aliveBits >> (pool.aliveEpoch - epoch)) & 1n) === 1n;
}

/**
 * Runs `read` until no transaction landed while it ran, so the values it returns belong
 * to one moment of the chain.
 */
export async function atOneMoment<T>(connection: Connection, read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const before = await connection.getTransactionCount('confirmed');
    const value = await read();
    if ((await connection.getTransactionCount('confirmed')) === before) return value;
  }
  throw new Error('the chain never stood still for one read in 50 attempts: something keeps sending transactions');
}

/** "0.011065392 SOL" -> 11065392n */
export function lamportsOfSolText(text: string): bigint {
  const match = /^(\d+)(?:\.(\d{1,9}))? SOL$/.exec(text.trim());
  if (!match) throw new Error(`${JSON.stringify(text)} is not an amount like "0.5 SOL"`);
  return BigInt(match[1]!) * 1_000_000_000n + BigInt((match[2] ?? '').padEnd(9, '0'));
}

export interface PostedProof {
  signature: string;
  kind: 'receipt' | 'attestation';
  /** the attestation's epoch, or the receipt's `until` */
  value: bigint;
  /** the lease the proof is for (the post_proof instruction's lease account) */
  lease: string;
  /** who signed it (the Ed25519 instruction before it) */
  signer: string;
}

/** The post_proof instructions among `txs` that the program accepted, decoded with the IDL. */
export function proofsIn(txs: LedgerTx[]): PostedProof[] {
  // Anchor is CommonJS: its classes come through the default export under Node's ESM.
  const coder = new anchor.BorshInstructionCoder(IDL);
  const found: PostedProof[] = [];
  for (const tx of txs) {
    if (tx.failed) continue;
    tx.instructions.forEach((ix, i) => {
      if (ix.programId !== PROGRAM_ID.toString()) return;
      const decoded = coder.decode(Buffer.from(ix.data));
      if (decoded === null || decoded.name.replace(/_/g, '').toLowerCase() !== 'postproof') return;
      const proof = (decoded.data as { proof: Record<string, { epoch?: { toString(): string }; until?: { toString(): string } }> }).proof;
      const [variant, fields] = Object.entries(proof)[0]!;
      const kind = variant.toLowerCase() === 'receipt' ? 'receipt' : 'attestation';
      found.push({
        signature: tx.signature, kind, value: BigInt((kind === 'receipt' ? fields.until : fields.epoch)!.toString()),
        lease: tx.keys[ix.accounts[POST_PROOF_LEASE_ACCOUNT]!]!, signer: ed25519Signer(tx.instructions[i - 1]),
      });
    });
  }
  return found;
}

/** post_proof's accounts: config, host, lease, reward_pool, instructions. */
const POST_PROOF_LEASE_ACCOUNT = 2;
const ED25519_PROGRAM = 'Ed25519SigVerify111111111111111111111111111';

/** The public key an Ed25519 program instruction with inline data checks (offsets header, then key). */
function ed25519Signer(ix: LedgerTx['instructions'][number] | undefined): string {
  if (!ix || ix.programId !== ED25519_PROGRAM) return '';
  const view = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
  const at = view.getUint16(6, true); // public_key_offset of the first signature
  return new PublicKeyClass(ix.data.subarray(at, at + 32)).toBase58();
}
