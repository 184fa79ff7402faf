// The README's run command as a newcomer runs it: `npm start` in a terminal, then only the
// `decloud` CLI in another one (hosts, rent, exec, end), the money checked against the
// program's rules on the chain's own ledger (settlements into the host account, the host's
// `decloud-node claim` paying it out to the owner), Ctrl-C, and a second `npm start` that resumes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PublicKey } from '@solana/web3.js';
import type { DecloudChain, HostAccount, LeaseAccount, RewardPoolAccount } from '@decloud/sdk/chain/index';
import { hostStatusOf } from '@decloud/sdk/chain/index';
import { decloud, decloudNodeOk, decloudOk, field, interruptProblems, NpmStart, type RenterEnv } from './support/npm-start.js';
import { assertPortsFree, busyPorts } from './support/npm-start-ports.js';
import {
  atOneMoment, bpsOf, claimsIn, feesPaidBy, heartbeatsIn, lamportsOfSolText, proofsIn, settlementsIn, signaturesOf, transactionsOf,
} from './support/ledger-audit.js';
import { chainClient, cleanUpNetwork, docker, hostContainers, hostOperator, hostPeerId, keypairFile, waitFor } from './support/network-state.js';
import { testSession } from './support/test-session.js';

const EPOCH_SECS = 4;
const state = mkdtempSync(join(tmpdir(), 'decloud-npm-start-'));
const home = join(state, 'renter-home');
const runs: NpmStart[] = [];
const { timed, markNetworkUp, requireNetwork, timingsText } = testSession();

interface Moment { renter: bigint; owner: bigint; host: HostAccount; pool: RewardPoolAccount; renterSigs: Set<string>; ownerSigs: Set<string>; hostSigs: Set<string> }

let env: RenterEnv;
let chain: DecloudChain;
let renter: PublicKey;
let operator: PublicKey;
let owner: PublicKey;
let peerId: string;
let before: Moment;
let afterEnd: Moment;
let lease: PublicKey;
let leaseBeforeEnd: LeaseAccount;
let endOutput: string;

async function moment(): Promise<Moment> {
  const { connection } = chain;
  return atOneMoment(connection, async () => ({
    renter: BigInt(await connection.getBalance(renter)),
    owner: BigInt(await connection.getBalance(owner)),
    host: (await chain.fetchHost(operator))!,
    pool: await chain.fetchRewardPool(),
    renterSigs: await signaturesOf(connection, renter),
    ownerSigs: await signaturesOf(connection, owner),
    hostSigs: await signaturesOf(connection, chain.hostAddress(operator)),
  }));
}

async function stopAndCheck(run: NpmStart): Promise<void> {
  const problems = await timed('Ctrl-C until everything stopped', () => interruptProblems(run, state, busyPorts));
  assert.equal(problems, [], `Ctrl-C should stop everything cleanly:\n${run.tail(12)}`);
}

test('npm start brings up the chain, the bootstrap peer with its witness and a host', async () => {
  await assertPortsFree('before npm start');
  const run = NpmStart.run({ state, env: { DECLOUD_EPOCH_SECS: String(EPOCH_SECS) } });
  runs.push(run);
  env = await timed('npm start until "DeCloud is running"', () => run.untilRunning());
  assert.equal(Object.keys(env).sort(), ['DECLOUD_BOOTSTRAP', 'DECLOUD_RPC_URL', 'DECLOUD_WALLET']);
  assert.equal(env.DECLOUD_RPC_URL, 'http://127.0.0.1:8899');
  assert.match(env.DECLOUD_BOOTSTRAP!, /^\/ip4\/127\.0\.0\.1\/tcp\/4001\/p2p\/12D3KooW\w+$/);
  assert.equal(env.DECLOUD_WALLET, join(state, 'renter.json'));

  chain = chainClient(env.DECLOUD_RPC_URL!, env.DECLOUD_WALLET!);
  renter = keypairFile(env.DECLOUD_WALLET!).publicKey;
  operator = hostOperator(state).publicKey;
  peerId = hostPeerId(state);
  const config = await chain.fetchConfig();
  assert.is(config.proofEpochSecs, BigInt(EPOCH_SECS), 'DECLOUD_EPOCH_SECS reached the program config');
  assert.is(config.graceEpochs, 3, 'default grace');
  assert.ok(BigInt(await chain.connection.getBalance(config.witnesses[0]!)) > 0n, 'the witness key is funded: it pays its heartbeats');
  const host = await chain.fetchHost(operator);
  assert.ok(host, 'the host is registered on-chain');
  assert.is(hostStatusOf(host.status), 'active');
  owner = host.owner;
  assert.ok(BigInt(await chain.connection.getBalance(renter)) >= 1_000_000_000n, 'the demo renter wallet is funded');
  markNetworkUp();
});

