/**
 * `initialize` against the real program: program/deploy/decloud.so (built by
 * `npm run build:program`) executed by litesvm's sBPF runtime. Instructions are built by
 * hand (discriminator + borsh) and accounts decoded with the documented layout, so the
 * test checks the bytes, not a shared codec.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import anchor from '@coral-xyz/anchor';
import type { Idl } from '@coral-xyz/anchor';
import { FailedTransactionMetadata, LiteSVM } from 'litesvm';
import type { TransactionMetadata } from 'litesvm';
import { Keypair, LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction, TransactionInstruction } from '@solana/web3.js';
import type { AccountMeta } from '@solana/web3.js';
import type { InitializeParams } from '@decloud/sdk/chain/client';

// Anchor is CommonJS: under Node's ESM loader only its default export carries every name.
const { BN, BorshAccountsCoder, BorshInstructionCoder } = anchor;

const PROGRAM_ID = new PublicKey('8zfMLQeWjnFyfqzLuGkdQopCVoZdmsyfGL2ama1PiDGt');
const PROGRAM_SO = fileURLToPath(new URL('../deploy/decloud.so', import.meta.url));
const IDL_JSON = fileURLToPath(new URL('../idl/decloud.json', import.meta.url));
const CONFIG_LEN = 293;
const REWARD_POOL_LEN = 33;
const TX_FEE = 5000n;

const [CONFIG] = PublicKey.findProgramAddressSync([Buffer.from('config')], PROGRAM_ID);
const [REWARD_POOL, POOL_BUMP] = PublicKey.findProgramAddressSync([Buffer.from('reward_pool')], PROGRAM_ID);

const discriminator = (preimage: string) => createHash('sha256').update(preimage).digest().subarray(0, 8);

type InitializeArgs = InitializeParams;

const WITNESSES = [Keypair.generate().publicKey, Keypair.generate().publicKey];
const GOOD_ARGS: InitializeArgs = {
  feeBps: 250,
  minHostStake: 2n * BigInt(LAMPORTS_PER_SOL),
  proofEpochSecs: 3600n,
  graceEpochs: 3,
  slashBps: 1_000,
  rewardBps: 40,
  witnesses: WITNESSES,
};

/** Anchor's instruction data: discriminator, then the borsh arguments in order. */
function encodeInitialize(args: InitializeArgs): Buffer {
  const fixed = Buffer.alloc(2 + 8 + 8 + 4 + 2 + 2 + 4);
  let at = fixed.writeUInt16LE(args.feeBps, 0);
  at = fixed.writeBigUInt64LE(args.minHostStake, at);
  at = fixed.writeBigUInt64LE(args.proofEpochSecs, at);
  at = fixed.writeUInt32LE(args.graceEpochs, at);
  at = fixed.writeUInt16LE(args.slashBps, at);
  at = fixed.writeUInt16LE(args.rewardBps, at);
  fixed.writeUInt32LE(args.witnesses.length, at);
  return Buffer.concat([discriminator('global:initialize'), fixed, ...args.witnesses.map((w) => w.toBuffer())]);
}

interface Accounts {
  authority: PublicKey;
  config: PublicKey;
  rewardPool: PublicKey;
  systemProgram: PublicKey;
  authoritySigns: boolean;
  configWritable: boolean;
}

function initializeInstruction(data: Buffer, accounts: Partial<Accounts> & { authority: PublicKey }): TransactionInstruction {
  const a: Accounts = {
    config: CONFIG,
    rewardPool: REWARD_POOL,
    systemProgram: SystemProgram.programId,
    authoritySigns: true,
    configWritable: true,
    ...accounts,
  };
  const keys: AccountMeta[] = [
    { pubkey: a.authority, isSigner: a.authoritySigns, isWritable: true },
    { pubkey: a.config, isSigner: false, isWritable: a.configWritable },
    { pubkey: a.rewardPool, isSigner: false, isWritable: true },
    { pubkey: a.systemProgram, isSigner: false, isWritable: false },
  ];
  return new TransactionInstruction({ programId: PROGRAM_ID, keys, data });
}

