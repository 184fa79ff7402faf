// The renter SDK against a real network: the local chain, a bootstrap peer and a host node,
// each its own process started through its bin, the host running containers on the real
// Docker engine. Every figure is checked against the program's rules: the renter pays rate x
// proven time plus transaction fees, and gets the rest of its deposit back.
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import { PublicKey } from '@solana/web3.js';
import type { Keypair } from '@solana/web3.js';
import { AccessRefusedError } from '../src/access/errors.js';
import { execInLease } from '../src/access/exec-in-lease.js';
import { followLogs } from '../src/access/follow-logs.js';
import { ACCOUNT_LAYOUTS } from '../src/chain/accounts.js';
import { DecloudChain } from '../src/chain/client.js';
import { DecloudProgramError } from '../src/chain/errors.js';
import { termsMessage } from '../src/chain/proofs.js';
import { verifySolanaSignature } from '../src/identity/signatures.js';
import { leaseTermsOf } from '../src/quotes/lease-terms.js';
import { delegateKeypair } from '../src/renter/delegate-key.js';
import { DeCloud } from '../src/renter/decloud.js';
import type { OfferResources } from '../src/offers/types.js';
import type { Lease } from '../src/renter/lease.js';
import { RENT_STEPS } from '../src/renter/rent-progress.js';
import type { RentProgress } from '../src/renter/rent-progress.js';
import { RenterError } from '../src/renter/renter-error.js';
import { balanceOf, eventually, feeOf, funded, IMAGE, startWorld } from './renter-world.js';
import type { World } from './renter-world.js';
import { boundedTests, within } from './bounded-tests.js';
import { rejection } from './rejection.js';

/** The slowest test takes ~15 s on a busy machine; past 3 min it is stuck, not slow. */
const test = boundedTests(uvuTest, 180_000);

let world: World;
let renter: Keypair;
let decloud: DeCloud;
const opened: DeCloud[] = [];
let lease: Lease;
/** Renter balance before the main lease, and the fees of its transactions since. */
let balanceBefore: bigint;
const mainFees: string[] = [];
/** The host's offered resources before the main lease. */
let offeredBefore: OfferResources;

async function connect(wallet: Keypair): Promise<DeCloud> {
  const instance = await DeCloud.connect({ rpcUrl: world.rpcUrl, bootstrap: world.bootstrap, wallet });
  opened.push(instance);
  return instance;
}

const text = (chunks: Uint8Array[]): string => Buffer.concat(chunks).toString();

/** A stuck host (say, its Docker engine restarted under it) fails a test instead of hanging the file. */
const BOUNDED = { timeoutMs: 60_000 };

test.before(async () => {
  world = await startWorld();
  renter = await funded(world.connection, 5);
  decloud = await connect(renter);
});

test.after(async () => {
  for (const instance of opened) await instance.close();
  await world?.stop();
});

test('connect refuses a bad RPC URL, an RPC without DeCloud and a non-keypair wallet', async () => {
  const bad = await rejection(DeCloud.connect({ rpcUrl: 'ftp://127.0.0.1:1', bootstrap: world.bootstrap, wallet: renter }));
  assert.instance(bad, RenterError);
  assert.is((bad as RenterError).code, 'BAD_OPTION');
  const down = await rejection(DeCloud.connect({ rpcUrl: 'http://127.0.0.1:9', bootstrap: world.bootstrap, wallet: renter }));
  assert.is((down as RenterError).code, 'CHAIN_UNREACHABLE', down.message);
  assert.match(down.message, /--rpc-url/);
  const wallet = await rejection(DeCloud.connect({ rpcUrl: world.rpcUrl, bootstrap: world.bootstrap, wallet: {} as Keypair }));
  assert.is((wallet as RenterError).code, 'BAD_OPTION');
  const peer = await rejection(DeCloud.connect({ rpcUrl: world.rpcUrl, bootstrap: ['/ip4/127.0.0.1/tcp/1'], wallet: renter }));
  assert.is((peer as RenterError).code, 'BAD_OPTION');
  assert.match(peer.message, /p2p/);
});

