/**
 * `post_proof` against the real program: receipts (renter or delegate) and per-lease
 * attestations (witnesses) verified through the Ed25519 instruction right before it, what
 * they cover, the host's epoch count and reward, and every way a proof can be missing,
 * forged, misdirected, stale or early.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ComputeBudgetProgram, Ed25519Program, Keypair, TransactionInstruction } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { CONFIG, CU_BUDGET, REWARD_POOL, REWARD_POOL_LEN, SOL, TestChain, expectOk, reportCu } from './support/chain.js';
import type { ConfigParams } from './support/chain.js';
import { readHost, readLease, readPool } from './support/accounts.js';
import { activeHost, attestationProof, leaseIdFrom, makePenalizable, openedLease, penalizeInstruction, receiptProof, signed } from './support/fixtures.js';
import type { HostParty, LeaseParty } from './support/fixtures.js';
import { attestationMessage, heartbeatMessage, receiptMessage } from './support/messages.js';
import { signWith } from './support/native-ed25519.js';
import * as ix from './support/instructions.js';

const L = 600n;

async function setUp(params: Partial<ConfigParams> = {}, fund = 0n) {
  const chain = await TestChain.create({ proofEpochSecs: L, ...params });
  if (fund > 0n) {
    const funder = chain.wallet(fund / SOL + 1n);
    expectOk(chain.send([await ix.fundRewards(chain.program, fund, { funder: funder.publicKey })], [funder]));
  }
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 7_200n, delegate: Keypair.generate() });
  const start = chain.now();
  const watched = [host.host, lease.lease, host.operator.publicKey, lease.renter.publicKey, REWARD_POOL, CONFIG];
  return { chain, host, lease, start, watched };
}

const post = (chain: TestChain, host: HostParty, lease: LeaseParty, proof: ix.ProofArg, accounts: Partial<Record<'host' | 'lease' | 'instructions' | 'rewardPool' | 'config', PublicKey>> = {}) =>
  ix.postProof(chain.program, proof, { host: host.host, lease: lease.lease, ...accounts });

/** Ed25519 program data for several (key, signature, message) entries, offsets pointing at `instructionIndex`. */
function ed25519Data(entries: { key: Uint8Array; signature: Uint8Array; message: Uint8Array }[], instructionIndex = 0xffff): Buffer {
  const header = Buffer.alloc(2 + 14 * entries.length);
  header.writeUInt8(entries.length, 0);
  const bodies: Buffer[] = [];
  let at = header.length;
  entries.forEach((e, i) => {
    const o = 2 + 14 * i;
    header.writeUInt16LE(at + 32, o); // signature
    header.writeUInt16LE(instructionIndex, o + 2);
    header.writeUInt16LE(at, o + 4); // public key
    header.writeUInt16LE(instructionIndex, o + 6);
    header.writeUInt16LE(at + 96, o + 8); // message
    header.writeUInt16LE(e.message.length, o + 10);
    header.writeUInt16LE(instructionIndex, o + 12);
    bodies.push(Buffer.from(e.key), Buffer.from(e.signature), Buffer.from(e.message));
    at += 96 + e.message.length;
  });
  return Buffer.concat([header, ...bodies]);
}

const sign = (signer: Keypair, message: Uint8Array) => ({ key: signer.publicKey.toBytes(), signature: signWith(signer, message), message });
const ed25519Instruction = (data: Buffer) => new TransactionInstruction({ programId: Ed25519Program.programId, keys: [], data });