interface Chain {
  svm: LiteSVM;
  authority: Keypair;
}

function newChain(): Chain {
  const svm = new LiteSVM();
  svm.addProgram(PROGRAM_ID, readFileSync(PROGRAM_SO));
  const authority = Keypair.generate();
  svm.airdrop(authority.publicKey, 10n * BigInt(LAMPORTS_PER_SOL));
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

/** Asserts the program's custom error: number in the result, name and number in the logs. */
function expectProgramError(result: TransactionMetadata | FailedTransactionMetadata, code: number, name: string): string[] {
  const failure = expectFailure(result);
  assert.is(failure.code, code, `error code (${failure.error})`);
  const line = failure.logs.find((l) => l.startsWith('Program log: AnchorError occurred.'));
  assert.ok(line?.includes(`Error Code: ${name}. Error Number: ${code}.`), `log names ${name}:\n${failure.logs.join('\n')}`);
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
  const config = {
    discriminator: buf.subarray(0, 8),
    authority: pubkey(),
    feeBps: u16(),
    minHostStake: u64(),
    proofEpochSecs: u64(),
    graceEpochs: u32(),
    slashBps: u16(),
    rewardBps: u16(),
    witnessCount: u8(),
    witnesses: [pubkey(), pubkey(), pubkey(), pubkey()],
    rewardPool: pubkey(),
    bump: u8(),
    poolBump: u8(),
    reserved: buf.subarray(at),
  };
  return config;
}

test('initialize creates the config and the reward pool with every field', () => {
  const { svm, authority } = newChain();
  const before = svm.getBalance(authority.publicKey) ?? 0n;
  const result = expectSuccess(send(svm, initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: authority.publicKey }), [authority]));
  console.log(`initialize: ${result.computeUnitsConsumed()} compute units`);

  const account = svm.getAccount(CONFIG);
  assert.ok(account, 'config exists');
  assert.ok(account.owner.equals(PROGRAM_ID), 'config is owned by the program');
  assert.is(account.data.length, CONFIG_LEN);
  assert.is(BigInt(account.lamports), svm.minimumBalanceForRentExemption(BigInt(CONFIG_LEN)), 'config is exactly rent-exempt');
  const config = decodeConfig(account.data);
  assert.equal([...config.discriminator], [...discriminator('account:Config')]);
  assert.ok(config.authority.equals(authority.publicKey), 'authority');
  assert.is(config.feeBps, GOOD_ARGS.feeBps);
  assert.is(config.minHostStake, GOOD_ARGS.minHostStake);
  assert.is(config.proofEpochSecs, GOOD_ARGS.proofEpochSecs);
  assert.is(config.graceEpochs, GOOD_ARGS.graceEpochs);
  assert.is(config.slashBps, GOOD_ARGS.slashBps);
  assert.is(config.rewardBps, GOOD_ARGS.rewardBps);
  assert.is(config.witnessCount, 2);
  assert.equal(config.witnesses.map((w) => w.toBase58()), [...WITNESSES, PublicKey.default, PublicKey.default].map((w) => w.toBase58()));
  assert.ok(config.rewardPool.equals(REWARD_POOL), 'reward pool address');
  assert.is(config.bump, PublicKey.findProgramAddressSync([Buffer.from('config')], PROGRAM_ID)[1]);
  assert.is(config.poolBump, POOL_BUMP);
  assert.ok(config.reserved.length === 64 && config.reserved.every((b) => b === 0), 'reserved bytes are zero');

  const pool = svm.getAccount(REWARD_POOL);
  assert.ok(pool, 'reward pool exists');
  assert.ok(pool.owner.equals(PROGRAM_ID), 'reward pool is owned by the program');
  assert.is(BigInt(pool.lamports), svm.minimumBalanceForRentExemption(BigInt(REWARD_POOL_LEN)));
  const expectedPool = Buffer.concat([discriminator('account:RewardPool'), Buffer.alloc(24), Buffer.from([POOL_BUMP])]);
  assert.equal([...pool.data], [...expectedPool], 'pool: discriminator, zero totals, bump');

  const rent = BigInt(account.lamports) + BigInt(pool.lamports);
  assert.is(svm.getBalance(authority.publicKey), before - rent - TX_FEE, 'the authority paid both rents and the fee');
});

