/**
 * `initialize` against the real program: program/deploy/decloud.so (built by
 * `npm run build:program`) deployed through the upgradeable loader with a named upgrade
 * authority and executed by litesvm's sBPF runtime. Instructions are built by hand
 * (discriminator + borsh) and accounts decoded with the documented layout, so the test
 * checks the bytes, not a shared codec.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import anchor from '@coral-xyz/anchor';
import type { Idl } from '@coral-xyz/anchor';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import type { TransactionMetadata } from 'litesvm';
import { Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction, TransactionInstruction } from '@solana/web3.js';
import type { AccountMeta } from '@solana/web3.js';
import { CONFIG_LEN, IDL, PROGRAM_DATA, PROGRAM_ID, PROGRAM_SO, REWARD_POOL_LEN, deployUpgradeable, setUpgradeAuthority } from './support/chain.js';
import type { ConfigParams } from './support/chain.js';

// Anchor is CommonJS: under Node's ESM loader only its default export carries every name.
const { BN, BorshAccountsCoder, BorshInstructionCoder } = anchor;

const TX_FEE = 5000n;
const SOL = BigInt(LAMPORTS_PER_SOL);

const [CONFIG, CONFIG_BUMP] = PublicKey.findProgramAddressSync([Buffer.from('config')], PROGRAM_ID);
const [REWARD_POOL, POOL_BUMP] = PublicKey.findProgramAddressSync([Buffer.from('reward_pool')], PROGRAM_ID);

const discriminator = (preimage: string) => createHash('sha256').update(preimage).digest().subarray(0, 8);

type InitializeArgs = ConfigParams & { witnesses: PublicKey[] };

const WITNESSES = [Keypair.generate().publicKey, Keypair.generate().publicKey];
const GOOD_ARGS: InitializeArgs = {
  feeBps: 250,
  minHostStake: 2n * SOL,
  proofEpochSecs: 3600n,
  graceEpochs: 3,
  slashBps: 1_000,
  rewardBps: 40,
  epochReward: SOL / 100n,
  jailSecs: 86_400n,
  witnesses: WITNESSES,
};

/** Anchor's instruction data: discriminator, then the borsh arguments in the IDL's order. */
function encodeInitialize(args: InitializeArgs): Buffer {
  const fixed = Buffer.alloc(8 + 2 + 8 + 4 + 2 + 2 + 8 + 8 + 4);
  let at = fixed.writeBigUInt64LE(args.proofEpochSecs, 0);
  at = fixed.writeUInt16LE(args.feeBps, at);
  at = fixed.writeBigUInt64LE(args.minHostStake, at);
  at = fixed.writeUInt32LE(args.graceEpochs, at);
  at = fixed.writeUInt16LE(args.slashBps, at);
  at = fixed.writeUInt16LE(args.rewardBps, at);
  at = fixed.writeBigUInt64LE(args.epochReward, at);
  at = fixed.writeBigUInt64LE(args.jailSecs, at);
  fixed.writeUInt32LE(args.witnesses.length, at);
  return Buffer.concat([discriminator('global:initialize'), fixed, ...args.witnesses.map((w) => w.toBuffer())]);
}

interface Accounts {
  authority: PublicKey;
  config: PublicKey;
  rewardPool: PublicKey;
  programData: PublicKey;
  systemProgram: PublicKey;
  authoritySigns: boolean;
  configWritable: boolean;
}

function initializeInstruction(data: Buffer, accounts: Partial<Accounts> & { authority: PublicKey }): TransactionInstruction {
  const a: Accounts = {
    config: CONFIG,
    rewardPool: REWARD_POOL,
    programData: PROGRAM_DATA,
    systemProgram: SystemProgram.programId,
    authoritySigns: true,
    configWritable: true,
    ...accounts,
  };
  const keys: AccountMeta[] = [
    { pubkey: a.authority, isSigner: a.authoritySigns, isWritable: true },
    { pubkey: a.config, isSigner: false, isWritable: a.configWritable },
    { pubkey: a.rewardPool, isSigner: false, isWritable: true },
    { pubkey: a.programData, isSigner: false, isWritable: false },
    { pubkey: a.systemProgram, isSigner: false, isWritable: false },
  ];
  return new TransactionInstruction({ programId: PROGRAM_ID, keys, data });
}

