// The chain client without a chain: addresses (lease bump 255, ProgramData), account layouts
// read from the IDL, the signed proof messages byte for byte, and the instructions the writes
// send (the Ed25519 instruction of the host's terms right before open_lease, no owner accounts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import anchor from '@coral-xyz/anchor';
import { Connection, Ed25519Program, Keypair, PublicKey, SYSVAR_INSTRUCTIONS_PUBKEY, SystemProgram } from '@solana/web3.js';
import type { TransactionInstruction } from '@solana/web3.js';
import { ACCOUNT_LAYOUTS } from '../src/chain/accounts.js';
import type { AccountName, HostAccount, LeaseAccount } from '../src/chain/accounts.js';
import {
  configAddress, hostAddress, LEASE_BUMP, leaseAddress, newLeaseId, PROGRAM_ID, programDataAddress, rewardPoolAddress, UPGRADEABLE_LOADER_ID,
} from '../src/chain/addresses.js';
import { DecloudChain } from '../src/chain/client.js';
import { attestationMessage, heartbeatMessage, receiptMessage, signProof, termsMessage } from '../src/chain/proofs.js';
import { verifySolanaSignature } from '../src/identity/signatures.js';

const renter = Keypair.fromSeed(new Uint8Array(32).fill(1));
const hostOperator = Keypair.fromSeed(new Uint8Array(32).fill(2));
const u64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(n); return b; };
const i64 = (n: bigint) => { const b = Buffer.alloc(8); b.writeBigInt64LE(n); return b; };
const bump255 = (id: bigint): PublicKey | null => {
  try {
    return PublicKey.createProgramAddressSync([Buffer.from('lease'), renter.publicKey.toBuffer(), u64(id), Buffer.of(255)], PROGRAM_ID);
  } catch {
    return null;
  }
};

type Decoded = { name: string; data: Record<string, unknown> };
const decodeInstruction = (chain: DecloudChain, ix: TransactionInstruction): Decoded =>
  new anchor.BorshCoder(chain.program.idl).instruction.decode(Buffer.from(ix.data)) as Decoded;

/** A client whose transactions are captured instead of sent. */
function capturing(wallet: Keypair): { chain: DecloudChain; sent: TransactionInstruction[][] } {
  const chain = DecloudChain.fromKeypair(new Connection('http://127.0.0.1:9'), wallet);
  const sent: TransactionInstruction[][] = [];
  chain.send = async (instructions) => { sent.push(instructions); return 'signature'; };
  return { chain, sent };
}

test('lease addresses use bump 255 only: an id without one is refused, newLeaseId draws ids that have one', () => {
  const ids = Array.from({ length: 64 }, (_, i) => BigInt(i));
  const without = ids.find((id) => bump255(id) === null)!;
  const withOne = ids.find((id) => bump255(id) !== null)!;
  assert.ok(without !== undefined && withOne !== undefined, 'about half the ids have a bump-255 address');
  assert.throws(() => leaseAddress(renter.publicKey, without), /bump 255.*newLeaseId/);
  assert.ok(leaseAddress(renter.publicKey, withOne).equals(bump255(withOne)!));
  const [canonical, bump] = PublicKey.findProgramAddressSync([Buffer.from('lease'), renter.publicKey.toBuffer(), u64(withOne)], PROGRAM_ID);
  assert.equal([canonical.toBase58(), bump], [leaseAddress(renter.publicKey, withOne).toBase58(), LEASE_BUMP], 'bump 255 is then the canonical bump too');
  const drawn = new Set<bigint>();
  for (let i = 0; i < 20; i++) {
    const id = newLeaseId(renter.publicKey);
    assert.ok(bump255(id) !== null, `id ${id} has a bump-255 address`);
    drawn.add(id);
  }
  assert.is(drawn.size, 20, 'random ids');
  assert.throws(() => leaseAddress(renter.publicKey, -1n), RangeError);
});

test('the ProgramData address is the upgradeable loader\'s PDA of the program id', () => {
  assert.ok(programDataAddress().equals(PublicKey.findProgramAddressSync([PROGRAM_ID.toBuffer()], UPGRADEABLE_LOADER_ID)[0]));
  assert.is(UPGRADEABLE_LOADER_ID.toBase58(), 'BPFLoaderUpgradeab1e11111111111111111111111');
});

