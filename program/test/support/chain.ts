/**
 * A litesvm chain running the real program/deploy/decloud.so, deployed through the
 * upgradeable loader with a named upgrade authority, and its config initialized by that
 * authority, for the program's tests. One `payer` pays every transaction fee, so every other
 * account's balance moves by exactly what the program (or the System Program) moved.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as assert from 'uvu/assert';
import anchor from '@coral-xyz/anchor';
import type { Idl, Program as AnchorProgram } from '@coral-xyz/anchor';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import type { TransactionMetadata } from 'litesvm';
import { Connection, Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction } from '@solana/web3.js';
import type { TransactionInstruction } from '@solana/web3.js';
import type { Decloud } from '@decloud/sdk/chain/idl';
import { accountSize } from './layout.js';

// Anchor is CommonJS: under Node's ESM loader only its default export carries every name.
const { AnchorProvider, BN, Program, Wallet } = anchor;

export type DecloudProgram = AnchorProgram<Decloud>;
export const SOL = BigInt(LAMPORTS_PER_SOL);
/** The program under test: the committed build, or another one (`DECLOUD_PROGRAM_SO` names a mutant or a local build). */
export const PROGRAM_SO = process.env.DECLOUD_PROGRAM_SO ?? fileURLToPath(new URL('../../deploy/decloud.so', import.meta.url));
const IDL_JSON = fileURLToPath(new URL('../../idl/decloud.json', import.meta.url));
/** The committed IDL (the contract), typed by the SDK's generated copy of it. */
export const IDL = JSON.parse(readFileSync(IDL_JSON, 'utf8')) as Decloud;
export const PROGRAM_ID = new PublicKey(IDL.address);

export const UPGRADEABLE_LOADER = new PublicKey('BPFLoaderUpgradeab1e11111111111111111111111');
/** The ProgramData account of an upgradeable program: `[program id]` under the upgradeable loader. */
export const programDataAddress = (programId = PROGRAM_ID) =>
  PublicKey.findProgramAddressSync([programId.toBuffer()], UPGRADEABLE_LOADER)[0];
export const PROGRAM_DATA = programDataAddress();
/** ProgramData: u32 LE 3 | u64 slot | u8 option (1 = Some) | authority 32 | ELF. */
export const PROGRAM_DATA_HEADER = 4 + 8 + 1 + 32;

export const CONFIG = PublicKey.findProgramAddressSync([Buffer.from('config')], PROGRAM_ID)[0];
export const REWARD_POOL = PublicKey.findProgramAddressSync([Buffer.from('reward_pool')], PROGRAM_ID)[0];
/** Account sizes, from the IDL's types (support/layout.ts). */
export const CONFIG_LEN = BigInt(accountSize(IDL as unknown as Idl, 'Config'));
export const HOST_LEN = BigInt(accountSize(IDL as unknown as Idl, 'Host'));
export const LEASE_LEN = BigInt(accountSize(IDL as unknown as Idl, 'Lease'));
export const REWARD_POOL_LEN = BigInt(accountSize(IDL as unknown as Idl, 'RewardPool'));

/** The config's parameters (the witnesses are the test chain's own). */
export interface ConfigParams {
  feeBps: number;
  minHostStake: bigint;
  proofEpochSecs: bigint;
  graceEpochs: number;
  slashBps: number;
  rewardBps: number;
  epochReward: bigint;
  jailSecs: bigint;
}

export const DEFAULT_PARAMS: ConfigParams = {
  feeBps: 250,
  minHostStake: 2n * SOL,
  proofEpochSecs: 600n,
  graceEpochs: 3,
  slashBps: 1_000,
  rewardBps: 40,
  epochReward: SOL / 100n,
  jailSecs: 86_400n,
};

/** The program's bounds on the parameters (the spec's ranges). */
export const LIMITS = { maxBps: 10_000, minGraceEpochs: 2, maxGraceEpochs: 32, maxProofEpochSecs: 604_800n, maxJailSecs: 315_360_000n, maxWitnesses: 4 };

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

/**
 * Deploys `elf` at `programId` through the upgradeable loader with `authority` as its upgrade
 * authority. litesvm 0.8's addProgram already deploys through that loader (program account
 * `u32 2 | programdata address`, ProgramData `u32 3 | slot 0 | None | 32 zero bytes | ELF`);
 * this checks that shape and writes the authority into the ProgramData header.
 */
export function deployUpgradeable(svm: LiteSVM, programId: PublicKey, elf: Uint8Array, authority: PublicKey | null): void {
  svm.addProgram(programId, elf);
  const programData = programDataAddress(programId);
  const program = svm.getAccount(programId);
  const expected = Buffer.concat([Buffer.from([2, 0, 0, 0]), programData.toBuffer()]);
  if (!program?.owner.equals(UPGRADEABLE_LOADER) || !program.executable || !Buffer.from(program.data).equals(expected)) {
    throw new Error('litesvm no longer deploys through the upgradeable loader: build the program and ProgramData accounts here');
  }
  setUpgradeAuthority(svm, programId, authority);
}

/** Rewrites the upgrade authority in the program's ProgramData header (None for null). */
export function setUpgradeAuthority(svm: LiteSVM, programId: PublicKey, authority: PublicKey | null): void {
  const address = programDataAddress(programId);
  const account = svm.getAccount(address);
  if (!account?.owner.equals(UPGRADEABLE_LOADER) || Buffer.from(account.data).readUInt32LE(0) !== 3) {
    throw new Error(`${address.toBase58()} is not a ProgramData account`);
  }
  const data = Buffer.from(account.data);
  data.writeUInt8(authority ? 1 : 0, 12);
  (authority ?? PublicKey.default).toBuffer().copy(data, 13);
  svm.setAccount(address, { ...account, data });
}