interface Chain {
  svm: LiteSVM;
  /** the program's upgrade authority */
  authority: Keypair;
}

function newChain(): Chain {
  const svm = new LiteSVM();
  const authority = Keypair.generate();
  deployUpgradeable(svm, PROGRAM_ID, readFileSync(PROGRAM_SO), authority.publicKey);
  svm.airdrop(authority.publicKey, 10n * SOL);
  return { svm, authority };
}

function send(svm: LiteSVM, instruction: TransactionInstruction, signers: Keypair[]): TransactionMetadata | FailedTransactionMetadata {
  const [payer] = signers;
  if (!payer) throw new Error('send needs a fee payer');
  const tx = new Transaction().add(instruction);
  tx.recentBlockhash = svm.latestBlockhash();
  tx.feePayer = payer.publicKey;
  tx.sign(...signers);
  const result = svm.sendTransaction(tx);
  svm.expireBlockhash();
  return result;
}

function expectSuccess(result: TransactionMetadata | FailedTransactionMetadata): TransactionMetadata {
  if (result instanceof FailedTransactionMetadata) {
    assert.unreachable(`transaction failed: ${result.err().toString()}\n${result.meta().logs().join('\n')}`);
    throw new Error('unreachable');
  }
  return result;
}

function expectFailure(result: TransactionMetadata | FailedTransactionMetadata): { error: string; code?: number; logs: string[] } {
  if (!(result instanceof FailedTransactionMetadata)) {
    assert.unreachable(`transaction succeeded:\n${result.logs().join('\n')}`);
    throw new Error('unreachable');
  }
  const error = result.err();
  const inner = typeof error === 'object' && 'err' in error ? error.err() : undefined;
  const code = typeof inner === 'object' && 'code' in inner ? inner.code : undefined;
  return { error: error.toString(), code, logs: result.meta().logs() };
}

const ERRORS = new Map<string, number>(IDL.errors.map((e) => [e.name, e.code]));

/** Asserts the program's custom error (one of `names`): number in the result, name and number in the logs. */
function expectProgramError(result: TransactionMetadata | FailedTransactionMetadata, ...names: string[]): string[] {
  const failure = expectFailure(result);
  const name = names.find((n) => ERRORS.get(n) === failure.code);
  assert.ok(name, `expected ${names.join(' or ')}, got ${failure.error}:\n${failure.logs.join('\n')}`);
  const line = failure.logs.find((l) => l.startsWith('Program log: AnchorError occurred.'));
  assert.ok(line?.includes(`Error Code: ${name}. Error Number: ${ERRORS.get(name)}.`), `log names ${name}:\n${failure.logs.join('\n')}`);
  return failure.logs;
}

function expectNothingCreated(svm: LiteSVM): void {
  assert.is(svm.getAccount(CONFIG), null, 'config must not exist');
  assert.is(svm.getAccount(REWARD_POOL), null, 'reward pool must not exist');
}

/** Reads the Config account sequentially, the way borsh lays it out. */
function decodeConfig(data: Uint8Array) {
  const buf = Buffer.from(data);
  let at = 8;
  const pubkey = () => new PublicKey(buf.subarray(at, (at += 32)));
  const u8 = () => buf.readUInt8((at += 1) - 1);
  const u16 = () => buf.readUInt16LE((at += 2) - 2);
  const u32 = () => buf.readUInt32LE((at += 4) - 4);
  const u64 = () => buf.readBigUInt64LE((at += 8) - 8);
  const i64 = () => buf.readBigInt64LE((at += 8) - 8);
  return {
    discriminator: buf.subarray(0, 8),
    authority: pubkey(),
    feeBps: u16(),
    minHostStake: u64(),
    proofEpochSecs: u64(),
    graceEpochs: u32(),
    slashBps: u16(),
    rewardBps: u16(),
    epochReward: u64(),
    jailSecs: u64(),
    witnessCount: u8(),
    witnesses: [pubkey(), pubkey(), pubkey(), pubkey()],
    nextWitnessCount: u8(),
    nextWitnesses: [pubkey(), pubkey(), pubkey(), pubkey()],
    nextWitnessesAt: i64(),
    rewardPool: pubkey(),
    bump: u8(),
    poolBump: u8(),
    reserved: buf.subarray(at),
  };
}