test('a receipt proves the time from proven_until to its time, moves no lamports and counts no epoch', async () => {
  const { chain, host, lease, start } = await setUp({}, 10n * SOL);
  chain.warp(start + 1_000n);
  const lamports = [chain.balance(host.host), chain.balance(lease.lease), chain.balance(REWARD_POOL)];
  const hostBefore = readHost(chain, host.host);
  const outcome = expectOk(chain.send(await receiptProof(chain, host, lease, start + 900n)));
  reportCu('post_proof (receipt)', outcome, CU_BUDGET.post_proof);
  const state = readLease(chain, lease.lease);
  assert.is(state.provenSecs, 900n);
  assert.is(state.provenUntil, start + 900n);
  const h = readHost(chain, host.host);
  assert.equal([h.provenEpochs, h.rewardsEarned, h.payable], [hostBefore.provenEpochs, 0n, 0n], 'receipts never count for rewards');
  assert.equal([chain.balance(host.host), chain.balance(lease.lease), chain.balance(REWARD_POOL)], lamports, 'no lamports move: only settling pays');
});

test("a receipt signed by the lease's delegate proves time like the renter's", async () => {
  const { chain, host, lease, start } = await setUp();
  chain.warp(start + 1_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 700n, lease.delegate as Keypair)));
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 1_000n, lease.renter)));
  const state = readLease(chain, lease.lease);
  assert.equal([state.provenUntil, state.provenSecs], [start + 1_000n, 1_000n]);
});

test('an attestation proves its epoch within the lease, counts the epoch and moves the reward from the pool into the host', async () => {
  const { chain, host, lease, start } = await setUp({}, 10n * SOL);
  const epoch = start / L + 2n; // [start + 1200, start + 1800)
  chain.warp(start + 1_800n);
  const [poolLamports, hostLamports] = [chain.balance(REWARD_POOL), chain.balance(host.host)];
  const outcome = expectOk(chain.send(await attestationProof(chain, host, lease, epoch)));
  reportCu('post_proof (attestation)', outcome, CU_BUDGET.post_proof);
  let state = readLease(chain, lease.lease);
  assert.is(state.provenSecs, 600n);
  assert.is(state.provenUntil, start + 1_800n);
  const available = poolLamports - chain.rent(REWARD_POOL_LEN);
  const bpsShare = (available * BigInt(chain.params.rewardBps)) / 10_000n;
  const reward = bpsShare < chain.params.epochReward ? bpsShare : chain.params.epochReward;
  assert.ok(reward > 0n);
  let h = readHost(chain, host.host);
  assert.equal([h.provenEpochs, h.lastProofEpoch, h.lastProofAt], [1n, epoch + 1n, chain.now()], 'the epoch counts');
  assert.equal([h.rewardsEarned, h.payable], [reward, reward], 'the reward is held for the owner');
  assert.is(chain.balance(REWARD_POOL), poolLamports - reward);
  assert.is(chain.balance(host.host), hostLamports + reward);
  const pool = readPool(chain, REWARD_POOL);
  assert.is(pool.totalRewarded, reward);
  assert.is(pool.aliveEpoch, epoch, 'the epoch is marked alive');
  assert.is(pool.aliveBits & 1n, 1n);
  // A receipt for time inside the gap is stale now.
  chain.rejects(await receiptProof(chain, host, lease, start + 1_000n), [], 'ProofStale', [lease.lease, host.host, REWARD_POOL]);
  // The second witness attests the next epoch.
  chain.warp(start + 2_400n);
  expectOk(chain.send(await attestationProof(chain, host, lease, epoch + 1n, { witness: chain.witnesses[1] })));
  state = readLease(chain, lease.lease);
  assert.is(state.provenSecs, 1_200n, 'the gap [start, start + 1200) was never paid');
  h = readHost(chain, host.host);
  assert.is(h.provenEpochs, 2n);
  assert.ok(h.rewardsEarned <= 2n * chain.params.epochReward);
});