test('account layouts from the IDL: sizes as anchor\'s coder and the program have them, offsets where the bytes are', async () => {
  const { chain } = capturing(renter);
  for (const name of Object.keys(ACCOUNT_LAYOUTS) as AccountName[]) {
    assert.is(ACCOUNT_LAYOUTS[name].size, chain.program.coder.accounts.size(name), name);
  }
  assert.is(ACCOUNT_LAYOUTS.lease.size, 216, 'program/src/state/lease.rs LEN');
  const [a, b, c] = [Keypair.generate().publicKey, Keypair.generate().publicKey, Keypair.generate().publicKey];
  const BN = anchor.BN;
  const data = await chain.program.coder.accounts.encode('lease', {
    renter: a, host: b, delegate: c, leaseId: new BN('1234567890123'), rate: new BN(7), deposit: new BN(8), start: new BN(9), maxEnd: new BN(10),
    provenUntil: new BN(11), provenSecs: new BN(12), settledSecs: new BN(13), paid: new BN(14), feeBps: 500, graceEpochs: 3,
    termsHash: Array(32).fill(0xab), status: { open: {} }, bump: 255,
  });
  const { offsets } = ACCOUNT_LAYOUTS.lease;
  assert.is(data.length, ACCOUNT_LAYOUTS.lease.size);
  assert.equal([offsets.renter, offsets.host, offsets.delegate, offsets.leaseId, offsets.bump], [8, 40, 72, 104, 215]);
  for (const [field, key] of [['renter', a], ['host', b], ['delegate', c]] as const) {
    assert.equal(data.subarray(offsets[field], offsets[field] + 32), key.toBuffer(), field);
  }
  assert.is(data.readBigUInt64LE(offsets.leaseId), 1234567890123n);
  assert.is(data.readUInt16LE(offsets.feeBps), 500);
  assert.is(data.readUInt32LE(offsets.graceEpochs), 3);
  assert.is(data[offsets.termsHash], 0xab);
  assert.is(ACCOUNT_LAYOUTS.host.offsets.operator, 8);
});

test('signed messages, byte for byte as the program reads them', () => {
  const lease = Keypair.generate().publicKey;
  const delegate = Keypair.generate().publicKey;
  const termsHash = new Uint8Array(32).fill(3);
  const terms = termsMessage({ renter: renter.publicKey, hostOperator: hostOperator.publicKey, leaseId: 5n, rate: 6n, durationSecs: 7n, quoteExpiresAt: -8n, delegate, termsHash });
  assert.equal(Buffer.from(terms), Buffer.concat([Buffer.from('decloud/terms/v1'), renter.publicKey.toBuffer(), hostOperator.publicKey.toBuffer(),
    u64(5n), u64(6n), u64(7n), i64(-8n), delegate.toBuffer(), termsHash]));
  assert.is(terms.length, 176);
  assert.equal(Buffer.from(receiptMessage(lease, 9n)), Buffer.concat([Buffer.from('decloud/receipt/v1'), lease.toBuffer(), i64(9n)]));
  assert.equal(Buffer.from(attestationMessage(hostOperator.publicKey, lease, 10n)),
    Buffer.concat([Buffer.from('decloud/attest/v2'), hostOperator.publicKey.toBuffer(), lease.toBuffer(), u64(10n)]));
  assert.equal(Buffer.from(heartbeatMessage(11n)), Buffer.concat([Buffer.from('decloud/alive/v1'), u64(11n)]));
  assert.throws(() => heartbeatMessage(-1n), RangeError);
  assert.throws(() => termsMessage({ renter: renter.publicKey, hostOperator: hostOperator.publicKey, leaseId: 1n << 64n, rate: 0n, durationSecs: 1n, quoteExpiresAt: 0n, delegate, termsHash }), RangeError);
});