test('initialize by the upgrade authority creates the config and the reward pool with every field', () => {
  const { svm, authority } = newChain();
  const before = svm.getBalance(authority.publicKey) ?? 0n;
  const result = expectSuccess(send(svm, initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: authority.publicKey }), [authority]));
  console.log(`initialize: ${result.computeUnitsConsumed()} compute units`);

  const account = svm.getAccount(CONFIG);
  assert.ok(account, 'config exists');
  assert.ok(account.owner.equals(PROGRAM_ID), 'config is owned by the program');
  assert.is(BigInt(account.data.length), CONFIG_LEN);
  assert.is(BigInt(account.lamports), svm.minimumBalanceForRentExemption(CONFIG_LEN), 'config is exactly rent-exempt');
  const config = decodeConfig(account.data);
  assert.equal([...config.discriminator], [...discriminator('account:Config')]);
  assert.ok(config.authority.equals(authority.publicKey), 'the config authority is the upgrade authority');
  assert.is(config.feeBps, GOOD_ARGS.feeBps);
  assert.is(config.minHostStake, GOOD_ARGS.minHostStake);
  assert.is(config.proofEpochSecs, GOOD_ARGS.proofEpochSecs);
  assert.is(config.graceEpochs, GOOD_ARGS.graceEpochs);
  assert.is(config.slashBps, GOOD_ARGS.slashBps);
  assert.is(config.rewardBps, GOOD_ARGS.rewardBps);
  assert.is(config.epochReward, GOOD_ARGS.epochReward);
  assert.is(config.jailSecs, GOOD_ARGS.jailSecs);
  assert.is(config.witnessCount, 2);
  assert.equal(config.witnesses.map((w) => w.toBase58()), [...WITNESSES, PublicKey.default, PublicKey.default].map((w) => w.toBase58()));
  const pending = config.nextWitnessCount === 0
    || (config.nextWitnessCount === 2 && config.nextWitnesses.every((w, i) => w.equals(config.witnesses[i] as PublicKey)));
  assert.ok(pending, `no witness change is pending: ${config.nextWitnessCount} ${config.nextWitnesses.map((w) => w.toBase58())}`);
  assert.ok(config.rewardPool.equals(REWARD_POOL), 'reward pool address');
  assert.is(config.bump, CONFIG_BUMP);
  assert.is(config.poolBump, POOL_BUMP);
  assert.ok(config.reserved.length === 64 && config.reserved.every((b) => b === 0), 'reserved bytes are zero');

  const pool = svm.getAccount(REWARD_POOL);
  assert.ok(pool, 'reward pool exists');
  assert.ok(pool.owner.equals(PROGRAM_ID), 'reward pool is owned by the program');
  assert.is(BigInt(pool.data.length), REWARD_POOL_LEN);
  assert.is(BigInt(pool.lamports), svm.minimumBalanceForRentExemption(REWARD_POOL_LEN));
  const expectedPool = Buffer.concat([discriminator('account:RewardPool'), Buffer.alloc(Number(REWARD_POOL_LEN) - 9), Buffer.from([POOL_BUMP])]);
  assert.equal([...pool.data], [...expectedPool], 'pool: discriminator, zero totals, no epoch alive, bump');

  const rent = BigInt(account.lamports) + BigInt(pool.lamports);
  assert.is(svm.getBalance(authority.publicKey), before - rent - TX_FEE, 'the authority paid both rents and the fee');
});

