// Uptime proven by the witness alone, on the network `npm start` runs: a renter rents through
// the CLI and goes silent (no receipt is ever sent), yet the lease's proven time grows
// through attestations and the host's owner is paid when the host settles. Then the host
// node is killed: its lease earns nothing more, and once the grace period is over the
// renter penalizes it and gets the unproven deposit back plus part of the host's stake.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PublicKey } from '@solana/web3.js';
import type { DecloudChain, HostAccount, LeaseAccount, RewardPoolAccount } from '@decloud/sdk/chain/index';
import { DecloudProgramError, hostStatusOf } from '@decloud/sdk/chain/index';
import { decloudOk, field, interruptProblems, NpmStart, processesOf, alive, type RenterEnv } from './support/npm-start.js';
import { assertPortsFree, busyPorts } from './support/npm-start-ports.js';
import { atOneMoment, balanceChange, bpsOf, proofsIn, settlementsIn, transactionsOf } from './support/ledger-audit.js';
import { chainClient, cleanUpNetwork, hostContainers, hostOperator, waitFor } from './support/network-state.js';
import { testSession } from './support/test-session.js';
import { failedTotal, witnessCounters } from './support/witness-counters.js';

const EPOCH_SECS = 4;
const GRACE_EPOCHS = 4;
const state = mkdtempSync(join(tmpdir(), 'decloud-witness-net-'));
const home = join(state, 'renter-home');
const runs: NpmStart[] = [];
const { timed, markNetworkUp, requireNetwork, timingsText } = testSession();

const nowSecs = (): bigint => BigInt(Math.floor(Date.now() / 1000));

let env: RenterEnv;
let chain: DecloudChain;
let renter: PublicKey;
let operator: PublicKey;
let lease: PublicKey;
let before: { host: HostAccount; pool: RewardPoolAccount };
let provenAtKill: LeaseAccount;

test('npm start with short proof epochs; the renter rents through the CLI, then goes silent', async () => {
  await assertPortsFree('before npm start');
  const run = NpmStart.run({ state, env: { DECLOUD_EPOCH_SECS: String(EPOCH_SECS), DECLOUD_GRACE_EPOCHS: String(GRACE_EPOCHS) } });
  runs.push(run);
  env = await timed('npm start until "DeCloud is running"', () => run.untilRunning());
  chain = chainClient(env.DECLOUD_RPC_URL!, env.DECLOUD_WALLET!);
  renter = chain.wallet;
  operator = hostOperator(state).publicKey;
  const config = await chain.fetchConfig();
  assert.is(config.proofEpochSecs, BigInt(EPOCH_SECS), 'DECLOUD_EPOCH_SECS reached the program config');
  assert.is(config.graceEpochs, GRACE_EPOCHS, 'DECLOUD_GRACE_EPOCHS too');

  await timed('decloud hosts', () => decloudOk(['hosts'], env, home));
  before = await atOneMoment(chain.connection, async () => ({ host: (await chain.fetchHost(operator))!, pool: await chain.fetchRewardPool() }));
  const rent = await timed('decloud rent', () => decloudOk(['rent', '1', '--image', 'decloud/busybox:local', '--hours', '1'], env, home));
  lease = new PublicKey(field(rent.stdout, 'lease'));
  assert.ok(await chain.fetchLease(lease), 'the lease is open on-chain');
  markNetworkUp();
});