test('the reward is min(epoch_reward, reward_bps of the pool above its rent): nothing from an empty pool, never the pool rent', async () => {
  const cases: [bigint, bigint, number][] = [[0n, SOL, 40], [10n * SOL, SOL, 40], [10n * SOL, 1_000n, 40], [10n * SOL, 2n ** 64n - 1n, 10_000]];
  for (const [fund, epochReward, rewardBps] of cases) {
    const { chain, host, lease, start } = await setUp({ epochReward, rewardBps }, fund);
    chain.warp(start + L);
    const available = chain.balance(REWARD_POOL) - chain.rent(REWARD_POOL_LEN);
    expectOk(chain.send(await attestationProof(chain, host, lease, start / L)));
    const share = (available * BigInt(chain.params.rewardBps)) / 10_000n;
    const expected = share < epochReward ? share : epochReward;
    const h = readHost(chain, host.host);
    assert.equal([h.provenEpochs, h.rewardsEarned, h.payable], [1n, expected, expected], `fund ${fund}, epoch reward ${epochReward}, reward bps ${rewardBps}`);
    if (rewardBps === 10_000) assert.is(chain.balance(REWARD_POOL), chain.rent(REWARD_POOL_LEN), 'a 100 % share takes everything but the pool rent');
  }
});

test('proofs are clamped to the max end, and an epoch counts once however many proofs fall in it', async () => {
  const { chain, host, lease, start } = await setUp({}, 10n * SOL);
  chain.warp(start + L + 100n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 50n)));
  expectOk(chain.send(await attestationProof(chain, host, lease, start / L)));
  const once = readHost(chain, host.host);
  assert.is(once.provenEpochs, 1n);
  // A second witness's attestation of the same epoch of the same lease adds nothing.
  chain.rejects(await attestationProof(chain, host, lease, start / L, { witness: chain.witnesses[1] }), [], 'ProofStale', [lease.lease, host.host, REWARD_POOL]);
  chain.warp(start + 10_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 10_000n)));
  const state = readLease(chain, lease.lease);
  assert.is(state.provenUntil, state.maxEnd);
  assert.is(state.provenSecs, 7_200n, 'never beyond the lease');
  assert.is(readHost(chain, host.host).provenEpochs, 1n, 'receipts count no epoch');
  chain.warp(start + 20_000n);
  chain.rejects(await receiptProof(chain, host, lease, start + 20_000n), [], 'ProofStale', [lease.lease, host.host, REWARD_POOL]);
});

test('a replayed receipt or attestation fails with ProofStale and changes nothing', async () => {
  const { chain, host, lease, start, watched } = await setUp({}, SOL);
  chain.warp(start + 1_200n);
  const receipt = await receiptProof(chain, host, lease, start + 600n);
  expectOk(chain.send(receipt));
  chain.rejects(receipt, [], 'ProofStale', watched);
  const attestation = await attestationProof(chain, host, lease, start / L + 1n);
  expectOk(chain.send(attestation));
  chain.rejects(attestation, [], 'ProofStale', watched);
  chain.rejects(await receiptProof(chain, host, lease, start + 900n), [], 'ProofStale', watched);
});

test('proofs of time that has not passed fail with ProofInFuture', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_000n);
  chain.rejects(await receiptProof(chain, host, lease, start + 1_001n), [], 'ProofInFuture', watched);
  // The current epoch is not over until its last second has passed.
  chain.rejects(await attestationProof(chain, host, lease, chain.now() / L), [], 'ProofInFuture', watched);
});

test('a receipt not signed by the renter or the delegate, or for another lease or time, fails with ProofInvalid', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_000n);
  const until = start + 900n;
  const postReceipt = await post(chain, host, lease, { receipt: { until } });
  for (const stranger of [Keypair.generate(), chain.witnesses[0] as Keypair, host.operator, chain.authority]) {
    chain.rejects([signed(stranger, receiptMessage(lease.lease, until)), postReceipt], [], 'ProofInvalid', watched);
  }
  const otherLease = await openedLease(chain, host, { renter: lease.renter, leaseId: leaseIdFrom(lease.renter.publicKey, lease.leaseId + 1n) });
  chain.rejects([signed(lease.renter, receiptMessage(otherLease.lease, until)), postReceipt], [], 'ProofInvalid', watched);
  chain.rejects([signed(lease.renter, receiptMessage(lease.lease, until - 1n)), postReceipt], [], 'ProofInvalid', watched);
  chain.rejects([signed(lease.renter, attestationMessage(host.operator.publicKey, lease.lease, until)), postReceipt], [], 'ProofInvalid', watched);
});