test('decloud hosts, rent, exec and end: the whole rental through the CLI', async () => {
  requireNetwork();
  const hosts = await timed('decloud hosts', () => decloudOk(['hosts'], env, home));
  const row = hosts.stdout.split('\n').find((line) => line.includes(peerId));
  assert.ok(row, `decloud hosts lists the host ${peerId}:\n${hosts.stdout}\n${hosts.stderr}`);
  assert.match(row, /│ 1 │/, 'as #1');
  assert.match(row, 'decloud/busybox:local');

  before = await moment();
  const rent = await timed('decloud rent', () => decloudOk(['rent', '1', '--image', 'decloud/busybox:local', '--hours', '1'], env, home));
  lease = new PublicKey(field(rent.stdout, 'lease'));
  const opened = (await chain.fetchLease(lease))!;
  assert.ok(opened, 'the lease is on-chain');
  assert.ok(opened.renter.equals(renter), 'rented by the wallet of the export line');
  assert.ok(opened.host.equals(chain.hostAddress(operator)), 'from the listed host');
  assert.is(opened.maxEnd - opened.start, 3600n, '--hours 1');
  assert.is(opened.deposit, opened.rate * 3600n, 'deposit = rate x duration');
  assert.is(lamportsOfSolText(field(rent.stdout, 'deposit').split(' in escrow')[0]!), opened.deposit, 'the CLI shows the deposit on-chain');

  const container = await docker.getContainer(`decloud-${lease.toBase58()}`).inspect();
  assert.ok(container.State.Running, 'the lease\'s container runs');
  assert.is(container.Config.Labels['decloud.host'], operator.toBase58());
  assert.is(container.Config.Labels['decloud.renter'], renter.toBase58());

  const exec = await timed('decloud exec', () => decloud(['exec', lease.toBase58(), '--', 'sh', '-c', 'echo "hello from $(hostname)"; uname -s; exit 3'], env, home));
  assert.is(exec.code, 3, `the command's exit code is the CLI's:\n${exec.stdout}\n${exec.stderr}`);
  assert.is(exec.stdout, `hello from ${container.Config.Hostname}\nLinux\n`, 'output of the command, run inside the lease\'s container');

  leaseBeforeEnd = await timed('waiting for proven time', () => waitFor('the lease gets proven time (receipt or attestation)', async () => {
    const account = await chain.fetchLease(lease);
    return account !== null && account.provenSecs > 0n ? account : undefined;
  }, 60_000));

  const end = await timed('decloud end', () => decloudOk(['end', lease.toBase58()], env, home));
  endOutput = end.stdout;
  assert.is(field(end.stdout, 'lease'), lease.toBase58());
  assert.is(await chain.fetchLease(lease), null, 'the lease account is closed');
  await timed('host removes the container', () => waitFor('the host removes the ended lease\'s container', async () => (await hostContainers(operator.toBase58())).length === 0, 30_000));
});

