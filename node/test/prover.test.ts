// The prover on the real local chain running the real program: registration, receipts
// (checked locally before posting, by the renter or its delegate), settlement into the host
// account, per-lease attestations, paying out to the owner, and the penalty path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, PublicKey, SYSVAR_CLOCK_PUBKEY } from '@solana/web3.js';
import { DecloudProgramError, hostStatusOf, PROGRAM_ID } from '@decloud/sdk/chain/index';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/index';
import { HostRegistration, ProverError, ReceiptCollector, RewardClaimer, Settler, hostPeerIdBytes, postAttestations } from '../src/prover/index.js';
import type { ProverComponents } from '../src/prover/index.js';
import {
  EPOCH_SECS, SOL, attestationBy, balanceOf, clientOf, epochRange, funded, heartbeats, nextBlockhash, nowSecs, openLeaseFor, quoteFor, receiptBy,
  silentLog, startWorld, waitUntilSecs,
} from './support/chain-world.js';
import type { QuoteOptions, World } from './support/chain-world.js';

const SPEC_HASH = 'ab'.repeat(32);
let world: World;
let operator: Keypair;
let owner: Keypair;
let host: ProverComponents;
let renter: Keypair;
let renterChain: DecloudChain;

function componentsOf(keypair: Keypair): ProverComponents {
  return { chain: clientOf(world.connection, keypair), operator: keypair, clock: Date.now, log: silentLog };
}

async function registeredHost(): Promise<ProverComponents> {
  const components = componentsOf(await funded(world.connection, 5));
  await new HostRegistration(components, { stake: SOL, specHash: SPEC_HASH, owner: owner.publicKey }).ensure();
  return components;
}

/** A lease on `hostOperator` opened now by the test renter, with a valid quote's terms. */
async function openLease(hostOperator: Keypair, options: QuoteOptions = {}): Promise<PublicKey> {
  return openLeaseFor(renterChain, quoteFor(hostOperator, renter.publicKey, { durationSecs: 120, ...options }), hostOperator.publicKey);
}

async function errorOf(promise: Promise<unknown>): Promise<ProverError> {
  try {
    await promise;
  } catch (err) {
    assert.instance(err, ProverError);
    return err as ProverError;
  }
  throw new Error('expected a ProverError');
}

test.before(async () => {
  world = await startWorld();
  operator = await funded(world.connection, 10);
  owner = await funded(world.connection, 1); // funded so small payouts keep it rent-exempt
  host = componentsOf(operator);
  renter = await funded(world.connection, 10);
  renterChain = clientOf(world.connection, renter);
});

test.after(async () => {
  await world.close();
});

test('the peer id bytes are the libp2p identity multihash of the operator key', () => {
  const key = Keypair.generate().publicKey;
  assert.equal(hostPeerIdBytes(key), peerIdFromSolanaPublicKey(key.toBytes()).toMultihash().bytes);
});

test('registration: registers and activates once, then changes nothing; reactivates a deactivated host', async () => {
  const registration = new HostRegistration(host, { stake: SOL, specHash: SPEC_HASH, owner: owner.publicKey });
  const first = await registration.ensure();
  assert.equal({ registered: first.registered, activated: first.activated, status: first.status }, { registered: true, activated: true, status: 'active' });
  const account = await host.chain.fetchHost(operator.publicKey);
  assert.ok(account);
  assert.equal(Uint8Array.from(account.peerId), hostPeerIdBytes(operator.publicKey));
  assert.is(Buffer.from(account.specHash).toString('hex'), SPEC_HASH);
  assert.is(account.stake, SOL);
  assert.ok(account.owner.equals(owner.publicKey));
  assert.is(account.payable, 0n);

  const balance = await balanceOf(world.connection, operator.publicKey);
  const second = await registration.ensure();
  assert.equal({ registered: second.registered, activated: second.activated, status: second.status }, { registered: false, activated: false, status: 'active' });
  assert.is(await balanceOf(world.connection, operator.publicKey), balance, 'a second ensure sends nothing');

  await host.chain.deactivateHost();
  await nextBlockhash(world.connection);
  const third = await registration.ensure();
  assert.equal({ registered: third.registered, activated: third.activated }, { registered: false, activated: true });
  assert.is(hostStatusOf((await host.chain.fetchHost(operator.publicKey))!.status), 'active');
});