test('findHosts finds the host through the DHT, and nothing for a filter it does not match', async () => {
  const offers = await decloud.findHosts({ minCpuCores: 1, minMemoryMiB: 512, image: IMAGE });
  assert.equal(offers.map((o) => o.offer.peerId), [world.host.peerId]);
  assert.is(offers[0]!.offer.host, world.host.operator);
  assert.is(offers[0]!.offer.region.country, 'DE');
  assert.equal(await decloud.findHosts({ country: 'US' }, { timeoutMs: 1500 }), []);
  assert.equal(await decloud.findHosts({ minCpuCores: 1000 }, { timeoutMs: 1000 }), []);
  const bad = await rejection(decloud.findHosts({ country: 'Germany' }));
  assert.is((bad as RenterError).code, 'BAD_OPTION');
});

test('bad rentals fail before any money moves: image, duration, funds', async () => {
  const offer = await decloud.findHost(world.host.peerId);
  const before = await balanceOf(world.connection, renter.publicKey);
  const image = await rejection(decloud.rent(offer, { image: 'nginx:latest', hours: 1 }));
  assert.is((image as RenterError).code, 'BAD_OPTION');
  assert.match(image.message, /decloud\/busybox:local/);
  const short = await rejection(decloud.rent(offer, { image: IMAGE, durationSecs: 10 }));
  assert.is((short as RenterError).code, 'BAD_OPTION');
  const both = await rejection(decloud.rent(offer, { image: IMAGE, hours: 1, durationSecs: 3600 }));
  assert.is((both as RenterError).code, 'BAD_OPTION');
  assert.is(await balanceOf(world.connection, renter.publicKey), before, 'nothing was paid');

  const poor = await funded(world.connection, 0.001);
  const poorCloud = await connect(poor);
  const steps: string[] = [];
  const broke = await rejection(poorCloud.rent(offer, { image: IMAGE, hours: 10 }, { onProgress: (p) => steps.push(p.step) }));
  assert.is((broke as RenterError).code, 'INSUFFICIENT_FUNDS');
  assert.is((broke as RenterError).step, 'funding');
  assert.match(broke.message, /airdrop/);
  assert.equal(steps, ['quote', 'quoted']);
  assert.is(await balanceOf(world.connection, poor.publicKey), 1_000_000n);
  assert.equal(await poorCloud.leases(), []);
});

test('rent: quote, fund, start, running, reported step by step; the escrow holds rate x duration', async () => {
  const [offer] = await decloud.findHosts({ image: IMAGE });
  offeredBefore = offer!.offer.resources;
  balanceBefore = await balanceOf(world.connection, renter.publicKey);
  const progress: RentProgress[] = [];
  lease = await decloud.rent(offer!, { image: IMAGE, hours: 1, resources: { cpuCores: 1, memoryMiB: 256 }, env: { GREETING: 'hello' } }, {
    onProgress: (p) => progress.push(p), receiptIntervalMs: false,
  });
  assert.equal(progress.map((p) => p.step), [...RENT_STEPS]);
  const funded = progress.find((p) => p.step === 'funded');
  assert.ok(funded?.step === 'funded' && funded.lease === lease.address);
  mainFees.push(funded.signature);
  const quoted = progress.find((p) => p.step === 'quoted');
  assert.ok(quoted?.step === 'quoted');
  assert.ok(verifySolanaSignature('', termsMessage(leaseTermsOf(quoted.quote)), quoted.hostSignature, new PublicKey(world.host.operator).toBytes()),
    'the host operator signed the terms the lease opened under');
  const running = progress.find((p) => p.step === 'running');
  assert.ok(running?.step === 'running' && running.details.image === IMAGE && running.details.renter === renter.publicKey.toBase58());

  const info = await lease.info();
  assert.is(info.host, world.host.operator);
  assert.is(info.hostPeerId, world.host.peerId);
  assert.is(info.rate, quoted.quote.lamportsPerSecond);
  assert.is(info.deposit, info.rate * 3600n);
  assert.is(info.maxEnd - info.start, 3600n);
  assert.is(info.leaseId, quoted.quote.leaseId);
  assert.is(info.delegate, delegateKeypair(renter, info.leaseId).publicKey.toBase58(), 'the lease names the delegate derived from the wallet and its id');
  const account = await world.connection.getAccountInfo(new PublicKey(lease.address));
  assert.is(account?.data.length, ACCOUNT_LAYOUTS.lease.size, 'the IDL layout sizes the account as the program allocates it');
  const hostAccount = await world.connection.getAccountInfo(new PublicKey(info.hostAccount));
  assert.is(hostAccount?.data.length, ACCOUNT_LAYOUTS.host.size);
  const rent = BigInt(await world.connection.getMinimumBalanceForRentExemption(ACCOUNT_LAYOUTS.lease.size));
  const fee = await feeOf(world.connection, funded.signature);
  assert.is(await balanceOf(world.connection, renter.publicKey), balanceBefore - info.deposit - rent - fee, 'deposit + account rent + fee, exactly');
  assert.equal((await decloud.leases()).map((l) => l.address), [lease.address]);
});

