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
import anchor from '@coral-xyz/anchor';
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SYSVAR_INSTRUCTIONS_PUBKEY, SystemProgram } from '@solana/web3.js';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { startLocalChain } from '@decloud/bootstrap/src/chain/index.js';
import type { LocalChain } from '@decloud/bootstrap/src/chain/index.js';
import { decloudProgram, defaultGenesis, initializeDecloud } from '@decloud/bootstrap/src/chain/decloud-genesis.js';
import type { DecloudGenesis } from '@decloud/bootstrap/src/chain/decloud-genesis.js';
import {
  DecloudChain, attestationMessage, heartbeatMessage, newLeaseId, proofVerifyInstruction, receiptMessage, signProof, termsMessage,
} from '@decloud/sdk/chain/index';
import type { LeaseTerms } from '@decloud/sdk/chain/index';
import { leaseTermsOf, signQuote } from '@decloud/sdk/quotes/index';
import type { Quote, QuoteTerms } from '@decloud/sdk/quotes/index';
import type { ResourceRequest } from '@decloud/sdk/offers/types';
import { DockerRuntime, LABELS } from '../../src/runtime/index.js';
import type { Attestation, Receipt } from '../../src/prover/index.js';
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

/** The program's smallest grace: a penalty needs more than two witness-alive unproven epochs. */
export const GRACE_EPOCHS = 2;

export async function startWorld(overrides: Partial<DecloudGenesis> = {}): Promise<World> {
  const witness = Keypair.generate();
  const genesis: DecloudGenesis = {
    ...defaultGenesis, proofEpochSecs: EPOCH_SECS, graceEpochs: GRACE_EPOCHS, witnesses: [witness.publicKey], rewardFund: 50n * SOL, ...overrides,
  };
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
  /** default a fresh one (newLeaseId) */
  leaseId?: bigint;
  /** the renter's session key for the lease; default none */
  delegate?: PublicKey;
}

/** The host's signature of each quote made here (what the quote protocol sends with it), by terms hash. */
const quoteSignatures = new Map<string, Uint8Array>();

/** Terms the host signs for `renter` (what the quote protocol would answer). */
export function quoteFor(host: Keypair, renter: PublicKey, options: QuoteOptions = {}): Quote {
  const lamportsPerSecond = options.lamportsPerSecond ?? 1_000n;
  const durationSecs = options.durationSecs ?? 120;
  const terms: QuoteTerms = {
    version: 1,
    host: host.publicKey.toBase58(),
    renter: renter.toBase58(),
    leaseId: options.leaseId ?? newLeaseId(renter),
    delegate: (options.delegate ?? PublicKey.default).toBase58(),
    lamportsPerSecond,
    deposit: lamportsPerSecond * BigInt(durationSecs),
    durationSecs,
    image: options.image ?? IMAGE,
    resources: options.resources ?? SMALL,
    expiresAt: options.expiresAt ?? Date.now() + 120_000,
    nonce: randomBytes(16),
  };
  const signed = signQuote(terms, host.secretKey);
  quoteSignatures.set(Buffer.from(signed.quote.termsHash).toString('hex'), signed.signature);
  return signed.quote;
}

/** Terms other than the quote's a renter may try, and who signs them (default: the quote's own signature, so the program refuses them). */
export type OpenOptions = Partial<Omit<LeaseTerms, 'renter'>> & { signWith?: Keypair };

/**
 * The renter opens a lease on-chain with the quote's terms and the host's signature over them;
 * `options` changes terms and signs them with `signWith`: the host's key (a host whose store
 * holds another quote), or another key (a dishonest renter: its own Ed25519 instruction goes
 * straight to the program, which refuses it with TermsNotSigned).
 */
export async function openLeaseFor(renter: DecloudChain, quote: Quote, hostOperator: PublicKey, options: OpenOptions = {}): Promise<PublicKey> {
  const { signWith, ...changes } = options;
  const terms = { ...leaseTermsOf(quote), hostOperator, ...changes, renter: renter.wallet };
  if (signWith && !signWith.publicKey.equals(terms.hostOperator)) return openLeaseSignedBy(renter, terms, signWith);
  const hostSignature = signWith
    ? signProof(signWith.secretKey, signWith.publicKey, termsMessage(terms)).signature
    : quoteSignatures.get(Buffer.from(quote.termsHash).toString('hex'));
  if (!hostSignature) throw new Error('openLeaseFor: a quote made by quoteFor (its signature is kept there)');
  const { lease } = await renter.openLease({ ...terms, hostSignature });
  return lease;
}

/** open_lease after an Ed25519 instruction by `signer` (not the host operator), as the SDK would never send it. */
async function openLeaseSignedBy(renter: DecloudChain, terms: LeaseTerms, signer: Keypair): Promise<PublicKey> {
  const lease = renter.leaseAddress(renter.wallet, terms.leaseId);
  const bn = (n: bigint) => new anchor.BN(n.toString());
  const ix = await renter.program.methods
    .openLease(bn(terms.leaseId), bn(terms.rate), bn(terms.durationSecs), bn(terms.quoteExpiresAt), terms.delegate, Array.from(terms.termsHash))
    .accountsPartial({
      renter: renter.wallet, config: renter.config, host: renter.hostAddress(terms.hostOperator), lease,
      systemProgram: SystemProgram.programId, instructions: SYSVAR_INSTRUCTIONS_PUBKEY,
    })
    .instruction();
  await renter.send([proofVerifyInstruction(signProof(signer.secretKey, signer.publicKey, termsMessage(terms))), ix]);
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

/**
 * Posts the world's witness heartbeat for each ended `epochs` (the evidence a penalty needs
 * that the witnesses were alive), from the witness key, funded on first use.
 */
export async function heartbeats(world: World, epochs: bigint[]): Promise<void> {
  const chain = clientOf(world.connection, world.witness);
  if ((await balanceOf(world.connection, world.witness.publicKey)) < SOL / 10n) {
    await world.connection.confirmTransaction(await world.connection.requestAirdrop(world.witness.publicKey, Number(SOL)), 'confirmed');
  }
  for (const epoch of epochs) await chain.postHeartbeat(epoch, signProof(world.witness.secretKey, world.witness.publicKey, heartbeatMessage(epoch)));
}

/** Epochs `from` to `to`, both included. */
export function epochRange(from: bigint, to: bigint): bigint[] {
  const out: bigint[] = [];
  for (let e = from; e <= to; e++) out.push(e);
  return out;
}

/** The witness's attestation of `lease` of `operator`'s host in `epoch`. */
export function attestationBy(witness: Keypair, operator: PublicKey, lease: PublicKey, epoch: bigint): Attestation {
  return { lease, epoch, witness: witness.publicKey, signature: signProof(witness.secretKey, witness.publicKey, attestationMessage(operator, lease, epoch)).signature };
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