test('registration: a stake below the minimum or too little SOL is refused with the fix, and nothing is registered', async () => {
  const low = componentsOf(await funded(world.connection, 5));
  const tooLow = await errorOf(new HostRegistration(low, { stake: SOL / 2n, specHash: SPEC_HASH }).ensure());
  assert.is(tooLow.code, 'STAKE_TOO_LOW');
  assert.match(tooLow.message, `at least ${SOL} lamports`);
  assert.is(await low.chain.fetchHost(low.operator.publicKey), null);

  const poor = componentsOf(await funded(world.connection, 0.5));
  const broke = await errorOf(new HostRegistration(poor, { stake: SOL, specHash: SPEC_HASH }).ensure());
  assert.is(broke.code, 'INSUFFICIENT_SOL');
  assert.match(broke.message, `send SOL to ${poor.operator.publicKey.toBase58()}`);
  assert.is(await poor.chain.fetchHost(poor.operator.publicKey), null);
});

test('registration: an owner that cannot receive lamports (a program, a sysvar) is refused with the fix; nothing is sent', async () => {
  const components = componentsOf(await funded(world.connection, 5));
  const balance = await balanceOf(world.connection, components.operator.publicKey);
  for (const [badOwner, what] of [[PROGRAM_ID, 'an executable program account'], [SYSVAR_CLOCK_PUBKEY, 'a sysvar']] as const) {
    const refused = await errorOf(new HostRegistration(components, { stake: SOL, specHash: SPEC_HASH, owner: badOwner }).ensure());
    assert.is(refused.code, 'OWNER_CANNOT_RECEIVE');
    assert.match(refused.message, `the owner ${badOwner.toBase58()} cannot receive lamports (it is ${what})`);
    assert.match(refused.message, 'OwnerCannotReceive');
    assert.match(refused.message, 'decloud-node init --owner <pubkey> --force');
  }
  assert.is(await components.chain.fetchHost(components.operator.publicKey), null);
  assert.is(await balanceOf(world.connection, components.operator.publicKey), balance, 'no fee was spent');
  // The program's own refusal, by the name the registration translates.
  const direct = await components.chain.registerHost({ owner: PROGRAM_ID, peerId: hostPeerIdBytes(components.operator.publicKey), specHash: new Uint8Array(32), stake: SOL })
    .then(() => undefined, (err: unknown) => err);
  assert.instance(direct, DecloudProgramError);
  assert.is((direct as DecloudProgramError).errorName, 'OwnerCannotReceive');
});

test('receipts: verified, newest kept, posted; settle pays rate x proven minus the fee into the host account, the claim to the owner', async () => {
  const collector = new ReceiptCollector(host);
  const lease = await openLease(operator);
  const start = (await host.chain.fetchLease(lease))!.start;
  await waitUntilSecs(start + 2n);

  assert.is(await collector.submit(receiptBy(renter, lease, start + 1n)), 'accepted');
  assert.is(await collector.submit(receiptBy(renter, lease, start + 2n)), 'accepted');
  assert.is(await collector.submit(receiptBy(renter, lease, start + 1n)), 'stale', 'older than the one held');
  assert.equal(collector.pendingReceipts().map((r) => r.until), [start + 2n]);

  const report = await collector.flush();
  assert.equal(report.posted, [lease.toBase58()]);
  const proven = await host.chain.fetchLease(lease);
  assert.is(proven!.provenSecs, 2n);
  assert.is(proven!.provenUntil, start + 2n);
  assert.is(await collector.submit(receiptBy(renter, lease, start + 2n)), 'stale', 'already posted');

  const ownerBefore = await balanceOf(world.connection, owner.publicKey);
  const hostBefore = (await host.chain.fetchHost(operator.publicKey))!;
  const settled = await new Settler(host).settleAll();
  const amount = 2n * proven!.rate;
  const fee = (amount * BigInt(world.genesis.feeBps)) / 10_000n;
  assert.equal(settled, [{ lease: lease.toBase58(), amount }]);
  const hostAfter = (await host.chain.fetchHost(operator.publicKey))!;
  assert.is(hostAfter.payable - hostBefore.payable, amount - fee, 'held in the host account for the owner');
  assert.is(hostAfter.earned - hostBefore.earned, amount - fee);
  assert.is(await balanceOf(world.connection, owner.publicKey), ownerBefore, 'the owner is paid by the claim, not the settlement');
  const after = await host.chain.fetchLease(lease);
  assert.is(after!.settledSecs, 2n);
  assert.is(after!.paid, amount);
  assert.equal(await new Settler(host).settleAll(), [], 'nothing left to settle');

  const claimed = await new RewardClaimer(host).claim();
  assert.is(claimed, hostAfter.payable, 'everything payable');
  assert.is(await balanceOf(world.connection, owner.publicKey) - ownerBefore, claimed, 'paid to the owner');
  assert.is((await host.chain.fetchHost(operator.publicKey))!.payable, 0n);
  assert.is(await new RewardClaimer(host).claim(), 0n, 'nothing payable is no error');
});

