/**
 * `post_proof` against the real program: receipts and attestations verified through the
 * Ed25519 instruction right before it, what they cover, the host's epoch count, and
 * every way a proof can be missing, forged, misdirected, stale or early.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ComputeBudgetProgram, Ed25519Program, Keypair, TransactionInstruction } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { attestationMessage, receiptMessage } from '@decloud/sdk/chain/proofs';
import { CONFIG, CU_BUDGET, TestChain, expectOk, reportCu } from './support/chain.js';
import { readHost, readLease } from './support/accounts.js';
import { activeHost, attestationProof, openedLease, receiptProof, signed } from './support/fixtures.js';
import type { HostParty, LeaseParty } from './support/fixtures.js';
import * as ix from './support/instructions.js';

const L = 600n;

async function setUp() {
  const chain = await TestChain.create({ proofEpochSecs: L });
  const host = await activeHost(chain);
  const lease = await openedLease(chain, host, { rate: 1_000n, durationSecs: 7_200n });
  const start = chain.now();
  const watched = [host.host, lease.lease, host.operator.publicKey, lease.renter.publicKey, CONFIG];
  return { chain, host, lease, start, watched };
}

const post = (chain: TestChain, host: HostParty, lease: LeaseParty, proof: ix.ProofArg, accounts: Partial<Record<'host' | 'lease' | 'instructions', PublicKey>> = {}) =>
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

const sign = (signer: Keypair, message: Uint8Array) => ({ key: signer.publicKey.toBytes(), signature: ed25519.sign(message, signer.secretKey.subarray(0, 32)), message });
const ed25519Instruction = (data: Buffer) => new TransactionInstruction({ programId: Ed25519Program.programId, keys: [], data });

test('a receipt proves the time from proven_until to its time and counts its epoch for the host', async () => {
  const { chain, host, lease, start } = await setUp();
  chain.warp(start + 1_000n);
  const lamports = [chain.balance(host.host), chain.balance(lease.lease)];
  const outcome = expectOk(chain.send(await receiptProof(chain, host, lease, start + 900n)));
  reportCu('post_proof (receipt)', outcome, CU_BUDGET.post_proof);
  const state = readLease(chain, lease.lease);
  assert.is(state.provenSecs, 900n);
  assert.is(state.provenUntil, start + 900n);
  const h = readHost(chain, host.host);
  assert.is(h.provenEpochs, 1n);
  assert.is(h.lastProofEpoch, (start + 899n) / L + 1n, 'the epoch of the last proven second, plus one');
  assert.is(h.lastProofAt, chain.now());
  assert.equal([chain.balance(host.host), chain.balance(lease.lease)], lamports, 'no lamports move: only settling pays');
});

test('an attestation proves its epoch within the lease; the gap before it stays unproven forever', async () => {
  const { chain, host, lease, start } = await setUp();
  const epoch = start / L + 2n; // [start + 1200, start + 1800)
  chain.warp(start + 1_800n);
  const outcome = expectOk(chain.send(await attestationProof(chain, host, lease, epoch)));
  reportCu('post_proof (attestation)', outcome, CU_BUDGET.post_proof);
  let state = readLease(chain, lease.lease);
  assert.is(state.provenSecs, 600n);
  assert.is(state.provenUntil, start + 1_800n);
  assert.is(readHost(chain, host.host).lastProofEpoch, epoch + 1n);
  // A receipt for time inside the gap is stale now.
  chain.rejects(await receiptProof(chain, host, lease, start + 1_000n), [], 'ProofStale', [lease.lease, host.host]);
  // The second witness attests the next epoch.
  chain.warp(start + 2_400n);
  expectOk(chain.send(await attestationProof(chain, host, lease, epoch + 1n, chain.witnesses[1])));
  state = readLease(chain, lease.lease);
  assert.is(state.provenSecs, 1_200n, 'the gap [start, start + 1200) was never paid');
  assert.is(readHost(chain, host.host).provenEpochs, 2n);
});

test('proofs are clamped to the max end, and an epoch counts once however many proofs fall in it', async () => {
  const { chain, host, lease, start } = await setUp();
  chain.warp(start + 100n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 50n)));
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 100n)));
  assert.is(readHost(chain, host.host).provenEpochs, 1n, 'same epoch');
  chain.warp(start + 10_000n);
  expectOk(chain.send(await receiptProof(chain, host, lease, start + 10_000n)));
  const state = readLease(chain, lease.lease);
  assert.is(state.provenUntil, state.maxEnd);
  assert.is(state.provenSecs, 7_200n, 'never beyond the lease');
  const h = readHost(chain, host.host);
  assert.is(h.provenEpochs, 2n);
  assert.is(h.lastProofEpoch, (state.maxEnd - 1n) / L + 1n);
  chain.warp(start + 20_000n);
  chain.rejects(await receiptProof(chain, host, lease, start + 20_000n), [], 'ProofStale', [lease.lease, host.host]);
});

test('a replayed receipt or attestation fails with ProofStale and changes nothing', async () => {
  const { chain, host, lease, start, watched } = await setUp();
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
  const current = chain.now() / L;
  chain.rejects(await attestationProof(chain, host, lease, current), [], 'ProofInFuture', watched);
});

test('a receipt not signed by the renter, or for another lease or time, fails with ProofInvalid', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_000n);
  const until = start + 900n;
  const postReceipt = await post(chain, host, lease, { receipt: { until } });
  const stranger = Keypair.generate();
  chain.rejects([signed(stranger, receiptMessage(lease.lease, until)), postReceipt], [], 'ProofInvalid', watched);
  chain.rejects([signed(chain.witnesses[0] as Keypair, receiptMessage(lease.lease, until)), postReceipt], [], 'ProofInvalid', watched);
  const otherLease = await openedLease(chain, host, { renter: lease.renter, leaseId: lease.leaseId + 1n });
  chain.rejects([signed(lease.renter, receiptMessage(otherLease.lease, until)), postReceipt], [], 'ProofInvalid', watched);
  chain.rejects([signed(lease.renter, receiptMessage(lease.lease, until - 1n)), postReceipt], [], 'ProofInvalid', watched);
  chain.rejects([signed(lease.renter, attestationMessage(lease.lease, until)), postReceipt], [], 'ProofInvalid', watched);
});

test('an attestation by a non-witness fails with NotWitness; one for another host or epoch with ProofInvalid', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_800n);
  const epoch = start / L + 1n;
  const postAttestation = await post(chain, host, lease, { attestation: { epoch } });
  const witness = chain.witnesses[0] as Keypair;
  chain.rejects([signed(lease.renter, attestationMessage(host.operator.publicKey, epoch)), postAttestation], [], 'NotWitness', watched);
  chain.rejects([signed(chain.authority, attestationMessage(host.operator.publicKey, epoch)), postAttestation], [], 'NotWitness', watched);
  chain.rejects([signed(witness, attestationMessage(Keypair.generate().publicKey, epoch)), postAttestation], [], 'ProofInvalid', watched);
  chain.rejects([signed(witness, attestationMessage(host.operator.publicKey, epoch + 1n)), postAttestation], [], 'ProofInvalid', watched);
  chain.rejects([signed(witness, receiptMessage(host.operator.publicKey, epoch)), postAttestation], [], 'ProofInvalid', watched);
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

test('post_proof rejects a lease of another host, a fake instructions sysvar, read-only and foreign accounts', async () => {
  const { chain, host, lease, start, watched } = await setUp();
  chain.warp(start + 1_000n);
  const until = start + 900n;
  const [verify] = await receiptProof(chain, host, lease, until);
  if (!verify) throw new Error('receiptProof returns two instructions');
  const otherHost = await activeHost(chain);
  chain.rejects([verify, await post(chain, host, lease, { receipt: { until } }, { host: otherHost.host })], [], 'LeaseHostMismatch', [...watched, otherHost.host]);
  const fakeSysvar = Keypair.generate().publicKey;
  chain.failsWith([verify, await post(chain, host, lease, { receipt: { until } }, { instructions: fakeSysvar })], [], 'UnsupportedSysvar', watched);
  chain.rejects([verify, ix.readonly(await post(chain, host, lease, { receipt: { until } }), lease.lease)], [], 'NotWritable', watched);
  chain.rejects([verify, ix.readonly(await post(chain, host, lease, { receipt: { until } }), host.host)], [], 'NotWritable', watched);
  const copy = chain.copyAccount(lease.lease, Keypair.generate().publicKey);
  chain.rejects([verify, await post(chain, host, lease, { receipt: { until } }, { lease: copy })], [], 'WrongAccountOwner', [...watched, copy]);
  chain.rejects([verify, await post(chain, host, lease, { receipt: { until } }, { lease: host.host })], [], 'InvalidAccountData', watched);
  expectOk(chain.send([verify, await post(chain, host, lease, { receipt: { until } })]));
});

test.run();