test('the witness alone proves the lease, and the owner is paid when the host settles', async () => {
  requireNetwork();
  const proven = await timed('first attestation on the lease', () => waitFor('the lease gets proven time', async () => {
    const account = await chain.fetchLease(lease);
    return account !== null && account.provenSecs > 0n ? account : undefined;
  }, 8 * EPOCH_SECS * 1000).catch(async (err: Error) => {
    throw new Error(`${err.message}: the witness's counters are ${JSON.stringify(await witnessCounters())} (challenges answered by the host, attestations signed and delivered)`);
  }));
  assert.ok(proven.provenSecs > 0n);

  // The host settles on its own schedule (every minute by default).
  await timed('host settles', () => waitFor('the host settles the proven time', async () => {
    const account = await chain.fetchLease(lease);
    return account !== null && account.settledSecs > 0n ? account : undefined;
  }, 150_000));
  const { settled, txs, host, pool } = await atOneMoment(chain.connection, async () => ({
    settled: (await chain.fetchLease(lease))!,
    txs: await transactionsOf(chain.connection, lease),
    host: (await chain.fetchHost(operator))!,
    pool: await chain.fetchRewardPool(),
  }));
  const proofs = proofsIn(txs);
  assert.ok(proofs.length >= 1, 'proofs were posted');
  assert.equal(proofs.filter((p) => p.kind === 'receipt'), [], 'no receipt: the renter never vouched');
  const epochs = proofs.map((p) => p.value);
  assert.equal(epochs, [...epochs].sort((a, b) => (a < b ? -1 : 1)), 'attested epochs come in order');
  assert.ok(settled.provenSecs <= settled.provenUntil - settled.start, 'proven time lies within the lease');
  assert.is(settled.provenUntil, (epochs.at(-1)! + 1n) * BigInt(EPOCH_SECS), 'proven up to the end of the last attested epoch');
  assert.ok(txs.filter((tx) => !tx.failed).every((tx) => tx.feePayer !== renter.toBase58() || tx.logs.some((l) => l.endsWith('Instruction: OpenLease'))),
    'the renter sent no transaction after opening the lease');

  const config = await chain.fetchConfig();
  const settlements = settlementsIn(txs, { owner: host.owner, pool: chain.rewardPool });
  assert.ok(settlements.length >= 1 && settlements.every((s) => s.instruction === 'SettleLease'), 'settled by settle_lease');
  for (const s of settlements) {
    assert.is(s.amount % settled.rate, 0n);
    assert.is(s.fee, bpsOf(s.amount, config.feeBps), `fee = ${config.feeBps} bps`);
  }
  const paid = settlements.reduce((sum, s) => sum + s.amount, 0n);
  assert.is(settled.paid, paid, 'lease.paid = what left the escrow');
  assert.is(paid, settled.rate * settled.settledSecs, 'rate x settled seconds');
  assert.is(host.earned - before.host.earned, paid - (pool.totalFees - before.pool.totalFees), 'the owner earned it minus the protocol fee');
  assert.is(host.earned - before.host.earned, settlements.reduce((sum, s) => sum + s.ownerShare, 0n), 'and received exactly that');
  process.stdout.write(`  ${proofs.length} attestations (epochs ${epochs[0]}..${epochs.at(-1)}), proven ${settled.provenSecs} s, settled ${settled.settledSecs} s = ${paid} lamports, owner got ${host.earned - before.host.earned}\n`);
});

test('a healthy host cannot be penalized: refused, nothing changes', async () => {
  requireNetwork();
  const [leaseBefore, renterBefore] = await Promise.all([chain.fetchLease(lease), chain.connection.getBalance(renter)]);
  const behind = nowSecs() - leaseBefore!.provenUntil;
  assert.ok(behind <= BigInt(GRACE_EPOCHS * EPOCH_SECS), `a healthy host's proofs lag ${behind} s, within the grace of ${GRACE_EPOCHS * EPOCH_SECS} s`);
  try {
    await chain.penalize(lease);
    assert.unreachable('penalize_host succeeded against a host that proves its uptime');
  } catch (err) {
    if (!(err instanceof DecloudProgramError)) throw err;
    assert.is(err.errorName, 'WithinGrace');
  }
  const leaseAfter = (await chain.fetchLease(lease))!;
  assert.is(leaseAfter.deposit, leaseBefore!.deposit);
  assert.is(leaseAfter.paid, leaseBefore!.paid);
  assert.is(await chain.connection.getBalance(renter), renterBefore, 'the refused call cost the renter nothing');
  assert.is(hostStatusOf((await chain.fetchHost(operator))!.status), 'active');
});