test('receipts: one by the lease\'s delegate is accepted and posted with the delegate as signer', async () => {
  const collector = new ReceiptCollector(host);
  const session = Keypair.generate();
  const lease = await openLease(operator, { delegate: session.publicKey });
  const start = (await host.chain.fetchLease(lease))!.start;
  await waitUntilSecs(start + 1n);
  assert.is(await collector.submit(receiptBy(session, lease, start + 1n)), 'accepted');
  assert.equal((await collector.flush()).posted, [lease.toBase58()]);
  assert.is((await host.chain.fetchLease(lease))!.provenUntil, start + 1n);
  await waitUntilSecs(start + 2n);
  assert.is(await collector.submit(receiptBy(renter, lease, start + 2n)), 'accepted', 'the renter may still vouch');
  assert.equal((await collector.flush()).posted, [lease.toBase58()]);
  const forged = await errorOf(collector.submit(receiptBy(Keypair.generate(), lease, start + 2n)));
  assert.is(forged.code, 'FORGED_RECEIPT');
  assert.match(forged.message, `renter ${renter.publicKey.toBase58()} or its delegate ${session.publicKey.toBase58()}`);
});

test('receipts: a forged one is refused before anything is sent; a stale one on-chain is dropped quietly', async () => {
  const collector = new ReceiptCollector(host);
  const lease = await openLease(operator);
  const start = (await host.chain.fetchLease(lease))!.start;
  await waitUntilSecs(start + 1n);
  const balance = await balanceOf(world.connection, operator.publicKey);

  const impostor = Keypair.generate();
  const forged = await errorOf(collector.submit(receiptBy(impostor, lease, start + 1n)));
  assert.is(forged.code, 'FORGED_RECEIPT');
  assert.match(forged.message, `not signed by the lease's renter ${renter.publicKey.toBase58()}`);
  const tampered = { ...receiptBy(renter, lease, start + 1n), until: start + 2n };
  assert.is((await errorOf(collector.submit(tampered))).code, 'FORGED_RECEIPT');
  const early = await errorOf(collector.submit(receiptBy(renter, lease, nowSecs() + 3600n)));
  assert.is(early.code, 'RECEIPT_IN_FUTURE');
  assert.is((await errorOf(collector.submit(receiptBy(renter, Keypair.generate().publicKey, start)))).code, 'UNKNOWN_LEASE');
  assert.equal(collector.pendingReceipts(), []);
  assert.equal(await collector.flush(), { posted: [], stale: [], dropped: [], kept: [] });
  assert.is(await balanceOf(world.connection, operator.publicKey), balance, 'no transaction was sent');
  assert.is((await host.chain.fetchLease(lease))!.provenSecs, 0n);

  // Another collector (a restarted node) posted newer time first: this one's receipt is then stale on-chain.
  await waitUntilSecs(start + 2n);
  const other = new ReceiptCollector(host);
  await other.submit(receiptBy(renter, lease, start + 2n));
  await other.flush();
  await collector.submit(receiptBy(renter, lease, start + 1n));
  assert.equal(await collector.flush(), { posted: [], stale: [lease.toBase58()], dropped: [], kept: [] });
  assert.equal(collector.pendingReceipts(), []);
});

test('receipts: a lease of another host is refused', async () => {
  const otherHost = await registeredHost();
  const lease = await openLease(otherHost.operator);
  const refused = await errorOf(new ReceiptCollector(host).submit(receiptBy(renter, lease, nowSecs())));
  assert.is(refused.code, 'WRONG_HOST');
});

