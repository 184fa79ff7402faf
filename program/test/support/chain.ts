/**
 * A litesvm chain running the real program/deploy/decloud.so with an initialized config,
 * for the program's tests. One `payer` pays every transaction fee, so every other
 * account's balance moves by exactly what the program (or the System Program) moved.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import anchor from '@coral-xyz/anchor';
import type { Program as AnchorProgram } from '@coral-xyz/anchor';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import type { TransactionMetadata } from 'litesvm';
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import type { TransactionInstruction } from '@solana/web3.js';
import type { InitializeParams } from '@decloud/sdk/chain/client';
import type { Decloud } from '@decloud/sdk/chain/idl';

// Anchor is CommonJS: under Node's ESM loader only its default export carries every name.
const { AnchorProvider, BN, Program, Wallet } = anchor;

export type DecloudProgram = AnchorProgram<Decloud>;
export const SOL = BigInt(LAMPORTS_PER_SOL);
export const PROGRAM_ID = new PublicKey('8zfMLQeWjnFyfqzLuGkdQopCVoZdmsyfGL2ama1PiDGt');
/** The program under test: the committed build, or another one (`npm run mutants:program` runs mutants). */
export const PROGRAM_SO = process.env.DECLOUD_PROGRAM_SO ?? fileURLToPath(new URL('../../deploy/decloud.so', import.meta.url));
const IDL_JSON = fileURLToPath(new URL('../../idl/decloud.json', import.meta.url));
/** The committed IDL (the contract), typed by the SDK's generated copy of it. */
export const IDL = JSON.parse(readFileSync(IDL_JSON, 'utf8')) as Decloud;

export const CONFIG = PublicKey.findProgramAddressSync([Buffer.from('config')], PROGRAM_ID)[0];
export const REWARD_POOL = PublicKey.findProgramAddressSync([Buffer.from('reward_pool')], PROGRAM_ID)[0];
export const HOST_LEN = 276n;
export const LEASE_LEN = 178n;
export const REWARD_POOL_LEN = 33n;

/** The config's parameters (the witnesses are the test chain's own). */
export type ConfigParams = Omit<InitializeParams, 'witnesses'>;

export const DEFAULT_PARAMS: ConfigParams = {
  feeBps: 250,
  minHostStake: 2n * SOL,
  proofEpochSecs: 600n,
  graceEpochs: 3,
  slashBps: 1_000,
  rewardBps: 40,
};

/** Where the clock starts: a multiple of the default epoch length (epoch 2_833_334). */
export const T0 = 1_700_000_400n;

export interface Outcome {
  ok: boolean;
  logs: string[];
  /** Compute units DeCloud's instruction used (the last one, when several ran). */
  cu: number;
  /** The transaction error as text, when it failed. */
  err?: string;
  /** The custom error number, when an instruction failed with one. */
  code?: number;
}

export const bn = (n: bigint | number) => new BN(n.toString());

export class TestChain {
  readonly svm = new LiteSVM();
  readonly payer = Keypair.generate();
  readonly authority = Keypair.generate();
  readonly witnesses = [Keypair.generate(), Keypair.generate()];
  readonly program: DecloudProgram;
  /** The outcome of `initialize` (for compute unit figures). */
  initialized: Outcome | undefined;

  private constructor(readonly params: ConfigParams) {
    this.svm.addProgram(PROGRAM_ID, readFileSync(PROGRAM_SO));
    this.svm.airdrop(this.payer.publicKey, 1_000n * SOL);
    this.svm.airdrop(this.authority.publicKey, 10n * SOL);
    // The connection is never used: tests only build instructions with anchor.
    const provider = new AnchorProvider(new Connection('http://127.0.0.1:1'), new Wallet(this.payer), {});
    this.program = new Program<Decloud>(IDL, provider);
    this.warp(T0);
  }

  /** A chain with the program's config initialized with `params`. */
  static async create(params: Partial<ConfigParams> = {}): Promise<TestChain> {
    const chain = new TestChain({ ...DEFAULT_PARAMS, ...params });
    const p = chain.params;
    const ix = await chain.program.methods
      .initialize(p.feeBps, bn(p.minHostStake), bn(p.proofEpochSecs), p.graceEpochs, p.slashBps, p.rewardBps, chain.witnesses.map((w) => w.publicKey))
      .accountsPartial({ authority: chain.authority.publicKey, config: CONFIG, rewardPool: REWARD_POOL, systemProgram: SystemProgram.programId })
      .instruction();
    chain.initialized = expectOk(chain.send([ix], [chain.authority]));
    return chain;
  }

  /** A new keypair holding `sol` SOL. */
  wallet(sol = 100n): Keypair {
    const keypair = Keypair.generate();
    this.svm.airdrop(keypair.publicKey, sol * SOL);
    return keypair;
  }

  /** Sends `instructions` in one transaction; the chain's payer pays the fee. */
  send(instructions: TransactionInstruction[], signers: Keypair[] = []): Outcome {
    const tx = new Transaction().add(...instructions);
    tx.recentBlockhash = this.svm.latestBlockhash();
    tx.feePayer = this.payer.publicKey;
    tx.sign(this.payer, ...signers);
    const result = this.svm.sendTransaction(tx);
    this.svm.expireBlockhash();
    return outcomeOf(result);
  }

  now(): bigint {
    return this.svm.getClock().unixTimestamp;
  }

  warp(unixTimestamp: bigint): void {
    const clock = this.svm.getClock();
    clock.unixTimestamp = unixTimestamp;
    this.svm.setClock(clock);
  }

