/**
 * The DeCloud program on the local chain: where its .so is, its upgrade authority, and the
 * config it is initialized with on the chain's first start. The authority key is kept
 * beside the ledger (authority.json) so a restarted chain keeps the same authority; the
 * program is deployed through the upgradeable loader with that key named in its
 * ProgramData account, because initialize must be signed by the program's upgrade authority.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection, Keypair, LAMPORTS_PER_SOL, type PublicKey } from '@solana/web3.js';
import { DecloudChain, PROGRAM_ID } from '@decloud/sdk/chain/index';
import type { InitializeParams } from '@decloud/sdk/chain/index';
import { ChainError } from './chain-error.js';
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
  epochReward: BigInt(LAMPORTS_PER_SOL) / 100n,
  jailSecs: 3_600n,
  witnesses: [],
  rewardFund: 100n * BigInt(LAMPORTS_PER_SOL),
};

export const decloudProgramPath = fileURLToPath(new URL('../../../program/deploy/decloud.so', import.meta.url));

/** The DeCloud program to load; with `upgradeAuthority`, its ProgramData names that key (else none, until initializeDecloud names one). */
export function decloudProgram(path = decloudProgramPath, upgradeAuthority?: PublicKey): ProgramSource {
  if (!existsSync(path)) throw new Error(`${path} not found: run npm run build:program`);
  return { programId: PROGRAM_ID, path, ...(upgradeAuthority ? { upgradeAuthority } : {}) };
}

/** A key kept in `stateDir` as a Solana keypair file (JSON array of the 64 secret key bytes), created once; a fresh key without a directory. */
async function keptKey(stateDir: string | undefined, name: string): Promise<Keypair> {
  if (!stateDir) return Keypair.generate();
  const file = join(stateDir, name);
  if (existsSync(file)) return Keypair.fromSecretKey(Uint8Array.from(JSON.parse(await readFile(file, 'utf8')) as number[]));
  const key = Keypair.generate();
  await mkdir(stateDir, { recursive: true });
  await writeFile(file, JSON.stringify(Array.from(key.secretKey)), { mode: 0o600 });
  return key;
}

/** The local chain's DeCloud authority (upgrade and config authority): authority.json in `stateDir`. */
export const decloudAuthority = (stateDir?: string) => keptKey(stateDir, 'authority.json');

/**
 * The witness the config names when none is given: witness.json in `stateDir` (the config
 * needs 1 to 4 witnesses; a bootstrap started with `--witness-key <stateDir>/witness.json` runs it).
 */
export const LOCAL_WITNESS_FILE = 'witness.json';
export const localWitnessKey = (stateDir?: string) => keptKey(stateDir, LOCAL_WITNESS_FILE);

/**
 * Initializes the program's config and funds the reward pool (once, on a fresh ledger),
 * signed by `authority` (or the key kept in `stateDir`). The program must be loaded on this
 * chain: its ProgramData is made to name the authority first (a genesis privilege of the
 * local chain), so a chain started with `decloudProgram()` alone initializes too.
 */
export async function initializeDecloud(chain: LocalChain, genesis: DecloudGenesis, authorityOrStateDir?: Keypair | string): Promise<PublicKey> {
  const authority = authorityOrStateDir instanceof Keypair ? authorityOrStateDir : await decloudAuthority(authorityOrStateDir);
  if (!chain.ledger.account(PROGRAM_ID)) {
    throw new ChainError('CHAIN_PROGRAM_INVALID', `the DeCloud program ${PROGRAM_ID.toBase58()} is not loaded on this chain: start it with decloudProgram()`);
  }
  if (!chain.ledger.upgradeAuthority(PROGRAM_ID)?.equals(authority.publicKey)) chain.ledger.setUpgradeAuthority(PROGRAM_ID, authority.publicKey);
  const connection = new Connection(chain.rpcUrl, 'confirmed');
  const sig = await connection.requestAirdrop(authority.publicKey, Number(genesis.rewardFund) + 10 * LAMPORTS_PER_SOL);
  await connection.confirmTransaction(sig, 'confirmed');
  const client = DecloudChain.fromKeypair(connection, authority);
  await client.initialize(genesis);
  if (genesis.rewardFund > 0n) await client.fundRewards(genesis.rewardFund);
  return authority.publicKey;
}