test('balances follow the program rules: the renter pays fees + rate x proven seconds, the host account holds that minus the protocol fee', async () => {
  requireNetwork();
  assert.ok(endOutput, 'the rental did not complete (see its failure)');
  const after = await moment();
  afterEnd = after;
  const { connection } = chain;
  const config = await chain.fetchConfig();
  const rate = leaseBeforeEnd.rate;
  const hostAccount = chain.hostAddress(operator);

  const leaseTxs = await transactionsOf(connection, lease);
  const settlements = settlementsIn(leaseTxs, { host: hostAccount, pool: chain.rewardPool });
  const proofs = proofsIn(leaseTxs);
  assert.ok(settlements.length >= 1 && settlements.at(-1)!.instruction === 'CloseLease', 'closing settled the rest');
  assert.is(leaseBeforeEnd.feeBps, config.feeBps, 'the lease keeps the fee it opened under');
  for (const s of settlements) {
    assert.is(s.amount % rate, 0n, `${s.instruction} ${s.signature} paid whole seconds at the lease's rate`);
    assert.is(s.toPool, bpsOf(s.amount, leaseBeforeEnd.feeBps), `${s.instruction} ${s.signature}: fee = ${leaseBeforeEnd.feeBps} bps of ${s.amount}`);
    assert.is(s.toHost, s.amount - s.toPool, 'the host account gets the rest, for the owner');
  }
  // The renter's CLI rents with a session key: its receipts are signed by the lease's delegate.
  assert.not.ok(leaseBeforeEnd.delegate.equals(PublicKey.default), 'the lease names a delegate');
  for (const p of proofs.filter((p) => p.kind === 'receipt')) assert.is(p.signer, leaseBeforeEnd.delegate.toBase58(), 'receipts are the delegate\'s');
  for (const p of proofs) assert.is(p.lease, lease.toBase58());
  const paid = settlements.reduce((sum, s) => sum + s.amount, 0n);
  const provenSecs = paid / rate;
  const closedAt = BigInt((await connection.getTransaction(field(endOutput, 'transaction'), { maxSupportedTransactionVersion: 0 }))!.blockTime!);
  assert.ok(provenSecs >= leaseBeforeEnd.provenSecs, `paid for ${provenSecs} s, at least the ${leaseBeforeEnd.provenSecs} s proven before the end`);
  assert.ok(provenSecs <= closedAt - leaseBeforeEnd.start, 'never more than the lease ran');

  const earned = after.host.earned - before.host.earned;
  const fees = after.pool.totalFees - before.pool.totalFees;
  assert.is(earned + fees, paid, 'host.earned + reward pool fees = rate x proven seconds');
  assert.is(earned, settlements.reduce((sum, s) => sum + s.toHost, 0n));

  // Only what happened up to the moment `after` was read.
  const renterTxs = (await transactionsOf(connection, renter, before.renterSigs)).filter((tx) => after.renterSigs.has(tx.signature));
  const renterFees = feesPaidBy(renterTxs, renter);
  assert.is(before.renter - after.renter, renterFees + rate * provenSecs,
    'renter balance change = transaction fees + rate x proven seconds (deposit and rent refunded)');
  const unusedDeposit = /\(([\d.]+ SOL) unused deposit/.exec(field(endOutput, 'refund'))?.[1];
  assert.ok(unusedDeposit, `decloud end names the unused deposit: ${endOutput}`);
  assert.is(lamportsOfSolText(unusedDeposit), leaseBeforeEnd.deposit - paid, 'the CLI reports the unused deposit the chain refunded');

  // The owner is paid by claims only (the node makes one every 10 minutes); the host account holds the rest.
  const hostTxs = (await transactionsOf(connection, hostAccount, before.hostSigs)).filter((tx) => after.hostSigs.has(tx.signature));
  const claimed = claimsIn(hostTxs, { host: hostAccount, owner }).reduce((sum, c) => sum + c.amount, 0n);
  const ownerTxs = (await transactionsOf(connection, owner, before.ownerSigs)).filter((tx) => after.ownerSigs.has(tx.signature));
  const ownerFees = feesPaidBy(ownerTxs, owner);
  const rewards = after.host.rewardsEarned - before.host.rewardsEarned;
  assert.is(after.owner - before.owner, claimed - ownerFees, 'owner balance change = what claims paid out - its transaction fees');
  assert.is(after.host.payable - before.host.payable, earned + rewards - claimed, 'payable = earnings + rewards not paid out yet');
  assert.is(after.pool.totalRewarded - before.pool.totalRewarded, rewards, 'every reward came out of the pool');
  process.stdout.write(`  ${proofs.filter((p) => p.kind === 'receipt').length} receipts + ${proofs.filter((p) => p.kind === 'attestation').length} attestations posted; rate ${rate} lamports/s, proven ${provenSecs} s, paid ${paid} (host ${earned}, fee ${fees}), ` +
    `renter fees ${renterFees} over ${renterTxs.filter((t) => t.feePayer === renter.toBase58()).length} txs, rewards ${rewards}, claimed ${claimed}\n`);
});

test('decloud-node claim pays what the host account holds to the owner', async () => {
  requireNetwork();
  const before = await moment();
  assert.ok(before.host.payable > 0n, 'the lease earned something');
  const claim = await decloudNodeOk(['--data', join(state, 'host'), 'claim', '--json']);
  const { claimed } = JSON.parse(claim.stdout) as { claimed: string };
  const after = await moment();
  const hostAccount = chain.hostAddress(operator);
  const hostTxs = await transactionsOf(chain.connection, hostAccount, before.hostSigs);
  const claims = claimsIn(hostTxs, { host: hostAccount, owner });
  assert.is(claims.length, 1, 'one claim_rewards');
  assert.is(claims[0]!.amount, BigInt(claimed), 'the CLI reports what left the host account');
  assert.is(claims[0]!.toOwner, claims[0]!.amount, 'and the owner received exactly that');
  // The owner is the operator here: it paid the claim's fee (and those of the node's settlements meanwhile).
  const ownerTxs = (await transactionsOf(chain.connection, owner, before.ownerSigs)).filter((tx) => after.ownerSigs.has(tx.signature));
  assert.is(after.owner - before.owner, BigInt(claimed) - feesPaidBy(ownerTxs, owner));
  assert.ok(BigInt(claimed) >= before.host.payable, 'everything payable (and what settled meanwhile)');
  assert.is(after.host.payable, 0n);
  afterEnd = after;
});

test('the witness posted heartbeats for ended epochs, paid from its own key', async () => {
  requireNetwork();
  const config = await chain.fetchConfig();
  const witness = config.witnesses[0]!;
  const beats = heartbeatsIn(await transactionsOf(chain.connection, witness));
  assert.ok(beats.length >= 2, `${beats.length} heartbeats`);
  assert.ok(beats.every((b) => b.feePayer === witness.toBase58()), 'the witness pays them');
  const epochs = beats.map((b) => b.epoch);
  assert.equal([...new Set(epochs)], epochs, 'one per epoch');
  assert.ok(epochs.at(-1)! < BigInt(Math.floor(Date.now() / 1000)) / BigInt(EPOCH_SECS), 'for ended epochs only');
});

test('Ctrl-C stops everything cleanly', async () => {
  requireNetwork();
  await stopAndCheck(runs[0]!);
});

test('a second npm start resumes the same network', async () => {
  requireNetwork();
  await assertPortsFree('before the second npm start');
  const run = NpmStart.run({ state, env: { DECLOUD_EPOCH_SECS: String(EPOCH_SECS) } });
  runs.push(run);
  const resumed = await timed('second npm start until "DeCloud is running"', () => run.untilRunning());
  assert.equal(resumed, env, 'same chain, same bootstrap peer id and address, same wallet');
  assert.not.ok(run.output().includes('creating the host node'), 'the host is not created again');
  assert.not.ok(run.output().includes('funding the demo renter'), 'the renter still has its SOL');
  const then = await moment();
  assert.is(hostStatusOf(then.host.status), 'active');
  assert.is(then.host.earned, afterEnd.host.earned, 'the chain kept the host\'s earnings');
  assert.is(then.owner, afterEnd.owner, 'and what the owner was paid');
  assert.is(then.renter, afterEnd.renter, 'and the renter\'s balance');
  const hosts = await decloudOk(['hosts'], env, home);
  assert.ok(hosts.stdout.includes(peerId), `the same host is offered again:\n${hosts.stdout}\n${hosts.stderr}`);
  const leases = await decloudOk(['leases'], env, home);
  assert.match(leases.stderr, 'No open lease', 'the ended lease stays ended');
  await stopAndCheck(run);
});

test.after(async () => {
  await cleanUpNetwork(runs, state);
  process.stdout.write(`  timings: ${timingsText()}\n`);
});

test.run();