test('the host node is killed: its lease is proven no further', async () => {
  requireNetwork();
  const command = `decloud-node.js --data ${join(state, 'host')} start`;
  const nodes = processesOf(command);
  assert.is(nodes.length, 1, `exactly one host node process: ${JSON.stringify(nodes)}`);
  const countersBefore = await witnessCounters();
  process.kill(nodes[0]!.pid, 'SIGKILL');
  await waitFor('the host node is dead', async () => !alive(nodes[0]!.pid), 5_000, 50);
  const run = runs[0]!;
  await run.waitForLine((l) => l.includes('host node stopped unexpectedly'), 10_000, 'that the host node stopped');
  assert.ok(run.running, 'npm start keeps the chain and the bootstrap peer running');

  // A transaction the host sent just before it died may still land.
  await sleep(1_000);
  provenAtKill = (await chain.fetchLease(lease))!;
  await timed('4 epochs without the host', () => sleep(4 * EPOCH_SECS * 1000 + 500));
  const later = (await chain.fetchLease(lease))!;
  assert.is(later.provenUntil, provenAtKill.provenUntil, 'proven_until stops advancing');
  assert.is(later.provenSecs, provenAtKill.provenSecs, 'no second is earned while the host is down');
  const counters = await witnessCounters();
  assert.ok(failedTotal(counters) - failedTotal(countersBefore) >= 3, `the witness kept challenging and the host did not answer: ${JSON.stringify(counters.failed)}`);
  assert.is(counters.answered, countersBefore.answered, 'no answer from a dead host');
});

test('after the grace period the renter penalizes the host: unproven deposit back plus a share of the stake', async () => {
  requireNetwork();
  const grace = BigInt(GRACE_EPOCHS * EPOCH_SECS);
  await timed('until past the grace period', () => waitFor('the lease lags beyond the grace period', async () => nowSecs() - 1n > provenAtKill.provenUntil + grace, 120_000, 250));
  const config = await chain.fetchConfig();
  const [account, hostBefore, escrow] = await Promise.all([chain.fetchLease(lease), chain.fetchHost(operator), chain.connection.getBalance(lease)]);
  const signature = await chain.penalize(lease);
  const [tx] = (await transactionsOf(chain.connection, lease)).filter((t) => t.signature === signature);
  assert.ok(tx && !tx.failed, 'penalize_host went through');

  const slash = bpsOf(hostBefore!.stake, config.slashBps);
  const unsettled = account!.rate * (account!.provenSecs - account!.settledSecs);
  const rent = BigInt(escrow) - (account!.deposit - account!.paid);
  const refund = account!.deposit - account!.rate * account!.provenSecs;
  assert.is(balanceChange(tx, renter), refund + rent + slash - tx.fee,
    'renter gets the unproven deposit, the rent and the slashed stake (minus the transaction fee)');
  assert.is(balanceChange(tx, chain.hostAddress(operator)), -slash, 'the slash comes out of the host\'s stake');
  const settlement = settlementsIn([tx], { owner: hostBefore!.owner, pool: chain.rewardPool })[0]!;
  assert.is(settlement.amount, unsettled, 'proven time not yet settled is still paid to the host');

  const host = (await chain.fetchHost(operator))!;
  assert.is(hostStatusOf(host.status), 'jailed');
  assert.is(host.stake, hostBefore!.stake - slash);
  assert.is(await chain.fetchLease(lease), null, 'the lease is closed');
  const leases = await decloudOk(['leases'], env, home);
  assert.match(leases.stderr, 'No open lease');
  process.stdout.write(`  penalized ${nowSecs() - account!.provenUntil} s after the last proof: refund ${refund} + rent ${rent} + slash ${slash} lamports\n`);
});

test('Ctrl-C stops the rest cleanly', async () => {
  requireNetwork();
  const problems = await timed('Ctrl-C until everything stopped', () => interruptProblems(runs[0]!, state, busyPorts));
  assert.equal(problems, [], `Ctrl-C should stop everything cleanly:\n${runs[0]!.tail(12)}`);
});

test.after(async () => {
  const orphans = await hostContainers(operator?.toBase58() ?? '-').catch(() => []);
  await cleanUpNetwork(runs, state);
  process.stdout.write(`  removed ${orphans.length} container(s) the killed host left; timings: ${timingsText()}\n`);
});

test.run();
