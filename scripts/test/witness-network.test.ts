// Uptime proven by the witness alone, on the network `npm start` runs: a renter rents two
// leases through the CLI and goes silent (no receipt is ever sent), yet their proven time
// grows through attestations, one per lease the witness saw running, and the host account
// is credited when the host settles. One lease's container dies: the witness attests it no
// more and the host closes it on-chain (full refund of the unproven time, no slash). Then the
// witness key is emptied (no heartbeats) and the host node killed: however long its lease
// goes unproven, no penalty, for the witness was not seen alive. Once the witness is funded
// again its heartbeats mark the epochs alive, and past the grace the renter penalizes the
// host: the unproven deposit back to the renter, the slash to the reward pool, the host jailed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LAMPORTS_PER_SOL, PublicKey, SystemProgram, Transaction, sendAndConfirmTransaction } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import type { DecloudChain, HostAccount, LeaseAccount, RewardPoolAccount } from '@decloud/sdk/chain/index';
import { DecloudProgramError, hostStatusOf } from '@decloud/sdk/chain/index';
import { decloudOk, field, interruptProblems, NpmStart, processesOf, alive, ROOT, type RenterEnv } from './support/npm-start.js';
import { assertPortsFree, busyPorts } from './support/npm-start-ports.js';
import {
  aliveIn, atOneMoment, balanceChange, bpsOf, heartbeatsIn, proofsIn, settlementsIn, transactionsOf,
} from './support/ledger-audit.js';
import { chainClient, cleanUpNetwork, docker, hostContainers, hostOperator, keypairFile, waitFor } from './support/network-state.js';
import { testSession } from './support/test-session.js';
import { failedTotal, witnessCounters } from './support/witness-counters.js';

const EPOCH_SECS = 4;
const GRACE_EPOCHS = 4;
const state = mkdtempSync(join(tmpdir(), 'decloud-witness-net-'));
const home = join(state, 'renter-home');
const runs: NpmStart[] = [];
const { timed, markNetworkUp, requireNetwork, timingsText } = testSession();

const nowSecs = (): bigint => BigInt(Math.floor(Date.now() / 1000));
const epochNow = (): bigint => nowSecs() / BigInt(EPOCH_SECS);

let env: RenterEnv;
let chain: DecloudChain;
let renter: PublicKey;
let operator: PublicKey;
let witness: Keypair;
/** Runs to the end; its host dies under it. */
let lease: PublicKey;
/** Its container is killed. */
let doomed: PublicKey;
let before: { host: HostAccount; pool: RewardPoolAccount };
let provenAtKill: LeaseAccount;
let stakeAtKill: bigint;
/** The epoch the witness key was emptied in: no heartbeat for it or later. */
let unfundedFrom: bigint;
/** The epoch the host node was killed in: from it on, nothing marks an epoch alive but heartbeats. */
let killEpoch: bigint;

/** The host operator's CLI, run to its end (exit code and output). */
function decloudNode(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'node/bin/decloud-node.js'), '--data', join(state, 'host'), ...args], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' }, timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function witnessHealth(): Promise<{ heartbeatsFunded?: boolean; lastHeartbeat?: string }> {
  return ((await (await fetch('http://127.0.0.1:8080/health')).json()) as { witness: { heartbeatsFunded?: boolean; lastHeartbeat?: string } }).witness;
}

async function penalizeRefusal(): Promise<string | undefined> {
  try {
    await chain.penalize(lease);
    return undefined;
  } catch (err) {
    if (!(err instanceof DecloudProgramError)) throw err;
    return err.errorName;
  }
}

