/**
 * Reading the local chain's history to check the program's money rules from the outside:
 * every transaction with its fee payer, fee and balance changes, and the settlements
 * (settle, close, penalize) with what went to the host's owner and to the reward pool.
 */
import anchor from '@coral-xyz/anchor';
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
  instructions: Array<{ programId: string; data: Uint8Array }>;
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
      instructions: tx.transaction.message.compiledInstructions.map((ix) => ({ programId: keys[ix.programIdIndex]!, data: ix.data })),
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
  /** rate x newly paid seconds, out of the lease's escrow */
  amount: bigint;
  /** the protocol fee, into the reward pool */
  fee: bigint;
  /** what the host's owner received */
  ownerShare: bigint;
}

const SETTLING = ['SettleLease', 'CloseLease', 'PenalizeHost'] as const;

/**
 * The settlements among `txs`, read from balance changes: the pool's gain is the fee, the
 * owner's gain (plus its transaction fee when it paid one) is its share.
 */
export function settlementsIn(txs: LedgerTx[], parties: { owner: PublicKey; pool: PublicKey }): Settlement[] {
  const found: Settlement[] = [];
  for (const tx of txs) {
    if (tx.failed) continue;
    const instruction = SETTLING.find((name) => tx.logs.some((log) => log.endsWith(`Instruction: ${name}`)));
    if (instruction === undefined) continue;
    const fee = balanceChange(tx, parties.pool);
    const ownerShare = balanceChange(tx, parties.owner) + (tx.feePayer === parties.owner.toBase58() ? tx.fee : 0n);
    found.push({ signature: tx.signature, instruction, amount: fee + ownerShare, fee, ownerShare });
  }
  return found;
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
}

/** The post_proof instructions among `txs` that the program accepted, decoded with the IDL. */
export function proofsIn(txs: LedgerTx[]): PostedProof[] {
  // Anchor is CommonJS: its classes come through the default export under Node's ESM.
  const coder = new anchor.BorshInstructionCoder(IDL);
  const found: PostedProof[] = [];
  for (const tx of txs) {
    if (tx.failed) continue;
    for (const ix of tx.instructions) {
      if (ix.programId !== PROGRAM_ID.toString()) continue;
      const decoded = coder.decode(Buffer.from(ix.data));
      if (decoded === null || decoded.name.replace(/_/g, '').toLowerCase() !== 'postproof') continue;
      const proof = (decoded.data as { proof: Record<string, { epoch?: { toString(): string }; until?: { toString(): string } }> }).proof;
      const [variant, fields] = Object.entries(proof)[0]!;
      const kind = variant.toLowerCase() === 'receipt' ? 'receipt' : 'attestation';
      found.push({ signature: tx.signature, kind, value: BigInt((kind === 'receipt' ? fields.until : fields.epoch)!.toString()) });
    }
  }
  return found;
}