test('a second initialize fails with AlreadyInitialized (6000) and changes nothing', () => {
  const { svm, authority } = newChain();
  const ix = (args: InitializeArgs, signer: PublicKey) => initializeInstruction(encodeInitialize(args), { authority: signer });
  expectSuccess(send(svm, ix(GOOD_ARGS, authority.publicKey), [authority]));
  const config = svm.getAccount(CONFIG);
  expectProgramError(send(svm, ix({ ...GOOD_ARGS, feeBps: 9 }, authority.publicKey), [authority]), 'AlreadyInitialized');
  const other = Keypair.generate();
  svm.airdrop(other.publicKey, SOL);
  expectProgramError(send(svm, ix({ ...GOOD_ARGS, feeBps: 9 }, other.publicKey), [other]), 'AlreadyInitialized', 'NotUpgradeAuthority');
  assert.equal(svm.getAccount(CONFIG)?.data, config?.data, 'config unchanged');
  assert.is(svm.getAccount(CONFIG)?.lamports, config?.lamports);
});

test('initialize by a signer that is not the upgrade authority, or while the program has none, fails with NotUpgradeAuthority (6033)', () => {
  const { svm, authority } = newChain();
  const other = Keypair.generate();
  svm.airdrop(other.publicKey, SOL);
  expectProgramError(send(svm, initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: other.publicKey }), [other]), 'NotUpgradeAuthority');
  expectNothingCreated(svm);
  setUpgradeAuthority(svm, PROGRAM_ID, null);
  expectProgramError(send(svm, initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: authority.publicKey }), [authority]), 'NotUpgradeAuthority');
  expectNothingCreated(svm);
  setUpgradeAuthority(svm, PROGRAM_ID, other.publicKey);
  expectSuccess(send(svm, initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: other.publicKey }), [other]));
  assert.ok(decodeConfig(svm.getAccount(CONFIG)?.data ?? new Uint8Array()).authority.equals(other.publicKey), 'the new upgrade authority initialized');
});

const OUT_OF_RANGE: [string, Partial<InitializeArgs>][] = [
  ['fee_bps above 10000', { feeBps: 10_001 }],
  ['slash_bps above 10000', { slashBps: 10_001 }],
  ['reward_bps above 10000', { rewardBps: 65_535 }],
  ['a zero epoch length', { proofEpochSecs: 0n }],
  ['an epoch longer than a week', { proofEpochSecs: 604_801n }],
  ['grace_epochs 0', { graceEpochs: 0 }],
  ['grace_epochs 1', { graceEpochs: 1 }],
  ['grace_epochs 33', { graceEpochs: 33 }],
  ['a zero minimum stake', { minHostStake: 0n }],
  ['a jail time above 10 years', { jailSecs: 315_360_001n }],
  ['no witness', { witnesses: [] }],
  ['five witnesses', { witnesses: Array.from({ length: 5 }, () => Keypair.generate().publicKey) }],
  ['a duplicate witness', { witnesses: [WITNESSES[0] as PublicKey, WITNESSES[0] as PublicKey] }],
];

for (const [what, change] of OUT_OF_RANGE) {
  test(`initialize rejects ${what} with InvalidArgument (6001) and creates nothing`, () => {
    const { svm, authority } = newChain();
    const before = svm.getBalance(authority.publicKey) ?? 0n;
    const ix = initializeInstruction(encodeInitialize({ ...GOOD_ARGS, ...change }), { authority: authority.publicKey });
    expectProgramError(send(svm, ix, [authority]), 'InvalidArgument');
    expectNothingCreated(svm);
    assert.is(svm.getBalance(authority.publicKey), before - TX_FEE, 'only the fee was paid');
  });
}

const AT_THE_LIMITS: [string, Partial<InitializeArgs>][] = [
  ['every bps at 10000', { feeBps: 10_000, slashBps: 10_000, rewardBps: 10_000 }],
  ['grace_epochs 2, 1 s epochs, no jail', { graceEpochs: 2, proofEpochSecs: 1n, jailSecs: 0n }],
  ['grace_epochs 32, week-long epochs, 10 years of jail', { graceEpochs: 32, proofEpochSecs: 604_800n, jailSecs: 315_360_000n }],
  ['one witness, a minimum stake of 1 lamport, no epoch reward', { witnesses: [Keypair.generate().publicKey], minHostStake: 1n, epochReward: 0n }],
  ['four witnesses', { witnesses: Array.from({ length: 4 }, () => Keypair.generate().publicKey) }],
];