test('the host republishes its offer at once with what the lease left free', async () => {
  const offered = (await eventually(() => decloud.findHost(world.host.peerId), (o) => o.offer.resources.memoryMiB < offeredBefore.memoryMiB,
    'an offer with less free memory', 20_000)).offer.resources;
  assert.equal([offered.cpuCores, offered.memoryMiB, offered.diskGiB], [offeredBefore.cpuCores - 1, offeredBefore.memoryMiB - 256, offeredBefore.diskGiB - 1]);
  assert.is(offered.benchScore, offeredBefore.benchScore, 'what the machine is stays the same');
  assert.equal(await decloud.findHosts({ minMemoryMiB: offeredBefore.memoryMiB }, { timeoutMs: 1000 }), [], 'a renter needing the whole machine no longer finds it');
});

test('exec: output, exit code and the lease\'s environment', async () => {
  assert.equal(await lease.exec(['echo', 'ok'], BOUNDED), { exitCode: 0, stdout: 'ok\n', stderr: '', truncated: false });
  const failed = await lease.exec(['sh', '-c', 'echo "$GREETING $EXTRA"; echo oops >&2; exit 3'], { ...BOUNDED, env: { EXTRA: 'there' } });
  assert.equal(failed, { exitCode: 3, stdout: 'hello there\n', stderr: 'oops\n', truncated: false });
});

test('shell: an interactive terminal that resizes and reports its exit code', async () => {
  const shell = await lease.shell({ cols: 100, rows: 30 });
  const output: Uint8Array[] = [];
  shell.onData((chunk) => output.push(chunk));
  shell.resize(120, 40);
  shell.write('stty size; echo $((6 * 7)); exit 5\n');
  assert.is(await within(shell.exited, BOUNDED.timeoutMs, 'the shell\'s exit code'), 5);
  assert.match(text(output), /40 120/);
  assert.match(text(output), /42/);
});