test('an attestation by a non-witness fails with NotWitness; one for another host, lease or epoch with ProofInvalid', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_800n);
  const epoch = start / L + 1n;
  const postAttestation = await post(chain, host, lease, { attestation: { epoch } });
  const witness = chain.witnesses[0] as Keypair;
  const operator = host.operator.publicKey;
  chain.rejects([signed(lease.renter, attestationMessage(operator, lease.lease, epoch)), postAttestation], [], 'NotWitness', watched);
  chain.rejects([signed(chain.authority, attestationMessage(operator, lease.lease, epoch)), postAttestation], [], 'NotWitness', watched);
  chain.rejects([signed(witness, attestationMessage(Keypair.generate().publicKey, lease.lease, epoch)), postAttestation], [], 'ProofInvalid', watched);
  chain.rejects([signed(witness, attestationMessage(operator, Keypair.generate().publicKey, epoch)), postAttestation], [], 'ProofInvalid', watched);
  chain.rejects([signed(witness, attestationMessage(operator, lease.lease, epoch + 1n)), postAttestation], [], 'ProofInvalid', watched);
  chain.rejects([signed(witness, receiptMessage(lease.lease, epoch)), postAttestation], [], 'ProofInvalid', watched);
  chain.rejects([signed(witness, heartbeatMessage(epoch)), postAttestation], [], 'ProofInvalid', watched);
});

test("a jailed host's other lease is still proven by attestations, its epochs count, but it earns no reward", async () => {
  const chain = await TestChain.create({ proofEpochSecs: L });
  const funder = chain.wallet(11n);
  expectOk(chain.send([await ix.fundRewards(chain.program, 10n * SOL, { funder: funder.publicKey })], [funder]));
  const host = await activeHost(chain);
  const kept = await openedLease(chain, host, { durationSecs: 100_000n });
  const abandoned = await openedLease(chain, host);
  const start = chain.now();
  chain.warp(start + 7n * L);
  // The kept lease is proven by a receipt; the other is not.
  expectOk(chain.send(await receiptProof(chain, host, kept, start + 5n * L)));
  await makePenalizable(chain, abandoned);
  const caller = chain.wallet(1n);
  expectOk(chain.send([await penalizeInstruction(chain, host, abandoned, caller.publicKey)], [caller]));
  assert.is(readHost(chain, host.host).status, 'Jailed');
  const before = readHost(chain, host.host);
  const pool = chain.balance(REWARD_POOL);
  const epoch = chain.now() / L - 1n;
  expectOk(chain.send(await attestationProof(chain, host, kept, epoch)));
  const after = readHost(chain, host.host);
  assert.equal([after.provenEpochs, after.rewardsEarned, after.payable], [before.provenEpochs + 1n, before.rewardsEarned, before.payable], 'no reward while jailed');
  assert.is(chain.balance(REWARD_POOL), pool);
  assert.is(readLease(chain, kept.lease).provenUntil, (epoch + 1n) * L);
});

test('a forged signature or a message changed after signing is refused by the Ed25519 program before DeCloud runs', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_000n);
  const until = start + 900n;
  const message = receiptMessage(lease.lease, until);
  const postReceipt = await post(chain, host, lease, { receipt: { until } });
  const forger = Keypair.generate();
  const forged = { key: lease.renter.publicKey.toBytes(), signature: sign(forger, message).signature, message };
  const tampered = sign(lease.renter, receiptMessage(lease.lease, until - 500n));
  tampered.message = message;
  for (const entry of [forged, tampered]) {
    const before = chain.snapshot(watched);
    const outcome = chain.send([ed25519Instruction(ed25519Data([entry])), postReceipt]);
    assert.not.ok(outcome.ok);
    assert.match(outcome.err ?? '', /index: 0, error: InstructionErrorCustom \{ code: 2 \}/, 'the Ed25519 program fails: invalid signature');
    chain.assertUnchanged(before);
  }
});