test('npm start with short proof epochs; the renter rents two leases through the CLI, then goes silent', async () => {
  await assertPortsFree('before npm start');
  const run = NpmStart.run({ state, env: { DECLOUD_EPOCH_SECS: String(EPOCH_SECS), DECLOUD_GRACE_EPOCHS: String(GRACE_EPOCHS) } });
  runs.push(run);
  env = await timed('npm start until "DeCloud is running"', () => run.untilRunning());
  chain = chainClient(env.DECLOUD_RPC_URL!, env.DECLOUD_WALLET!);
  renter = chain.wallet;
  operator = hostOperator(state).publicKey;
  witness = keypairFile(join(state, 'bootstrap/witness.json'));
  const config = await chain.fetchConfig();
  assert.is(config.proofEpochSecs, BigInt(EPOCH_SECS), 'DECLOUD_EPOCH_SECS reached the program config');
  assert.is(config.graceEpochs, GRACE_EPOCHS, 'DECLOUD_GRACE_EPOCHS too');
  assert.ok(config.witnesses.slice(0, config.witnessCount).some((w) => w.equals(witness.publicKey)), 'the bootstrap peer is the witness');

  await timed('decloud hosts', () => decloudOk(['hosts'], env, home));
  before = await atOneMoment(chain.connection, async () => ({ host: (await chain.fetchHost(operator))!, pool: await chain.fetchRewardPool() }));
  const rent = async () => new PublicKey(field((await timed('decloud rent', () => decloudOk(['rent', '1', '--image', 'decloud/busybox:local', '--hours', '1'], env, home))).stdout, 'lease'));
  lease = await rent();
  doomed = await rent();
  assert.ok(await chain.fetchLease(lease), 'the lease is open on-chain');
  assert.ok(await chain.fetchLease(doomed), 'and the second one');
  markNetworkUp();
});

test('the witness alone proves each running lease, and the host account is credited when the host settles', async () => {
  requireNetwork();
  for (const l of [lease, doomed]) {
    await timed('first attestation on a lease', () => waitFor('the lease gets proven time', async () => {
      const account = await chain.fetchLease(l);
      return account !== null && account.provenSecs > 0n ? account : undefined;
    }, 8 * EPOCH_SECS * 1000).catch(async (err: Error) => {
      throw new Error(`${err.message}: the witness's counters are ${JSON.stringify(await witnessCounters())} (challenges answered by the host, attestations signed and delivered)`);
    }));
  }

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
  assert.ok(proofs.every((p) => p.lease === lease.toBase58() && p.signer === witness.publicKey.toBase58()), 'each attestation names this lease, signed by the witness');
  const epochs = proofs.map((p) => p.value);
  assert.equal(epochs, [...epochs].sort((a, b) => (a < b ? -1 : 1)), 'attested epochs come in order');
  assert.ok(settled.provenSecs <= settled.provenUntil - settled.start, 'proven time lies within the lease');
  assert.is(settled.provenUntil, (epochs.at(-1)! + 1n) * BigInt(EPOCH_SECS), 'proven up to the end of the last attested epoch');
  assert.ok(txs.filter((tx) => !tx.failed).every((tx) => tx.feePayer !== renter.toBase58() || tx.logs.some((l) => l.endsWith('Instruction: OpenLease'))),
    'the renter sent no transaction after opening the lease');

  const settlements = settlementsIn(txs, { host: chain.hostAddress(operator), pool: chain.rewardPool });
  assert.ok(settlements.length >= 1 && settlements.every((s) => s.instruction === 'SettleLease'), 'settled by settle_lease');
  for (const s of settlements) {
    assert.is(s.amount % settled.rate, 0n);
    assert.is(s.toPool, bpsOf(s.amount, settled.feeBps), `fee = ${settled.feeBps} bps`);
  }
  const paid = settlements.reduce((sum, s) => sum + s.amount, 0n);
  assert.is(settled.paid, paid, 'lease.paid = what left the escrow');
  assert.is(paid, settled.rate * settled.settledSecs, 'rate x settled seconds');
  assert.ok(host.earned - before.host.earned >= settlements.reduce((sum, s) => sum + s.toHost, 0n), 'the host account earned it minus the protocol fee');
  // Two leases attested per epoch earn one reward per epoch.
  const rewarded = host.rewardsEarned - before.host.rewardsEarned;
  const provenEpochs = host.provenEpochs - before.host.provenEpochs;
  assert.ok(provenEpochs >= 1n && rewarded > 0n, `${provenEpochs} proven epochs earned ${rewarded} lamports of rewards`);
  assert.ok(rewarded <= provenEpochs * (await chain.fetchConfig()).epochReward, 'at most one epoch reward per proven epoch, whatever the number of leases');
  assert.is(pool.totalRewarded - before.pool.totalRewarded, rewarded, 'rewards come out of the pool');
  process.stdout.write(`  ${proofs.length} attestations (epochs ${epochs[0]}..${epochs.at(-1)}), proven ${settled.provenSecs} s, settled ${settled.settledSecs} s = ${paid} lamports; ${provenEpochs} epochs rewarded ${rewarded}\n`);
});