export class TestChain {
  readonly svm = new LiteSVM();
  readonly payer = Keypair.generate();
  /** The program's upgrade authority, which initializes (and so is) the config authority. */
  readonly authority = Keypair.generate();
  readonly witnesses = [Keypair.generate(), Keypair.generate()];
  readonly program: DecloudProgram;
  /** The outcome of `initialize` (for compute unit figures). */
  initialized: Outcome | undefined;

  private constructor(readonly params: ConfigParams) {
    deployUpgradeable(this.svm, PROGRAM_ID, readFileSync(PROGRAM_SO), this.authority.publicKey);
    this.svm.airdrop(this.payer.publicKey, 1_000n * SOL);
    this.svm.airdrop(this.authority.publicKey, 10n * SOL);
    // The connection is never used: tests only build instructions with anchor.
    const provider = new AnchorProvider(new Connection('http://127.0.0.1:1'), new Wallet(this.payer), {});
    this.program = new Program<Decloud>(IDL, provider);
    this.warp(T0);
  }

  /** The program deployed (upgrade authority `authority`), its config not initialized yet. */
  static deployed(params: Partial<ConfigParams> = {}): TestChain {
    return new TestChain({ ...DEFAULT_PARAMS, ...params });
  }

  /** A chain with the program's config initialized with `params` by the upgrade authority. */
  static async create(params: Partial<ConfigParams> = {}): Promise<TestChain> {
    const chain = TestChain.deployed(params);
    chain.initialized = expectOk(chain.send([await chain.initializeInstruction()], [chain.authority]));
    return chain;
  }

  /** initialize with the chain's parameters and witnesses (or `params` and `accounts` changed). */
  initializeInstruction(
    params: Partial<ConfigParams & { witnesses: PublicKey[] }> = {},
    accounts: Partial<Record<'authority' | 'config' | 'rewardPool' | 'programData' | 'systemProgram', PublicKey>> = {},
  ): Promise<TransactionInstruction> {
    const p = { ...this.params, witnesses: this.witnesses.map((w) => w.publicKey), ...params };
    return this.program.methods
      .initialize(bn(p.proofEpochSecs), p.feeBps, bn(p.minHostStake), p.graceEpochs, p.slashBps, p.rewardBps, bn(p.epochReward), bn(p.jailSecs), p.witnesses)
      .accountsPartial({
        authority: this.authority.publicKey, config: CONFIG, rewardPool: REWARD_POOL, programData: PROGRAM_DATA, systemProgram: SystemProgram.programId, ...accounts,
      })
      .instruction();
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

  /** The proof epoch the clock is in. */
  epoch(): bigint {
    return this.now() / this.params.proofEpochSecs;
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
    return this.rejectsWithOneOf(instructions, signers, [name], watched);
  }

  /** As `rejects`, for a refusal the spec allows under several names (e.g. OwnerCannotReceive or NotWritable). */
  rejectsWithOneOf(instructions: TransactionInstruction[], signers: Keypair[], names: ErrorName[], watched: PublicKey[]): Outcome {
    const before = this.snapshot(watched);
    const outcome = this.send(instructions, signers);
    expectOneOf(outcome, names);
    this.assertUnchanged(before);
    return outcome;
  }

  /** Sends a transaction that must fail, with whatever error, and proves it changed none of `watched`. */
  refuses(instructions: TransactionInstruction[], signers: Keypair[], watched: PublicKey[]): Outcome {
    const before = this.snapshot(watched);
    const outcome = this.send(instructions, signers);
    assert.not.ok(outcome.ok, `expected a refusal, but the transaction succeeded:\n${outcome.logs.join('\n')}`);
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
  if (!account || (account.lamports === 0 && account.data.length === 0)) return 'missing';
  return `${account.lamports} ${account.owner.toBase58()} ${account.executable} ${Buffer.from(account.data).toString('hex')}`;
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
const ERROR_NAMES = new Map<number, string>(IDL.errors.map((e) => [e.code, e.name]));
/** The IDL's error names (the SDK's typed IDL camelCases them). */
export type ErrorName = Capitalize<Decloud['errors'][number]['name']>;

/** The program error's name of a failed outcome, or the transaction error text. */
export const errorOf = (outcome: Outcome) => (outcome.code !== undefined ? ERROR_NAMES.get(outcome.code) ?? `custom ${outcome.code}` : outcome.err ?? 'ok');

/** Asserts the program failed with its custom error `name`: the number in the result, name and number in the logs. */
export function expectError(outcome: Outcome, name: ErrorName): void {
  expectOneOf(outcome, [name]);
}

export function expectOneOf(outcome: Outcome, names: ErrorName[]): void {
  const what = names.join(' or ');
  assert.not.ok(outcome.ok, `expected ${what}, but the transaction succeeded:\n${outcome.logs.join('\n')}`);
  const name = names.find((n) => ERROR_NUMBERS.get(n) === outcome.code);
  assert.ok(name, `expected ${what}, got ${errorOf(outcome)} (${outcome.err}):\n${outcome.logs.join('\n')}`);
  const code = ERROR_NUMBERS.get(name);
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
