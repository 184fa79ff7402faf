/**
 * A real world for the lease and prover tests: the local chain (litesvm behind JSON-RPC, in
 * its own thread) running the real program, initialized with a short proof epoch; funded
 * keypairs; quotes signed by a host; the real Docker engine (DOCKER_HOST, set by the runner).
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Connection, Keypair, LAMPORTS_PER_SOL } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { startLocalChain } from '@decloud/bootstrap/src/chain/index.js';
import type { LocalChain } from '@decloud/bootstrap/src/chain/index.js';
import { decloudProgram, defaultGenesis, initializeDecloud } from '@decloud/bootstrap/src/chain/decloud-genesis.js';
import type { DecloudGenesis } from '@decloud/bootstrap/src/chain/decloud-genesis.js';
import { DecloudChain, receiptMessage, signProof } from '@decloud/sdk/chain/index';
import { signQuote } from '@decloud/sdk/quotes/index';
import type { Quote, QuoteTerms } from '@decloud/sdk/quotes/index';
import type { ResourceRequest } from '@decloud/sdk/offers/types';
import { DockerRuntime, LABELS } from '../../src/runtime/index.js';
import type { Receipt } from '../../src/prover/index.js';
import { fundedKeypair as funded } from '@decloud/bootstrap/src/chain/faucet.js';

export const IMAGE = 'decloud/busybox:local';
export const SOL = BigInt(LAMPORTS_PER_SOL);
export const EPOCH_SECS = 2n;
export const SMALL: ResourceRequest = { cpuCores: 1, memoryMiB: 64, diskGiB: 0, gpus: 0 };

export const silentLog: Logger = pino({ level: 'silent' });

export interface World {
  chain: LocalChain;
  connection: Connection;
  genesis: DecloudGenesis;
  witness: Keypair;
  close(): Promise<void>;
}

export async function startWorld(overrides: Partial<DecloudGenesis> = {}): Promise<World> {
  const witness = Keypair.generate();
  const genesis: DecloudGenesis = { ...defaultGenesis, proofEpochSecs: EPOCH_SECS, graceEpochs: 1, witnesses: [witness.publicKey], rewardFund: 50n * SOL, ...overrides };
  const chain = await startLocalChain({ port: 0, programs: [decloudProgram()] });
  await initializeDecloud(chain, genesis);
  const connection = new Connection(chain.rpcUrl, 'confirmed');
  return {
    chain,
    connection,
    genesis,
    witness,
    close: async () => {
      // web3.js closes its idle websocket 500 ms after the last subscription ends.
      await sleep(700);
      await chain.close();
    },
  };
}

export { funded };

export const clientOf = (connection: Connection, keypair: Keypair): DecloudChain => DecloudChain.fromKeypair(connection, keypair);

export async function balanceOf(connection: Connection, key: PublicKey): Promise<bigint> {
  return BigInt(await connection.getBalance(key, 'confirmed'));
}

export interface QuoteOptions {
  lamportsPerSecond?: bigint;
  durationSecs?: number;
  image?: string;
  resources?: ResourceRequest;
  expiresAt?: number;
}

/** Terms the host signs for `renter` (what the quote protocol would answer). */
export function quoteFor(host: Keypair, renter: PublicKey, options: QuoteOptions = {}): Quote {
  const lamportsPerSecond = options.lamportsPerSecond ?? 1_000n;
  const durationSecs = options.durationSecs ?? 120;
  const terms: QuoteTerms = {
    version: 1,
    host: host.publicKey.toBase58(),
    renter: renter.toBase58(),
    lamportsPerSecond,
    deposit: lamportsPerSecond * BigInt(durationSecs),
    durationSecs,
    image: options.image ?? IMAGE,
    resources: options.resources ?? SMALL,
    expiresAt: options.expiresAt ?? Date.now() + 120_000,
    nonce: randomBytes(16),
  };
  return signQuote(terms, host.secretKey).quote;
}

export interface OpenOptions {
  hostOperator?: PublicKey;
  rate?: bigint;
  durationSecs?: bigint;
  termsHash?: Uint8Array;
}

/** The renter opens a lease on-chain with the quote's terms (or the overrides a dishonest renter picks). */
export async function openLeaseFor(renter: DecloudChain, quote: Quote, hostOperator: PublicKey, options: OpenOptions = {}): Promise<PublicKey> {
  const { lease } = await renter.openLease({
    hostOperator: options.hostOperator ?? hostOperator,
    rate: options.rate ?? quote.lamportsPerSecond,
    durationSecs: options.durationSecs ?? BigInt(quote.durationSecs),
    termsHash: options.termsHash ?? quote.termsHash,
  });
  return lease;
}

/**
 * Waits for the next blockhash: a transaction identical to one sent under the current
 * blockhash (same instruction, same signer) is the same transaction, refused as already processed.
 */
export async function nextBlockhash(connection: Connection): Promise<void> {
  const { blockhash } = await connection.getLatestBlockhash();
  await waitFor('a new blockhash', async () => ((await connection.getLatestBlockhash()).blockhash !== blockhash ? true : undefined));
}

export function receiptBy(renter: Keypair, lease: PublicKey, until: bigint): Receipt {
  return { lease, until, signature: signProof(renter.secretKey, renter.publicKey, receiptMessage(lease, until)).signature };
}

export const nowSecs = (): bigint => BigInt(Math.floor(Date.now() / 1000));

/** Waits until the wall clock (which the local chain follows) has passed unix second `secs`. */
export async function waitUntilSecs(secs: bigint): Promise<void> {
  const waitMs = Number(secs + 1n) * 1000 - Date.now();
  if (waitMs > 0) await sleep(waitMs);
}

export function connectRuntime(extraImages: string[] = []): Promise<DockerRuntime> {
  return DockerRuntime.connect({ allowedImages: [IMAGE, ...extraImages], logger: silentLog });
}

export async function containersOf(runtime: DockerRuntime, lease: PublicKey | string): Promise<Awaited<ReturnType<DockerRuntime['listByLabel']>>> {
  return runtime.listByLabel({ [LABELS.lease]: typeof lease === 'string' ? lease : lease.toBase58() });
}

/** Removes every container of the given renters (test cleanup). */
export async function removeRenterContainers(runtime: DockerRuntime, renters: PublicKey[]): Promise<void> {
  for (const renter of renters) {
    for (const { handle } of await runtime.listByLabel({ [LABELS.renter]: renter.toBase58() })) await runtime.remove(handle);
  }
}

export async function tempDir(name: string): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `decloud-${name}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}