test('a lease whose container dies is attested no more, and the host closes it on-chain: the unproven time refunded, no slash', async () => {
  requireNetwork();
  const killedAt = epochNow();
  const stakeBefore = (await chain.fetchHost(operator))!.stake;
  await docker.getContainer(`decloud-${doomed.toBase58()}`).kill();
  await timed('the host closes the dead lease', () => waitFor('the dead lease closed on-chain', async () => ((await chain.fetchLease(doomed)) === null ? true : undefined), 30_000));
  const txs = await transactionsOf(chain.connection, doomed);
  const close = txs.find((tx) => !tx.failed && tx.logs.some((l) => l.endsWith('Instruction: CloseLease')));
  assert.ok(close, 'closed by close_lease');
  assert.is(close.feePayer, operator.toBase58(), 'by the host operator');
  const escrow = -balanceChange(close, doomed);
  const paid = settlementsIn([close], { host: chain.hostAddress(operator), pool: chain.rewardPool }).reduce((sum, s) => sum + s.amount, 0n);
  assert.is(balanceChange(close, renter), escrow - paid, 'the renter got everything but the proven time back (deposit and rent)');
  const host = (await chain.fetchHost(operator))!;
  assert.is(hostStatusOf(host.status), 'active', 'no penalty');
  assert.is(host.stake, stakeBefore, 'no slash');
  const attested = proofsIn(txs).filter((p) => p.kind === 'attestation').map((p) => p.value);
  assert.ok(attested.length >= 1 && attested.every((e) => e <= killedAt), `attested only for epochs up to its container's death (${killedAt}): ${attested.join(', ')}`);
  assert.ok(await chain.fetchLease(lease), 'the other lease runs on');
});

test('a healthy host cannot be penalized: refused, nothing changes', async () => {
  requireNetwork();
  const [leaseBefore, renterBefore] = await Promise.all([chain.fetchLease(lease), chain.connection.getBalance(renter)]);
  const behind = nowSecs() - leaseBefore!.provenUntil;
  assert.ok(behind <= BigInt(GRACE_EPOCHS * EPOCH_SECS), `a healthy host's proofs lag ${behind} s, within the grace of ${GRACE_EPOCHS * EPOCH_SECS} s`);
  assert.is(await penalizeRefusal(), 'WithinGrace');
  const leaseAfter = (await chain.fetchLease(lease))!;
  assert.is(leaseAfter.deposit, leaseBefore!.deposit);
  assert.is(leaseAfter.paid, leaseBefore!.paid);
  assert.is(await chain.connection.getBalance(renter), renterBefore, 'the refused call cost the renter nothing');
  assert.is(hostStatusOf((await chain.fetchHost(operator))!.status), 'active');
});