test('a second initialize fails with AlreadyInitialized (6000) and changes nothing', () => {
  const { svm, authority } = newChain();
  const ix = () => initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: authority.publicKey });
  expectSuccess(send(svm, ix(), [authority]));
  const config = svm.getAccount(CONFIG);
  const other = Keypair.generate();
  svm.airdrop(other.publicKey, BigInt(LAMPORTS_PER_SOL));
  const again = initializeInstruction(encodeInitialize({ ...GOOD_ARGS, feeBps: 9 }), { authority: other.publicKey });
  expectProgramError(send(svm, again, [other]), 6000, 'AlreadyInitialized');
  assert.equal(svm.getAccount(CONFIG)?.data, config?.data, 'config unchanged');
  assert.is(svm.getAccount(CONFIG)?.lamports, config?.lamports);
});

const OUT_OF_RANGE: [string, Partial<InitializeArgs>, string][] = [
  ['fee_bps above 10000', { feeBps: 10_001 }, 'must be at most 10000'],
  ['slash_bps above 10000', { slashBps: 10_001 }, 'must be at most 10000'],
  ['reward_bps above 10000', { rewardBps: 65_535 }, 'must be at most 10000'],
  ['a zero epoch length', { proofEpochSecs: 0n }, 'proof_epoch_secs must be greater than zero'],
  ['five witnesses', { witnesses: Array.from({ length: 5 }, () => Keypair.generate().publicKey) }, 'at most 4 witnesses'],
  ['a duplicate witness', { witnesses: [WITNESSES[0] as PublicKey, WITNESSES[0] as PublicKey] }, 'a witness is listed twice'],
];

for (const [what, change, reason] of OUT_OF_RANGE) {
  test(`initialize rejects ${what} with InvalidArgument (6001) and creates nothing`, () => {
    const { svm, authority } = newChain();
    const before = svm.getBalance(authority.publicKey) ?? 0n;
    const ix = initializeInstruction(encodeInitialize({ ...GOOD_ARGS, ...change }), { authority: authority.publicKey });
    const logs = expectProgramError(send(svm, ix, [authority]), 6001, 'InvalidArgument');
    assert.ok(logs.some((l) => l.includes(reason)), `the reason is logged:\n${logs.join('\n')}`);
    expectNothingCreated(svm);
    assert.is(svm.getBalance(authority.publicKey), before - TX_FEE, 'only the fee was paid');
  });
}

test('initialize rejects undecodable data with InvalidInstructionData (6008) or UnknownInstruction (6009)', () => {
  const { svm, authority } = newChain();
  const good = encodeInitialize(GOOD_ARGS);
  const cases: [Buffer, number, string][] = [
    [good.subarray(0, good.length - 1), 6008, 'InvalidInstructionData'],
    [Buffer.concat([good, Buffer.from([0])]), 6008, 'InvalidInstructionData'],
    [good.subarray(0, 5), 6008, 'InvalidInstructionData'],
    [Buffer.concat([discriminator('global:initialise'), good.subarray(8)]), 6009, 'UnknownInstruction'],
  ];
  for (const [data, code, name] of cases) {
    expectProgramError(send(svm, initializeInstruction(data, { authority: authority.publicKey }), [authority]), code, name);
  }
  expectNothingCreated(svm);
});