test('logs: what the container wrote, tailed and followed', async () => {
  await lease.exec(['sh', '-c', 'echo first line > /proc/1/fd/1; echo second line > /proc/1/fd/1'], BOUNDED);
  const tail: Uint8Array[] = [];
  for await (const chunk of lease.logs({ follow: false, tail: 1 })) tail.push(chunk);
  assert.is(text(tail), 'second line\n');

  // Following starts at the end (tail 0): write until the follower sees a line, bounded in time.
  const stop = new AbortController();
  const giveUp = setTimeout(() => stop.abort(), 20_000);
  const followed: Uint8Array[] = [];
  const reading = (async () => {
    for await (const chunk of lease.logs({ follow: true, tail: 0, signal: stop.signal })) {
      followed.push(chunk);
      if (text(followed).includes('later line')) stop.abort();
    }
  })();
  while (!stop.signal.aborted) {
    await lease.exec(['sh', '-c', 'echo later line > /proc/1/fd/1'], BOUNDED);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await reading;
  clearTimeout(giveUp);
  assert.match(text(followed), /^(later line\n)+$/);
});

test('stats: usage within the quoted limits and the cost so far', async () => {
  const stats = await lease.stats();
  assert.is(stats.memoryLimit, 256 * 1024 * 1024);
  assert.ok(stats.pids >= 1);
  const info = await lease.info();
  assert.is(stats.deposit, info.deposit);
  assert.is(stats.maxEnd, info.maxEnd);
  assert.ok(stats.costSoFar >= 0n && stats.costSoFar <= info.deposit);
  assert.is(stats.costSoFar % info.rate, 0n);
});

test('receipts make the proven time grow on-chain', async () => {
  assert.is((await lease.info()).provenSecs, 0n, 'nothing proven before any receipt');
  const loop = lease.startReceipts({ intervalMs: 500 });
  const first = await eventually(() => lease.info(), (i) => i.provenSecs > 0n, 'a first receipt proven on-chain');
  const later = await eventually(() => lease.info(), (i) => i.provenSecs > first.provenSecs + 1n, 'more proven time', 30_000);
  assert.ok(later.provenUntil > first.provenUntil);
  assert.ok(later.provenUntil <= BigInt(Math.ceil(Date.now() / 1000)), 'never proven into the future');
  assert.ok(loop.running);
});

test('another key cannot exec, read logs, re-open or end the lease', async () => {
  const stranger = await funded(world.connection, 1);
  const strangerCloud = await connect(stranger);
  const reopened = await rejection(strangerCloud.lease(lease.address));
  assert.is((reopened as RenterError).code, 'NOT_RENTER');
  // Straight to the host with the stranger's signature: the host refuses it.
  const exec = await rejection(execInLease(strangerCloud.node, world.host.peerId, lease.address, stranger, ['echo', 'pwned'], BOUNDED));
  assert.instance(exec, AccessRefusedError);
  assert.is((exec as AccessRefusedError).reason, 'UNAUTHORIZED');
  const logs = await rejection((async () => { for await (const chunk of followLogs(strangerCloud.node, world.host.peerId, lease.address, stranger, { follow: false })) void chunk; })());
  assert.is((logs as AccessRefusedError).reason, 'UNAUTHORIZED');
  const close = await rejection(DecloudChain.fromKeypair(world.connection, stranger).closeLease(new PublicKey(lease.address)));
  assert.instance(close, DecloudProgramError);
  assert.is((close as DecloudProgramError).errorName, 'Unauthorized');
  // The delegate of another lease of the same wallet is no key for this one.
  const otherDelegate = delegateKeypair(renter, (await lease.info()).leaseId + 1n);
  const delegated = await rejection(execInLease(strangerCloud.node, world.host.peerId, lease.address, otherDelegate, ['echo', 'pwned'], BOUNDED));
  assert.is((delegated as AccessRefusedError).reason, 'UNAUTHORIZED');
  assert.ok(await lease.info(), 'the lease is still open');
});

test('the renter wallet itself, not only its delegate, may still use the lease', async () => {
  assert.is((await execInLease(decloud.node, world.host.peerId, lease.address, renter, ['echo', 'wallet'], BOUNDED)).stdout, 'wallet\n');
});

test('a re-opened lease (another session of the same wallet) finds its host and works', async () => {
  const again = await connect(renter);
  const handle = await again.lease(lease.address);
  assert.is(handle.hostPeerId, world.host.peerId);
  assert.is((await handle.exec(['echo', 'again'], BOUNDED)).stdout, 'again\n');
  await again.close();
});

test('extend pays rate x the extra time into escrow and moves the end', async () => {
  const before = await lease.info();
  const report = await lease.extend(0.5);
  mainFees.push(report.signature);
  assert.is(report.extraSecs, 1800n);
  assert.is(report.amount, before.rate * 1800n);
  const after = await lease.info();
  assert.is(after.deposit, before.deposit + report.amount);
  assert.is(after.maxEnd, before.maxEnd + 1800n);
  assert.is(report.maxEnd, after.maxEnd);
  assert.is((await lease.exec(['echo', 'still here'], BOUNDED)).exitCode, 0);
  const bad = await rejection(lease.extend(-1));
  assert.is((bad as RenterError).code, 'BAD_OPTION');
  assert.is((await lease.info()).deposit, after.deposit, 'a refused extension pays nothing');
});

test('end pays the host rate x proven time and refunds the rest: the renter paid exactly that plus fees', async () => {
  lease.stopReceipts();
  // Let the host post the receipts it already holds, so the split is final before closing.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const last = await lease.info();
  assert.ok(last.provenSecs > 0n);
  assert.is(last.paid, 0n, 'no settlement before the end (the host settles hourly here)');
  const report = await lease.end();
  mainFees.push(report.signature);
  const rent = BigInt(await world.connection.getMinimumBalanceForRentExemption(ACCOUNT_LAYOUTS.lease.size));
  assert.is(report.settled, last.rate * last.provenSecs, 'the host got rate x proven time');
  assert.is(report.depositRefund, last.deposit - last.rate * last.provenSecs, 'the rest of the deposit came back');
  assert.is(report.rentReturned, rent);
  assert.is(report.refund, report.depositRefund + rent);
  let fees = 0n;
  for (const signature of mainFees) fees += await feeOf(world.connection, signature);
  assert.is(report.fee, await feeOf(world.connection, report.signature));
  const spent = balanceBefore - await balanceOf(world.connection, renter.publicKey);
  assert.is(spent, last.rate * last.provenSecs + fees, 'renter paid rate x proven time + fees, nothing else');

  assert.is(await world.connection.getAccountInfo(new PublicKey(lease.address)), null, 'the lease account is gone');
  assert.equal(await decloud.leases(), []);
  const closed = await rejection(lease.end());
  assert.is((closed as RenterError).code, 'LEASE_NOT_FOUND');
  const refused = await rejection(lease.exec(['echo', 'gone'], BOUNDED));
  assert.instance(refused, AccessRefusedError);
  assert.match((refused as AccessRefusedError).reason, /UNKNOWN_LEASE|LEASE_CLOSED|NOT_ACTIVE/);
});

test('once the lease is gone, the host offers the whole capacity again', async () => {
  const offered = (await eventually(() => decloud.findHost(world.host.peerId), (o) => o.offer.resources.memoryMiB === offeredBefore.memoryMiB,
    'an offer with all memory free again', 30_000)).offer.resources;
  assert.equal([offered.cpuCores, offered.diskGiB], [offeredBefore.cpuCores, offeredBefore.diskGiB]);
});

test('an early end refunds exactly the unproven time', async () => {
  const before = await balanceOf(world.connection, renter.publicKey);
  const signatures: string[] = [];
  const early = await decloud.rent(world.host.peerId, { image: IMAGE, hours: 2 }, {
    receiptIntervalMs: false,
    onProgress: (p) => { if (p.step === 'funded') signatures.push(p.signature); },
  });
  assert.is((await early.exec(['true'], BOUNDED)).exitCode, 0);
  const sent = await early.sendReceipt();
  assert.is(sent.outcome, 'accepted');
  const proven = await eventually(() => early.info(), (i) => i.provenSecs > 0n, 'the one receipt proven');
  const report = await early.end();
  signatures.push(report.signature);
  assert.is(report.depositRefund, proven.deposit - proven.rate * proven.provenSecs);
  assert.ok(proven.provenSecs <= sent.until - proven.start, 'proven no further than the receipt');
  assert.ok(report.depositRefund > proven.deposit - proven.rate * 60n, 'well over the deposit but a minute came back');
  let fees = 0n;
  for (const signature of signatures) fees += await feeOf(world.connection, signature);
  assert.is(before - await balanceOf(world.connection, renter.publicKey), proven.rate * proven.provenSecs + fees);
});

test.run();