test('the witness posts a heartbeat for each ended epoch, paid from its key funded by npm start', async () => {
  requireNetwork();
  const beats = heartbeatsIn(await transactionsOf(chain.connection, witness.publicKey));
  assert.ok(beats.length >= 3, `${beats.length} heartbeats`);
  assert.ok(beats.every((b) => b.feePayer === witness.publicKey.toBase58()));
  const pool = await chain.fetchRewardPool();
  assert.ok(aliveIn(pool, beats.at(-1)!.epoch), 'the last one is alive on-chain');
  assert.is((await witnessHealth()).heartbeatsFunded, true);
});

test('the witness key is emptied and the host node killed: its lease is proven no further, and no penalty while no witness is seen alive', async () => {
  requireNetwork();
  // Everything the witness holds goes to the renter: it can pay no heartbeat any more.
  const balance = await chain.connection.getBalance(witness.publicKey);
  await sendAndConfirmTransaction(chain.connection, new Transaction().add(SystemProgram.transfer({ fromPubkey: witness.publicKey, toPubkey: renter, lamports: balance - 5000 })), [witness]);
  unfundedFrom = epochNow();
  await timed('the witness notices', () => waitFor('the witness skipping heartbeats', async () => ((await witnessHealth()).heartbeatsFunded === false ? true : undefined), 4 * EPOCH_SECS * 1000));

  const command = `decloud-node.js --data ${join(state, 'host')} start`;
  const nodes = processesOf(command);
  assert.is(nodes.length, 1, `exactly one host node process: ${JSON.stringify(nodes)}`);
  const countersBefore = await witnessCounters();
  stakeAtKill = (await chain.fetchHost(operator))!.stake;
  killEpoch = epochNow();
  process.kill(nodes[0]!.pid, 'SIGKILL');
  await waitFor('the host node is dead', async () => !alive(nodes[0]!.pid), 5_000, 50);
  const run = runs[0]!;
  await run.waitForLine((l) => l.includes('host node stopped unexpectedly'), 10_000, 'that the host node stopped');
  assert.ok(run.running, 'npm start keeps the chain and the bootstrap peer running');

  // A transaction the host sent just before it died may still land.
  await sleep(1_000);
  provenAtKill = (await chain.fetchLease(lease))!;
  await timed(`${GRACE_EPOCHS + 2} epochs without the host or heartbeats`, () => sleep((GRACE_EPOCHS + 2) * EPOCH_SECS * 1000 + 500));
  const later = (await chain.fetchLease(lease))!;
  assert.is(later.provenUntil, provenAtKill.provenUntil, 'proven_until stops advancing');
  assert.is(later.provenSecs, provenAtKill.provenSecs, 'no second is earned while the host is down');
  const counters = await witnessCounters();
  assert.ok(failedTotal(counters) - failedTotal(countersBefore) >= 3, `the witness kept challenging and the host did not answer: ${JSON.stringify(counters.failed)}`);
  assert.is(counters.answered, countersBefore.answered, 'no answer from a dead host');

  const unprovenEpochs = nowSecs() / BigInt(EPOCH_SECS) - provenAtKill.provenUntil / BigInt(EPOCH_SECS);
  assert.ok(unprovenEpochs > BigInt(GRACE_EPOCHS), `${unprovenEpochs} epochs unproven, more than the grace`);
  assert.is(await penalizeRefusal(), 'WithinGrace', 'but none of them was witness-alive: no penalty');
  const pool = await chain.fetchRewardPool();
  for (let e = killEpoch; e < epochNow(); e++) assert.not.ok(aliveIn(pool, e), `epoch ${e} is not alive on-chain`);
  assert.ok(heartbeatsIn(await transactionsOf(chain.connection, witness.publicKey)).every((b) => b.epoch < unfundedFrom), 'no heartbeat since the key was emptied');
});