test('initialize rejects a config or pool address that is not the PDA with InvalidPda (6002)', () => {
  const { svm, authority } = newChain();
  const impostor = Keypair.generate().publicKey;
  const data = encodeInitialize(GOOD_ARGS);
  expectProgramError(send(svm, initializeInstruction(data, { authority: authority.publicKey, config: impostor }), [authority]), 6002, 'InvalidPda');
  expectProgramError(send(svm, initializeInstruction(data, { authority: authority.publicKey, rewardPool: impostor }), [authority]), 6002, 'InvalidPda');
  assert.is(svm.getAccount(impostor), null, 'nothing created at the impostor address');
  expectNothingCreated(svm);
});

test('initialize rejects a missing authority signature with MissingSigner (6003)', () => {
  const { svm, authority } = newChain();
  const payer = Keypair.generate();
  svm.airdrop(payer.publicKey, BigInt(LAMPORTS_PER_SOL));
  const ix = initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: authority.publicKey, authoritySigns: false });
  expectProgramError(send(svm, ix, [payer]), 6003, 'MissingSigner');
  expectNothingCreated(svm);
});

test('initialize rejects a read-only config with NotWritable (6004)', () => {
  const { svm, authority } = newChain();
  const ix = initializeInstruction(encodeInitialize(GOOD_ARGS), { authority: authority.publicKey, configWritable: false });
  expectProgramError(send(svm, ix, [authority]), 6004, 'NotWritable');
  expectNothingCreated(svm);
});

test('initialize rejects a wrong system program and too few accounts with Solana errors', () => {
  const { svm, authority } = newChain();
  const data = encodeInitialize(GOOD_ARGS);
  const wrongProgram = expectFailure(send(svm, initializeInstruction(data, { authority: authority.publicKey, systemProgram: PROGRAM_ID }), [authority]));
  assert.match(wrongProgram.error, 'IncorrectProgramId');
  assert.ok(wrongProgram.logs.some((l) => l.includes('Error: IncorrectProgramId.')), wrongProgram.logs.join('\n'));

  const full = initializeInstruction(data, { authority: authority.publicKey });
  const short = new TransactionInstruction({ programId: PROGRAM_ID, keys: full.keys.slice(0, 3), data });
  const tooFew = expectFailure(send(svm, short, [authority]));
  assert.match(tooFew.error, 'NotEnoughAccountKeys');
  expectNothingCreated(svm);
});

test('initialize still works when someone sent lamports to the PDAs first', () => {
  const { svm, authority } = newChain();
  const griefer = Keypair.generate();
  svm.airdrop(griefer.publicKey, BigInt(LAMPORTS_PER_SOL));
  const configRent = svm.minimumBalanceForRentExemption(BigInt(CONFIG_LEN));
  const poolDonation = 3n * BigInt(LAMPORTS_PER_SOL) / 10n; // more than the pool's rent
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
  const idl = JSON.parse(readFileSync(IDL_JSON, 'utf8')) as Idl;
  const data = new BorshInstructionCoder(idl).encode('initialize', {
    fee_bps: GOOD_ARGS.feeBps,
    min_host_stake: new BN(GOOD_ARGS.minHostStake.toString()),
    proof_epoch_secs: new BN(GOOD_ARGS.proofEpochSecs.toString()),
    grace_epochs: GOOD_ARGS.graceEpochs,
    slash_bps: GOOD_ARGS.slashBps,
    reward_bps: GOOD_ARGS.rewardBps,
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
  assert.is(config.witness_count, 2);
  assert.ok(config.reward_pool.equals(REWARD_POOL));
  assert.is(config.pool_bump, POOL_BUMP);
  const pool = coder.decode('RewardPool', Buffer.from(svm.getAccount(REWARD_POOL)?.data ?? []));
  assert.is(pool.total_funded.toString(), '0');
  assert.is(pool.bump, POOL_BUMP);
});

test.run();
