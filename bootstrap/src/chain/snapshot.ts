import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PublicKey } from '@solana/web3.js';
import { z } from 'zod';
import type { AccountState } from './account-state.js';
import { ChainError } from './chain-error.js';
import type { TransactionRecord } from './transaction-record.js';

/**
 * The ledger's persistent state (accounts, programs, slot, identity, faucet, transaction
 * history) as one JSON file, written atomically (temp file, fsync, rename, fsync of the
 * directory) so a crash leaves either the old or the new state, never a torn one.
 */
export const SNAPSHOT_FORMAT = 'decloud-chain-ledger/1';
const SNAPSHOT_FILE = 'ledger.json';

const u64String = z.string().regex(/^\d{1,20}$/);
const base58 = z.string().regex(/^[1-9A-HJ-NP-Za-km-z]+$/);
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const count = z.number().int().nonnegative();

const accountSchema = z.object({
  address: base58,
  lamports: u64String,
  owner: base58,
  executable: z.boolean(),
  rentEpoch: u64String,
  data: base64,
});

const compiledInstructionSchema = z.object({
  programIdIndex: count,
  accounts: z.array(count),
  data: z.string(),
  stackHeight: count.nullable(),
});

const transactionRecordSchema = z.object({
  signature: base58,
  slot: count,
  blockTime: count,
  wire: base64,
  accountKeys: z.array(base58),
  loadedAddresses: z.object({ writable: z.array(base58), readonly: z.array(base58) }),
  err: z.union([z.string(), z.record(z.string(), z.unknown())]).nullable(),
  fee: count,
  preBalances: z.array(count),
  postBalances: z.array(count),
  logMessages: z.array(z.string()),
  innerInstructions: z.array(z.object({ index: count, instructions: z.array(compiledInstructionSchema) })),
  computeUnitsConsumed: count,
  returnData: z.object({ programId: base58, data: z.tuple([base64, z.literal('base64')]) }).nullable(),
});

const snapshotSchema = z.object({
  format: z.literal(SNAPSHOT_FORMAT),
  genesisHash: base58,
  identity: base58,
  faucetSecretKey: base58,
  slot: count,
  transactionCount: count,
  programs: z.array(z.object({ programId: base58, elf: base64, upgradeAuthority: base58.optional() })),
  accounts: z.array(accountSchema),
  transactions: z.array(transactionRecordSchema),
});

export type AccountSnapshot = z.infer<typeof accountSchema>;

export interface LedgerSnapshot extends Omit<z.infer<typeof snapshotSchema>, 'transactions'> {
  transactions: TransactionRecord[];
}

export function accountToSnapshot(address: PublicKey, account: AccountState): AccountSnapshot {
  return {
    address: address.toBase58(),
    lamports: BigInt(account.lamports).toString(),
    owner: account.owner.toBase58(),
    executable: account.executable,
    rentEpoch: String(Math.min(account.rentEpoch ?? 0, Number.MAX_SAFE_INTEGER)),
    data: Buffer.from(account.data).toString('base64'),
  };
}

export function accountFromSnapshot(saved: AccountSnapshot): AccountState {
  return {
    lamports: Number(saved.lamports),
    owner: new PublicKey(saved.owner),
    executable: saved.executable,
    // litesvm takes the rent epoch as a u64; anything beyond 2^53 only ever meant "rent exempt".
    rentEpoch: Math.min(Number(saved.rentEpoch), Number.MAX_SAFE_INTEGER),
    data: Buffer.from(saved.data, 'base64'),
  };
}

function snapshotPath(stateDir: string): string {
  return join(stateDir, SNAPSHOT_FILE);
}

/** The saved state, or undefined when the directory holds none yet. */
export async function readSnapshot(stateDir: string): Promise<LedgerSnapshot | undefined> {
  const path = snapshotPath(stateDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw unreadable(path, (err as Error).message);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw unreadable(path, `not JSON: ${(err as Error).message}`);
  }
  const parsed = snapshotSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw unreadable(path, `${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'}`);
  }
  // Transaction errors are stored exactly as the RPC JSON the ledger produced.
  return parsed.data as LedgerSnapshot;
}

export async function writeSnapshot(stateDir: string, snapshot: LedgerSnapshot): Promise<void> {
  const path = snapshotPath(stateDir);
  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(JSON.stringify(snapshot));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  const directory = await open(stateDir, 'r');
  try {
    await directory.sync();
  } finally {
    await directory.close();
  }
}

export async function removeSnapshot(stateDir: string): Promise<void> {
  await rm(snapshotPath(stateDir), { force: true });
}

function unreadable(path: string, reason: string): ChainError {
  return new ChainError(
    'CHAIN_STATE_UNREADABLE',
    `${path} is not a readable ${SNAPSHOT_FORMAT} state (${reason}). Start with --reset to discard it, or point --state at another directory.`,
  );
}