test('funded again, the witness\'s heartbeats mark the epochs alive; past the grace the renter penalizes: unproven deposit back, slash to the pool, host jailed', async () => {
  requireNetwork();
  await chain.connection.confirmTransaction(await chain.connection.requestAirdrop(witness.publicKey, LAMPORTS_PER_SOL), 'confirmed');
  const fundedFrom = epochNow();
  let refusal: string | undefined = 'WithinGrace';
  await timed('until the witness-alive unproven epochs pass the grace', () => waitFor('the lease penalizable', async () => {
    refusal = await penalizeRefusal();
    return refusal === 'WithinGrace' ? undefined : true;
  }, (GRACE_EPOCHS + 6) * EPOCH_SECS * 1000, 1_000));
  assert.is(refusal, undefined, `penalize_host went through (refused: ${refusal})`);
  const tx = (await transactionsOf(chain.connection, lease)).find((t) => !t.failed && t.logs.some((l) => l.endsWith('Instruction: PenalizeHost')))!;
  assert.ok(tx, 'penalize_host is on the ledger');
  const penalizedAt = BigInt(tx.blockTime!);
  const pool = await chain.fetchRewardPool();
  const alive: bigint[] = [];
  for (let e = killEpoch; e < penalizedAt / BigInt(EPOCH_SECS); e++) if (aliveIn(pool, e)) alive.push(e);
  assert.ok(alive.length > GRACE_EPOCHS, `more than the grace of witness-alive unproven epochs: ${alive.join(', ')}`);
  assert.ok(alive.every((e) => e >= fundedFrom - 1n), `all of them since the witness was funded again (epoch ${fundedFrom}): ${alive.join(', ')}`);

  const config = await chain.fetchConfig();
  const hostAccount = chain.hostAddress(operator);
  const host = (await chain.fetchHost(operator))!;
  assert.is(hostStatusOf(host.status), 'jailed');
  assert.ok(host.jailedUntil >= penalizedAt + config.jailSecs - 2n && host.jailedUntil <= penalizedAt + config.jailSecs + 2n, 'jailed for the configured time');
  const slash = stakeAtKill - host.stake;
  assert.is(slash, bpsOf(host.slashBase, config.slashBps), `slash = ${config.slashBps} bps of the stake at jailing`);
  assert.is(pool.totalSlashed - before.pool.totalSlashed, slash, 'the slash went to the reward pool');
  // The proven time not settled yet is still paid: to the host account (minus the fee), which loses the slash.
  const unsettled = provenAtKill.rate * (provenAtKill.provenSecs - provenAtKill.settledSecs);
  const fee = bpsOf(unsettled, provenAtKill.feeBps);
  assert.is(balanceChange(tx, hostAccount), unsettled - fee - slash, 'host account: + its share - the slash');
  assert.is(balanceChange(tx, chain.rewardPool), fee + slash, 'reward pool: + the fee + the slash');
  const escrow = -balanceChange(tx, lease);
  assert.is(balanceChange(tx, renter) + tx.fee, escrow - unsettled, 'the renter gets the unproven deposit and the rent back, none of the slash');
  assert.is(await chain.fetchLease(lease), null, 'the lease is closed');
  const leases = await decloudOk(['leases'], env, home);
  assert.match(leases.stderr, 'No open lease');
  process.stdout.write(`  penalized ${penalizedAt - provenAtKill.provenUntil} s after the last proof, ${alive.length} witness-alive epochs (${alive.join(', ')}): refund ${escrow - unsettled}, slash ${slash} lamports to the pool\n`);
});

test('the host CLI shows the jail and explains why the stake cannot be withdrawn yet', async () => {
  requireNetwork();
  const host = (await chain.fetchHost(operator))!;
  const status = decloudNode(['status']);
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, /status\s+jailed\n/);
  assert.match(status.stdout, /jailed until\s+\S+ \(in [^)]+\): the stake stays locked until then/);
  const withdraw = decloudNode(['withdraw']);
  assert.is(withdraw.code, 1);
  assert.match(withdraw.stderr, /STILL_JAILED: the host is jailed until \S+ \(in [^)]+\)/);
  assert.is((await chain.fetchHost(operator))!.stake, host.stake, 'nothing moved');
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