for (const [what, change] of AT_THE_LIMITS) {
  test(`initialize accepts ${what}`, () => {
    const { svm, authority } = newChain();
    const args = { ...GOOD_ARGS, ...change };
    expectSuccess(send(svm, initializeInstruction(encodeInitialize(args), { authority: authority.publicKey }), [authority]));
    const config = decodeConfig(svm.getAccount(CONFIG)?.data ?? new Uint8Array());
    assert.equal(
      [config.feeBps, config.slashBps, config.rewardBps, config.graceEpochs, config.proofEpochSecs, config.jailSecs, config.minHostStake, config.epochReward, config.witnessCount],
      [args.feeBps, args.slashBps, args.rewardBps, args.graceEpochs, args.proofEpochSecs, args.jailSecs, args.minHostStake, args.epochReward, args.witnesses.length],
    );
  });
}

test('initialize rejects undecodable data with InvalidInstructionData (6008) or UnknownInstruction (6009)', () => {
  const { svm, authority } = newChain();
  const good = encodeInitialize(GOOD_ARGS);
  const cases: [Buffer, string][] = [
    [good.subarray(0, good.length - 1), 'InvalidInstructionData'],
    [Buffer.concat([good, Buffer.from([0])]), 'InvalidInstructionData'],
    [good.subarray(0, 5), 'InvalidInstructionData'],
    [Buffer.concat([discriminator('global:initialise'), good.subarray(8)]), 'UnknownInstruction'],
  ];
  for (const [data, name] of cases) {
    expectProgramError(send(svm, initializeInstruction(data, { authority: authority.publicKey }), [authority]), name);
  }
  expectNothingCreated(svm);
});

test('initialize rejects a config or pool address that is not the PDA with InvalidPda (6002)', () => {
  const { svm, authority } = newChain();
  const impostor = Keypair.generate().publicKey;
  const data = encodeInitialize(GOOD_ARGS);
  expectProgramError(send(svm, initializeInstruction(data, { authority: authority.publicKey, config: impostor }), [authority]), 'InvalidPda');
  expectProgramError(send(svm, initializeInstruction(data, { authority: authority.publicKey, rewardPool: impostor }), [authority]), 'InvalidPda');
  assert.is(svm.getAccount(impostor), null, 'nothing created at the impostor address');
  expectNothingCreated(svm);
});

test('initialize rejects a missing authority signature with MissingSigner (6003)', () => {
  const { svm, authority } = newChain();
  const payer = Keypair.generate();
  svm.airdrop(payer.publicKey, SOL);
  const ix = initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: authority.publicKey, authoritySigns: false });
  expectProgramError(send(svm, ix, [payer]), 'MissingSigner');
  expectNothingCreated(svm);
});

test('initialize rejects a read-only config with NotWritable (6004)', () => {
  const { svm, authority } = newChain();
  const ix = initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: authority.publicKey, configWritable: false });
  expectProgramError(send(svm, ix, [authority]), 'NotWritable');
  expectNothingCreated(svm);
});

test('initialize rejects a wrong system program and too few accounts with Solana errors', () => {
  const { svm, authority } = newChain();
  const data = encodeInitialize(GOOD_ARGS);
  const wrongProgram = expectFailure(send(svm, initializeInstruction(data, { authority: authority.publicKey, systemProgram: PROGRAM_ID }), [authority]));
  assert.match(wrongProgram.error, 'IncorrectProgramId');
  assert.ok(wrongProgram.logs.some((l) => l.includes('Error: IncorrectProgramId.')), wrongProgram.logs.join('\n'));

  const full = initializeInstruction(data, { authority: authority.publicKey });
  const short = new TransactionInstruction({ programId: PROGRAM_ID, keys: full.keys.slice(0, 4), data });
  const tooFew = expectFailure(send(svm, short, [authority]));
  assert.match(tooFew.error, 'NotEnoughAccountKeys');
  expectNothingCreated(svm);
});

