/**
 * The DeCloud program on the local chain: where its .so is, and the config it is
 * initialized with on the chain's first start (the authority key is kept beside the
 * ledger so a restarted chain keeps the same authority).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, Keypair, LAMPORTS_PER_SOL, type PublicKey } from '@solana/web3.js';
import { DecloudChain, PROGRAM_ID } from '@decloud/sdk/chain/index';
import type { InitializeParams } from '@decloud/sdk/chain/index';
import type { LocalChain, ProgramSource } from './index.js';

export interface DecloudGenesis extends InitializeParams {
  /** lamports put in the reward pool at genesis */
  rewardFund: bigint;
}

export const defaultGenesis: DecloudGenesis = {
  feeBps: 500,
  minHostStake: BigInt(LAMPORTS_PER_SOL),
  proofEpochSecs: 60n,
  graceEpochs: 3,
  slashBps: 2_000,
  rewardBps: 100,
  witnesses: [],
  rewardFund: 100n * BigInt(LAMPORTS_PER_SOL),
};

export const decloudProgramPath = fileURLToPath(new URL('../../../program/deploy/decloud.so', import.meta.url));

export function decloudProgram(path = decloudProgramPath): ProgramSource {
  if (!existsSync(path)) throw new Error(`${path} not found: run npm run build:program`);
  return { programId: PROGRAM_ID, path };
}

async function authorityKey(stateDir?: string): Promise<Keypair> {
  if (!stateDir) return Keypair.generate();
  const file = join(stateDir, 'authority.json');
  if (existsSync(file)) return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(await readFile(file, 'utf8')) as number[]));
  const key = Keypair.generate();
  await mkdir(stateDir, { recursive: true });
  await writeFile(file, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
  return key;
}

/** Initializes the program's config and funds the reward pool (once, on a fresh ledger). */
export async function initializeDecloud(chain: LocalChain, genesis: DecloudGenesis, stateDir?: string): Promise<PublicKey> {
  const authority = await authorityKey(stateDir);
  const connection = new Connection(chain.rpcUrl, 'confirmed');
  const sig = await connection.requestAirdrop(authority.publicKey, Number(genesis.rewardFund) + 10 * LAMPORTS_PER_SOL);
  await connection.confirmTransaction(sig, 'confirmed');
  const client = DecloudChain.fromKeypair(connection, authority);
  await client.initialize(genesis);
  if (genesis.rewardFund > 0n) await client.fundRewards(genesis.rewardFund);
  return authority.publicKey;
}
