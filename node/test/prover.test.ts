// The prover on the real local chain running the real program: registration, receipts
// (checked locally before posting), settlement, attestations, reward claims.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair } from '@solana/web3.js';
import { attestationMessage, hostStatusOf, signProof } from '@decloud/sdk/chain/index';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/index';
import { HostRegistration, ProverError, ReceiptCollector, RewardClaimer, Settler, hostPeerIdBytes, postAttestations } from '../src/prover/index.js';
import type { ProverComponents } from '../src/prover/index.js';
import {
  EPOCH_SECS, SOL, balanceOf, clientOf, funded, nextBlockhash, nowSecs, openLeaseFor, quoteFor, receiptBy, silentLog, startWorld, waitUntilSecs,
} from './support/chain-world.js';
import type { World } from './support/chain-world.js';

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
async function openLease(hostOperator: Keypair, durationSecs = 120): Promise<ReturnType<typeof openLeaseFor>> {
  return openLeaseFor(renterChain, quoteFor(hostOperator, renter.publicKey, { durationSecs }), hostOperator.publicKey);
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

test('receipts: verified, newest kept, posted; settle pays the owner rate x proven minus the fee', async () => {
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

  const before = await balanceOf(world.connection, owner.publicKey);
  const settled = await new Settler(host).settleAll();
  const amount = 2n * proven!.rate;
  const fee = (amount * BigInt(world.genesis.feeBps)) / 10_000n;
  assert.equal(settled, [{ lease: lease.toBase58(), amount }]);
  assert.is(await balanceOf(world.connection, owner.publicKey) - before, amount - fee);
  const after = await host.chain.fetchLease(lease);
  assert.is(after!.settledSecs, 2n);
  assert.is(after!.paid, amount);
  assert.equal(await new Settler(host).settleAll(), [], 'nothing left to settle');
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

test('attestations: posted for every open lease of the host; unknown witnesses and bad signatures refused', async () => {
  const attested = await registeredHost();
  const leases = [await openLease(attested.operator), await openLease(attested.operator)];
  const start = (await attested.chain.fetchLease(leases[1]!))!.start;
  // The first epoch boundary after both leases opened, and that epoch's end passed.
  const epoch = start / EPOCH_SECS;
  await waitUntilSecs((epoch + 1n) * EPOCH_SECS);
  const sign = (signer: Keypair, e: bigint) => signProof(signer.secretKey, signer.publicKey, attestationMessage(attested.operator.publicKey, e)).signature;
  const stranger = Keypair.generate();
  const report = await postAttestations(attested, [
    { epoch, witness: world.witness.publicKey, signature: sign(world.witness, epoch) },
    { epoch, witness: stranger.publicKey, signature: sign(stranger, epoch) },
    { epoch: epoch - 1n, witness: world.witness.publicKey, signature: sign(world.witness, epoch) },
  ]);
  assert.is(report.posted, 2);
  assert.is(report.refused.length, 2);
  assert.match(report.refused[0]!.reason, 'not a witness');
  assert.match(report.refused[1]!.reason, 'signature is not the witness');
  for (const lease of leases) {
    const account = await attested.chain.fetchLease(lease);
    assert.is(account!.provenUntil, (epoch + 1n) * EPOCH_SECS);
    assert.ok(account!.provenSecs > 0n);
  }
  await nextBlockhash(world.connection);
  const again = await postAttestations(attested, [{ epoch, witness: world.witness.publicKey, signature: sign(world.witness, epoch) }]);
  assert.equal({ posted: again.posted, skipped: again.skipped, failed: again.failed }, { posted: 0, skipped: 2, failed: 0 }, 'stale on-chain: skipped, not an error');
});

test('rewards: claimed when proven epochs exceed rewarded ones; then nothing to claim is not an error', async () => {
  const claimer = new RewardClaimer(host);
  const account = await host.chain.fetchHost(operator.publicKey);
  assert.ok(account!.provenEpochs > account!.rewardedEpochs, 'the receipts above proved epochs');
  const before = await balanceOf(world.connection, owner.publicKey);
  const amount = await claimer.claim();
  assert.ok(amount > 0n);
  assert.is(await balanceOf(world.connection, owner.publicKey) - before, amount);
  const after = await host.chain.fetchHost(operator.publicKey);
  assert.is(after!.rewardedEpochs, after!.provenEpochs);
  assert.is(await claimer.claim(), 0n);
});

test('registration: a jailed host gets an error naming the way out', async () => {
  const jailedHost = await registeredHost();
  const lease = await openLease(jailedHost.operator);
  const start = (await jailedHost.chain.fetchLease(lease))!.start;
  // Past the grace period (graceEpochs x epoch) with nothing proven: anyone may penalize.
  await waitUntilSecs(start + BigInt(world.genesis.graceEpochs) * EPOCH_SECS + 1n);
  await renterChain.penalize(lease);
  const refused = await errorOf(new HostRegistration(jailedHost, { stake: SOL, specHash: SPEC_HASH }).ensure());
  assert.is(refused.code, 'HOST_JAILED');
  assert.match(refused.message, 'new operator key');
});

test.run();