test('initialize still works when someone sent lamports to the PDAs first', () => {
  const { svm, authority } = newChain();
  const griefer = Keypair.generate();
  svm.airdrop(griefer.publicKey, SOL);
  const configRent = svm.minimumBalanceForRentExemption(CONFIG_LEN);
  const poolDonation = 3n * SOL / 10n; // more than the pool's rent
  const prefund = new Transaction()
    .add(SystemProgram.transfer({ fromPubkey: griefer.publicKey, toPubkey: CONFIG, lamports: 1_000_000 }))
    .add(SystemProgram.transfer({ fromPubkey: griefer.publicKey, toPubkey: REWARD_POOL, lamports: poolDonation }));
  prefund.recentBlockhash = svm.latestBlockhash();
  prefund.feePayer = griefer.publicKey;
  prefund.sign(griefer);
  expectSuccess(svm.sendTransaction(prefund));
  svm.expireBlockhash();

  expectSuccess(send(svm, initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: authority.publicKey }), [authority]));
  const config = svm.getAccount(CONFIG);
  const pool = svm.getAccount(REWARD_POOL);
  assert.ok(config && pool, 'both accounts exist');
  assert.ok(config.owner.equals(PROGRAM_ID) && pool.owner.equals(PROGRAM_ID), 'both belong to the program');
  assert.is(BigInt(config.lamports), configRent, 'the authority topped the config up to rent-exempt');
  assert.is(BigInt(pool.lamports), poolDonation, 'the donation stays in the pool');
  assert.is(decodeConfig(config.data).feeBps, GOOD_ARGS.feeBps);
});

test("anchor's coders from program/idl/decloud.json encode initialize and decode both accounts", () => {
  // The low-level coders use the IDL's own (snake_case) names; `Program` would camelCase them.
  const idl = IDL as unknown as Idl;
  const data = new BorshInstructionCoder(idl).encode('initialize', {
    proof_epoch_secs: new BN(GOOD_ARGS.proofEpochSecs.toString()),
    fee_bps: GOOD_ARGS.feeBps,
    min_host_stake: new BN(GOOD_ARGS.minHostStake.toString()),
    grace_epochs: GOOD_ARGS.graceEpochs,
    slash_bps: GOOD_ARGS.slashBps,
    reward_bps: GOOD_ARGS.rewardBps,
    epoch_reward: new BN(GOOD_ARGS.epochReward.toString()),
    jail_secs: new BN(GOOD_ARGS.jailSecs.toString()),
    witnesses: GOOD_ARGS.witnesses,
  });
  assert.equal([...data], [...encodeInitialize(GOOD_ARGS)], 'same bytes as the hand-built instruction');

  const { svm, authority } = newChain();
  expectSuccess(send(svm, initializeInstruction(data, { authority: authority.publicKey }), [authority]));
  const coder = new BorshAccountsCoder(idl);
  const config = coder.decode('Config', Buffer.from(svm.getAccount(CONFIG)?.data ?? []));
  assert.ok(config.authority.equals(authority.publicKey));
  assert.is(config.min_host_stake.toString(), GOOD_ARGS.minHostStake.toString());
  assert.is(config.reward_bps, GOOD_ARGS.rewardBps);
  assert.is(config.epoch_reward.toString(), GOOD_ARGS.epochReward.toString());
  assert.is(config.jail_secs.toString(), GOOD_ARGS.jailSecs.toString());
  assert.is(config.witness_count, 2);
  assert.ok(config.reward_pool.equals(REWARD_POOL));
  assert.is(config.pool_bump, POOL_BUMP);
  const pool = coder.decode('RewardPool', Buffer.from(svm.getAccount(REWARD_POOL)?.data ?? []));
  assert.is(pool.total_funded.toString(), '0');
  assert.is(pool.total_slashed.toString(), '0');
  assert.is(pool.bump, POOL_BUMP);
});

test.run();