test('attestations: each posted for its own lease only, earning the epoch\'s reward once; strangers, bad signatures and foreign leases refused', async () => {
  const attested = await registeredHost();
  const [seen, unseen] = [await openLease(attested.operator), await openLease(attested.operator)];
  const foreign = await openLease((await registeredHost()).operator);
  const start = (await attested.chain.fetchLease(unseen))!.start;
  // The first epoch boundary after both leases opened, and that epoch's end passed.
  const epoch = start / EPOCH_SECS;
  await waitUntilSecs((epoch + 1n) * EPOCH_SECS);
  const operatorKey = attested.operator.publicKey;
  const stranger = Keypair.generate();
  const before = (await attested.chain.fetchHost(operatorKey))!;
  const report = await postAttestations(attested, [
    attestationBy(world.witness, operatorKey, seen, epoch),
    attestationBy(stranger, operatorKey, seen, epoch),
    { ...attestationBy(world.witness, operatorKey, seen, epoch), lease: unseen }, // signed for the other lease
    attestationBy(world.witness, operatorKey, foreign, epoch),
  ]);
  assert.is(report.posted, 1);
  assert.is(report.refused.length, 3);
  assert.match(report.refused[0]!.reason, 'not a witness in the program config');
  assert.match(report.refused[1]!.reason, `signature is not the witness's over (host ${operatorKey.toBase58()}, lease ${unseen.toBase58()}`);
  assert.match(report.refused[2]!.reason, 'is not open on this host');
  const proven = (await attested.chain.fetchLease(seen))!;
  assert.is(proven.provenUntil, (epoch + 1n) * EPOCH_SECS);
  assert.ok(proven.provenSecs > 0n);
  assert.is((await attested.chain.fetchLease(unseen))!.provenSecs, 0n, 'the lease the witness did not attest is not proven');
  const after = (await attested.chain.fetchHost(operatorKey))!;
  assert.is(after.provenEpochs - before.provenEpochs, 1n);
  const reward = after.rewardsEarned - before.rewardsEarned;
  assert.ok(reward > 0n && reward <= world.genesis.epochReward, `one epoch's reward: ${reward}`);
  assert.is(after.payable - before.payable, reward, 'held for the owner');

  // The unseen lease's attestation for the same epoch: proves its time, but the epoch was rewarded already.
  await postAttestations(attested, [attestationBy(world.witness, operatorKey, unseen, epoch)]);
  assert.ok((await attested.chain.fetchLease(unseen))!.provenSecs > 0n);
  assert.is((await attested.chain.fetchHost(operatorKey))!.rewardsEarned, after.rewardsEarned, 'one reward per epoch, however many leases');

  await nextBlockhash(world.connection);
  const again = await postAttestations(attested, [attestationBy(world.witness, operatorKey, seen, epoch)]);
  assert.equal({ posted: again.posted, skipped: again.skipped, failed: again.failed }, { posted: 0, skipped: 1, failed: 0 }, 'stale on-chain: skipped, not an error');

  const ownerBefore = await balanceOf(world.connection, owner.publicKey);
  const claimed = await new RewardClaimer(attested).claim();
  assert.is(claimed, after.payable, 'the rewards are paid out with the claim');
  assert.is(await balanceOf(world.connection, owner.publicKey) - ownerBefore, claimed);
});

test('penalty: none while the witnesses were not alive; once they were, the host is jailed and registration names the way out', async () => {
  const jailedHost = await registeredHost();
  const lease = await openLease(jailedHost.operator);
  const start = (await jailedHost.chain.fetchLease(lease))!.start;
  const first = start / EPOCH_SECS + 1n; // the first whole epoch of the lease
  const grace = BigInt(world.genesis.graceEpochs);
  // Well past the grace with nothing proven, but no witness said it was alive then.
  await waitUntilSecs((first + grace + 1n) * EPOCH_SECS);
  const refused = await renterChain.penalize(lease).then(() => undefined, (err: unknown) => err);
  assert.instance(refused, DecloudProgramError);
  assert.is((refused as DecloudProgramError).errorName, 'WithinGrace');

  await heartbeats(world, epochRange(first, first + grace));
  const stakeBefore = (await jailedHost.chain.fetchHost(jailedHost.operator.publicKey))!.stake;
  const poolBefore = await renterChain.fetchRewardPool();
  await renterChain.penalize(lease);
  const jailed = (await jailedHost.chain.fetchHost(jailedHost.operator.publicKey))!;
  assert.is(hostStatusOf(jailed.status), 'jailed');
  assert.ok(jailed.jailedUntil >= nowSecs(), 'jailed for a while');
  const slash = stakeBefore - jailed.stake;
  assert.is(slash, (stakeBefore * BigInt(world.genesis.slashBps)) / 10_000n);
  assert.is((await renterChain.fetchRewardPool()).totalSlashed - poolBefore.totalSlashed, slash, 'the slash goes to the reward pool');
  assert.is(await renterChain.fetchLease(lease), null);

  const registration = await errorOf(new HostRegistration(jailedHost, { stake: SOL, specHash: SPEC_HASH }).ensure());
  assert.is(registration.code, 'HOST_JAILED');
  assert.match(registration.message, 'new operator key');
});

test.run();