test('post_proof without the Ed25519 instruction right before it fails with ProofMissing', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_000n);
  const until = start + 900n;
  const [verify, postReceipt] = await receiptProof(chain, host, lease, until);
  if (!verify || !postReceipt) throw new Error('receiptProof returns two instructions');
  const other = ComputeBudgetProgram.setComputeUnitLimit({ units: 300_000 });
  const entry = sign(lease.renter, receiptMessage(lease.lease, until));
  const cases: [string, TransactionInstruction[]][] = [
    ['no Ed25519 instruction', [postReceipt]],
    ['another instruction in between', [verify, other, postReceipt]],
    ['the Ed25519 instruction after post_proof', [postReceipt, verify]],
    ['two signatures in the Ed25519 instruction', [ed25519Instruction(ed25519Data([entry, sign(Keypair.generate(), Uint8Array.from([1, 2, 3]))])), postReceipt]],
    ['offsets naming an instruction index instead of u16::MAX', [ed25519Instruction(ed25519Data([entry], 0)), postReceipt]],
  ];
  for (const [what, instructions] of cases) {
    const before = chain.snapshot(watched);
    const outcome = chain.send(instructions);
    assert.is(outcome.code, 6021, `${what}: ProofMissing, got ${outcome.err}\n${outcome.logs.join('\n')}`);
    chain.assertUnchanged(before);
  }
});

test('post_proof rejects a lease of another host, a fake instructions sysvar or pool, read-only and foreign accounts', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_000n);
  const until = start + 900n;
  const [verify] = await receiptProof(chain, host, lease, until);
  if (!verify) throw new Error('receiptProof returns two instructions');
  const receipt = { receipt: { until } };
  const otherHost = await activeHost(chain);
  chain.rejects([verify, await post(chain, host, lease, receipt, { host: otherHost.host })], [], 'LeaseHostMismatch', [...watched, otherHost.host]);
  const fakeSysvar = Keypair.generate().publicKey;
  chain.failsWith([verify, await post(chain, host, lease, receipt, { instructions: fakeSysvar })], [], 'UnsupportedSysvar', watched);
  for (const account of [lease.lease, host.host, REWARD_POOL]) {
    chain.rejects([verify, ix.readonly(await post(chain, host, lease, receipt), account)], [], 'NotWritable', watched);
  }
  const copy = chain.copyAccount(lease.lease, Keypair.generate().publicKey);
  chain.rejects([verify, await post(chain, host, lease, receipt, { lease: copy })], [], 'WrongAccountOwner', [...watched, copy]);
  chain.rejects([verify, await post(chain, host, lease, receipt, { lease: host.host })], [], 'InvalidAccountData', watched);
  const fakePool = chain.copyAccount(REWARD_POOL, Keypair.generate().publicKey);
  chain.rejects([verify, await post(chain, host, lease, receipt, { rewardPool: fakePool })], [], 'WrongAccountOwner', [...watched, fakePool]);
  chain.rejectsWithOneOf([verify, await post(chain, host, lease, receipt, { rewardPool: CONFIG })], [], ['InvalidAccountData', 'InvalidPda'], watched);
  const fakeConfig = chain.copyAccount(CONFIG, Keypair.generate().publicKey);
  chain.rejects([verify, await post(chain, host, lease, receipt, { config: fakeConfig })], [], 'WrongAccountOwner', watched);
  expectOk(chain.send([verify, await post(chain, host, lease, receipt)]));
});

test.run();