  advance(secs: bigint): void {
    this.warp(this.now() + secs);
  }

  balance(address: PublicKey): bigint {
    return this.svm.getBalance(address) ?? 0n;
  }

  rent(dataLen: bigint): bigint {
    return this.svm.minimumBalanceForRentExemption(dataLen);
  }

  /** Every field of each account, to prove later that a rejected transaction changed nothing. */
  snapshot(addresses: PublicKey[]): Snapshot {
    return new Map(addresses.map((a) => [a.toBase58(), accountText(this.svm, a)]));
  }

  assertUnchanged(before: Snapshot): void {
    for (const [address, text] of before) {
      assert.is(accountText(this.svm, new PublicKey(address)), text, `account ${address} must not change`);
    }
  }

  /** Sends a transaction that must fail with the program's error `name`, and proves it changed none of `watched`. */
  rejects(instructions: TransactionInstruction[], signers: Keypair[], name: ErrorName, watched: PublicKey[]): Outcome {
    const before = this.snapshot(watched);
    const outcome = this.send(instructions, signers);
    expectError(outcome, name);
    this.assertUnchanged(before);
    return outcome;
  }

  /** As `rejects`, for a failure with one of Solana's built-in errors (`IncorrectProgramId`, ...). */
  failsWith(instructions: TransactionInstruction[], signers: Keypair[], solanaError: string, watched: PublicKey[]): Outcome {
    const before = this.snapshot(watched);
    const outcome = this.send(instructions, signers);
    expectSolanaError(outcome, solanaError);
    this.assertUnchanged(before);
    return outcome;
  }

  /** A byte-for-byte copy of the account at `address`, at a new address, owned by `owner`. */
  copyAccount(address: PublicKey, owner: PublicKey): PublicKey {
    const account = this.svm.getAccount(address);
    if (!account) throw new Error(`copyAccount: ${address.toBase58()} does not exist`);
    const copy = Keypair.generate().publicKey;
    this.svm.setAccount(copy, { ...account, owner });
    return copy;
  }
}

export type Snapshot = Map<string, string>;

function accountText(svm: LiteSVM, address: PublicKey): string {
  const account = svm.getAccount(address);
  if (!account) return 'missing';
  return `${account.lamports} ${account.owner.toBase58()} ${Buffer.from(account.data).toString('hex')}`;
}

const CONSUMED = new RegExp(`^Program ${PROGRAM_ID.toBase58()} consumed (\\d+) of \\d+ compute units$`);

function outcomeOf(result: TransactionMetadata | FailedTransactionMetadata): Outcome {
  const meta = result instanceof FailedTransactionMetadata ? result.meta() : result;
  const logs = meta.logs();
  const consumed = logs.map((l) => CONSUMED.exec(l)?.[1]).filter((n): n is string => n !== undefined);
  const cu = Number(consumed.at(-1) ?? 0);
  if (!(result instanceof FailedTransactionMetadata)) return { ok: true, logs, cu };
  const error = result.err();
  const inner = typeof error === 'object' && 'err' in error ? error.err() : undefined;
  const code = typeof inner === 'object' && inner !== null && 'code' in inner ? inner.code : undefined;
  return { ok: false, logs, cu, err: error.toString(), code };
}

export function expectOk(outcome: Outcome): Outcome {
  assert.ok(outcome.ok, `transaction failed: ${outcome.err}\n${outcome.logs.join('\n')}`);
  return outcome;
}

const ERROR_NUMBERS = new Map<string, number>(IDL.errors.map((e) => [e.name, e.code]));
/** The IDL's error names (the SDK's typed IDL camelCases them). */
export type ErrorName = Capitalize<Decloud['errors'][number]['name']>;

/** Asserts the program failed with its custom error `name`: the number in the result, name and number in the logs. */
export function expectError(outcome: Outcome, name: ErrorName): void {
  const code = ERROR_NUMBERS.get(name);
  assert.not.ok(outcome.ok, `expected ${name}, but the transaction succeeded:\n${outcome.logs.join('\n')}`);
  assert.is(outcome.code, code, `expected ${name} (${code}), got ${outcome.err}:\n${outcome.logs.join('\n')}`);
  const line = outcome.logs.find((l) => l.startsWith('Program log: AnchorError occurred.'));
  assert.ok(line?.includes(`Error Code: ${name}. Error Number: ${code}.`), `log names ${name}:\n${outcome.logs.join('\n')}`);
}

/** Asserts a failure with one of Solana's built-in errors (`IncorrectProgramId`, ...), named in the result. */
export function expectSolanaError(outcome: Outcome, name: string): void {
  assert.not.ok(outcome.ok, `expected ${name}, but the transaction succeeded`);
  assert.match(outcome.err ?? '', name, `expected ${name}, got ${outcome.err}`);
}

/** Compute units per instruction the design requires (deterministic, so tests hold them). */
export const CU_BUDGET = { open_lease: 8_000, post_proof: 6_000, settle_lease: 4_000, close_lease: 5_000 } as const;

/** Prints the compute units of a successful instruction, and holds it to its budget if it has one. */
export function reportCu(what: string, outcome: Outcome, budget?: number): void {
  console.log(`  CU ${what}: ${outcome.cu}${budget ? ` (budget ${budget})` : ''}`);
  assert.ok(outcome.cu > 0, `${what}: compute units found in the logs`);
  if (budget !== undefined) assert.ok(outcome.cu <= budget, `${what} used ${outcome.cu} CU, budget ${budget}`);
}