test('openLease sends the host operator\'s signature over the terms in an Ed25519 instruction right before open_lease', async () => {
  const { chain, sent } = capturing(renter);
  const leaseId = newLeaseId(renter.publicKey);
  const delegate = Keypair.generate().publicKey;
  const terms = { hostOperator: hostOperator.publicKey, leaseId, rate: 100n, durationSecs: 3600n, quoteExpiresAt: 1_900_000_000n, delegate, termsHash: new Uint8Array(32).fill(4) };
  const message = termsMessage({ ...terms, renter: renter.publicKey });
  const { signature: hostSignature } = signProof(hostOperator.secretKey, hostOperator.publicKey, message);
  const opened = await chain.openLease({ ...terms, hostSignature });
  assert.ok(opened.lease.equals(leaseAddress(renter.publicKey, leaseId)));
  assert.is(opened.leaseId, leaseId);
  const [verify, open] = sent[0]!;
  assert.ok(verify!.programId.equals(Ed25519Program.programId));
  const data = Buffer.from(verify!.data);
  // The Ed25519 program's layout (web3.js): public key at 16, signature at 48, message from 112.
  assert.equal([data.subarray(16, 48), data.subarray(48, 112), data.subarray(112)], [hostOperator.publicKey.toBuffer(), Buffer.from(hostSignature), Buffer.from(message)]);
  assert.ok(verifySolanaSignature('', data.subarray(112), data.subarray(48, 112), data.subarray(16, 48)));
  const decoded = decodeInstruction(chain, open!);
  assert.is(decoded.name, 'openLease');
  assert.equal([String(decoded.data.leaseId), String(decoded.data.quoteExpiresAt), (decoded.data.delegate as PublicKey).toBase58()],
    [String(leaseId), '1900000000', delegate.toBase58()]);
  assert.equal(open!.keys.map((k) => k.pubkey.toBase58()), [renter.publicKey, configAddress(), hostAddress(hostOperator.publicKey),
    opened.lease, SystemProgram.programId, SYSVAR_INSTRUCTIONS_PUBKEY].map((k) => k.toBase58()));
  const otherTerms = await chain.openLease({ ...terms, rate: 101n, hostSignature }).then(() => undefined, (err: Error) => err);
  assert.match(otherTerms!.message, /not host .* over these terms.*nothing was sent/);
  assert.is(sent.length, 1, 'a signature over other terms is never sent');
});

test('settle, close and penalize name no owner; claimRewards pays the owner of the named operator\'s host', async () => {
  const { chain, sent } = capturing(renter);
  const lease = Keypair.generate().publicKey;
  const host = hostAddress(hostOperator.publicKey);
  chain.fetchLease = async () => ({ renter: renter.publicKey, host } as LeaseAccount);
  await chain.settle(lease);
  await chain.closeLease(lease);
  await chain.penalize(lease);
  const keys = (i: number) => sent[i]![0]!.keys.map((k) => k.pubkey.toBase58());
  const [config, pool] = [configAddress().toBase58(), rewardPoolAddress().toBase58()];
  assert.equal(keys(0), [config, host.toBase58(), lease.toBase58(), pool]);
  assert.equal(keys(1), [renter.publicKey.toBase58(), renter.publicKey.toBase58(), config, host.toBase58(), lease.toBase58(), pool]);
  assert.equal(keys(2), [renter.publicKey.toBase58(), renter.publicKey.toBase58(), config, host.toBase58(), lease.toBase58(), pool]);

  const owner = Keypair.generate();
  const asOwner = capturing(owner);
  asOwner.chain.fetchHost = async (operator) => (operator.equals(hostOperator.publicKey) ? { owner: owner.publicKey } as HostAccount : null);
  await asOwner.chain.claimRewards(hostOperator.publicKey);
  const claim = asOwner.sent[0]![0]!;
  assert.equal(claim.keys.map((k) => [k.pubkey.toBase58(), k.isSigner]), [[owner.publicKey.toBase58(), true], [owner.publicKey.toBase58(), false], [host.toBase58(), false]]);
  const missing = await asOwner.chain.claimRewards().then(() => undefined, (err: Error) => err);
  assert.match(missing!.message, /no host registered for operator/);
});

test('initialize names the ProgramData account and takes the v2 config', async () => {
  const { chain, sent } = capturing(renter);
  const witness = Keypair.generate().publicKey;
  await chain.initialize({ feeBps: 500, minHostStake: 10n, proofEpochSecs: 60n, graceEpochs: 3, slashBps: 2000, rewardBps: 100, epochReward: 1000n, jailSecs: 86_400n, witnesses: [witness] });
  const ix = sent[0]![0]!;
  assert.is(ix.keys[3]!.pubkey.toBase58(), programDataAddress().toBase58());
  const decoded = decodeInstruction(chain, ix);
  assert.equal([decoded.name, String(decoded.data.proofEpochSecs), String(decoded.data.epochReward), String(decoded.data.jailSecs)], ['initialize', '60', '1000', '86400']);
  await chain.updateConfig({ feeBps: 400, minHostStake: 10n, graceEpochs: 4, slashBps: 2000, rewardBps: 100, epochReward: 1000n, jailSecs: 0n, witnesses: [witness] });
  const update = decodeInstruction(chain, sent[1]![0]!);
  assert.equal([update.name, update.data.feeBps, update.data.graceEpochs], ['updateConfig', 400, 4]);
});

test.run();
