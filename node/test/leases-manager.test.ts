// The lease manager on the real local chain (real program) and the real Docker engine:
// activation checks the on-chain lease against the quote, then ticks follow the lease to its
// end. A lease of this host it will not or cannot serve is closed on-chain by the operator,
// refunding the renter's unproven deposit without a slash.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { Keypair, PublicKey } from '@solana/web3.js';
import { DecloudProgramError, hostStatusOf, leaseAddress } from '@decloud/sdk/chain/index';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { capacityShortfall } from '../src/daemon/free-capacity.js';
import { LeaseError, LeaseRejectedError } from '../src/leases/index.js';
import type { LeaseStateChange } from '../src/leases/index.js';
import { dockerClient } from '../src/runtime/docker-client.js';
import type { DockerRuntime } from '../src/runtime/index.js';
import {
  IMAGE, balanceOf, clientOf, connectRuntime, containersOf, funded, openLeaseFor, quoteFor, receiptBy, removeRenterContainers,
  startWorld, tempDir, waitUntilSecs,
} from './support/chain-world.js';
import type { World } from './support/chain-world.js';
import { startHostNode } from './support/host-node.js';
import type { HostNode } from './support/host-node.js';

const MISSING_IMAGE = `decloud/missing-${process.pid}:none`;
let world: World;
let runtime: DockerRuntime;
let node: HostNode;
let other: HostNode;
/** A host that sells one core: two quotes for a core each cannot both be served. */
let small: HostNode;
let renter: Keypair;
let renterChain: DecloudChain;
const dirs: Array<{ remove(): Promise<void> }> = [];

async function quotedLease(options: Parameters<typeof quoteFor>[2] = {}, open: Parameters<typeof openLeaseFor>[3] = {}, host = node) {
  const quote = quoteFor(host.operator, renter.publicKey, options);
  await host.manager.recordQuote(quote, renter.publicKey);
  const lease = await openLeaseFor(renterChain, quote, host.operator.publicKey, open);
  return { quote, lease };
}

async function rejection(lease: PublicKey, host = node): Promise<LeaseError> {
  try {
    await host.manager.activate(lease);
  } catch (err) {
    assert.instance(err, LeaseError);
    return err as LeaseError;
  }
  throw new Error(`activate(${lease.toBase58()}) succeeded`);
}

async function assertNothingStarted(lease: PublicKey): Promise<void> {
  assert.equal(await containersOf(runtime, lease), [], 'no container');
  assert.is(await node.manager.get(lease), undefined, 'no lease record');
}

/** The program's refusal of a transaction. */
async function programError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.instance(err, DecloudProgramError, String(err));
    return (err as DecloudProgramError).errorName;
  }
  throw new Error('the program accepted it');
}

/**
 * The operator closed the lease on-chain: the account is gone and the renter got the deposit
 * back but for the proven time (none here) and the transaction fees it paid itself; no slash.
 */
async function assertRefunded(lease: PublicKey, renterBefore: bigint, escrow: bigint, host = node): Promise<void> {
  assert.is(await host.chain.fetchLease(lease), null, 'the lease account is closed');
  assert.is(await balanceOf(world.connection, renter.publicKey) - renterBefore, escrow, 'the renter got the whole escrow back (deposit and rent)');
  const account = (await host.chain.fetchHost(host.operator.publicKey))!;
  assert.is(hostStatusOf(account.status), 'active', 'closing an unservable lease is no penalty');
  assert.is(account.stake, SOL_STAKE);
}

const SOL_STAKE = 1_000_000_000n;

/** Balances just after the lease was opened: the renter's, and the lease account's (deposit + rent). */
async function balancesOf(lease: PublicKey): Promise<{ renterBefore: bigint; escrow: bigint }> {
  return { renterBefore: await balanceOf(world.connection, renter.publicKey), escrow: await balanceOf(world.connection, lease) };
}

test.before(async () => {
  world = await startWorld();
  runtime = await connectRuntime([MISSING_IMAGE]);
  const [a, b, c] = [await tempDir('leases'), await tempDir('leases-other'), await tempDir('leases-small')];
  dirs.push(a, b, c);
  node = await startHostNode(world, runtime, a.path);
  other = await startHostNode(world, runtime, b.path);
  small = await startHostNode(world, runtime, c.path, {}, {
    capacityShortfall: capacityShortfall({ arch: 'x86_64', cpuCores: 1, cpuModel: 'test', memoryMiB: 1024, diskGiB: 10, gpus: [] }),
  });
  renter = await funded(world.connection, 20);
  renterChain = clientOf(world.connection, renter);
});

test.after(async () => {
  await removeRenterContainers(runtime, [renter.publicKey]);
  await node?.close();
  await other?.close();
  await small?.close();
  for (const dir of dirs) await dir.remove();
  await world?.close();
});

test('activate verifies the lease on-chain and starts its container with the quoted image, limits and labels; again returns the same', async () => {
  const changes: LeaseStateChange[] = [];
  node.manager.events.on('lease:state', (change) => changes.push(change));
  const { quote, lease } = await quotedLease({ resources: { cpuCores: 1, memoryMiB: 96, diskGiB: 0, gpus: 0 } });
  const access = await node.manager.activate(lease);
  const account = await node.chain.fetchLease(lease);
  assert.equal(access, { lease: lease.toBase58(), renter: renter.publicKey.toBase58(), container: `decloud-${lease.toBase58()}`, image: IMAGE, maxEnd: account!.maxEnd });
  assert.equal(changes.map((c) => `${c.from}->${c.to}`), ['quoted->funded', 'funded->starting', 'starting->running']);

  const [container] = await containersOf(runtime, lease);
  assert.is(container?.status, 'running');
  const info = await dockerClient().docker.getContainer(container!.handle.id).inspect();
  assert.is(info.Config.Image, quote.image);
  assert.is(info.Config.Labels['decloud.renter'], renter.publicKey.toBase58());
  assert.is(info.Config.Labels['decloud.lease'], lease.toBase58());
  assert.is(info.HostConfig.Memory, 96 * 1024 * 1024);
  assert.is(info.HostConfig.NanoCpus, 1e9);
  assert.is(info.HostConfig.PidsLimit, 512);

  const record = await node.manager.get(lease);
  assert.is(record?.state, 'running');
  assert.is(record?.container?.id, container!.handle.id);
  assert.is(await node.store.getQuote(Buffer.from(quote.termsHash).toString('hex')), undefined, 'the quote is used up');

  assert.equal(await node.manager.activate(lease.toBase58()), access);
  assert.equal((await containersOf(runtime, lease)).map((c) => c.handle.id), [container!.handle.id]);
  assert.is(changes.length, 3, 'no transition on the second activate');
});

test('concurrent activations of one lease start one container', async () => {
  const { lease } = await quotedLease();
  const [a, b] = await Promise.all([node.manager.activate(lease), node.manager.activate(lease)]);
  assert.equal(a, b);
  assert.is((await containersOf(runtime, lease)).length, 1);
});

test('the program refuses a lease on terms the host did not sign; nothing reaches the host', async () => {
  // The renter cannot make the host's signature over other terms: it signs them itself.
  for (const [changes, what] of [
    [{ rate: 999n }, 'another rate'],
    [{ durationSecs: 60n }, 'another duration'],
    [{ termsHash: randomBytes(32) }, 'other terms'],
    [{ delegate: Keypair.generate().publicKey }, 'another delegate'],
  ] as const) {
    const quote = quoteFor(node.operator, renter.publicKey);
    await node.manager.recordQuote(quote, renter.publicKey);
    assert.is(await programError(openLeaseFor(renterChain, quote, node.operator.publicKey, { ...changes, signWith: renter })), 'TermsNotSigned', what);
    assert.is(await renterChain.fetchLease(leaseAddress(renter.publicKey, quote.leaseId)), null, `${what}: no lease`);
  }
  // This host's signature does not bind another host.
  const quote = quoteFor(node.operator, renter.publicKey);
  assert.is(await programError(openLeaseFor(renterChain, quote, node.operator.publicKey, { hostOperator: other.operator.publicKey, signWith: node.operator })), 'TermsNotSigned');
});

test('activate refuses a lease whose on-chain terms differ from the stored quote and closes it on-chain: the renter is refunded', async () => {
  // The host signed these terms, but its store holds another quote for them (a mixed-up or restored store).
  const cases: Array<[Parameters<typeof openLeaseFor>[3], string]> = [
    [{ termsHash: randomBytes(32) }, 'UNKNOWN_TERMS'],
    [{ rate: 999n }, 'WRONG_RATE'],
    [{ durationSecs: 60n }, 'DEPOSIT_TOO_SMALL'],
    [{ delegate: Keypair.generate().publicKey }, 'WRONG_DELEGATE'],
  ];
  for (const [changes, reason] of cases) {
    const { lease } = await quotedLease({}, { ...changes, signWith: node.operator });
    const { renterBefore, escrow } = await balancesOf(lease);
    const refused = (await rejection(lease)) as LeaseRejectedError;
    assert.instance(refused, LeaseRejectedError);
    assert.is(refused.reason, reason);
    assert.match(refused.message, 'the host closed the lease on-chain: the renter got the unproven deposit back');
    await assertNothingStarted(lease);
    await assertRefunded(lease, renterBefore, escrow);
  }

  // A lease id other than the quote's: the same terms hash, so the stored quote is found and its lease id differs.
  const quote = quoteFor(node.operator, renter.publicKey);
  await node.manager.recordQuote(quote, renter.publicKey);
  const lease = await openLeaseFor(renterChain, quote, node.operator.publicKey, { leaseId: quoteFor(node.operator, renter.publicKey).leaseId, signWith: node.operator });
  const refused = (await rejection(lease)) as LeaseRejectedError;
  assert.is(refused.reason, 'WRONG_LEASE_ID');
  assert.is(await node.chain.fetchLease(lease), null, 'closed on-chain');

  // Another host's lease (it signed the terms): refused, and left alone.
  const elsewhere = await quotedLease({}, { hostOperator: other.operator.publicKey, signWith: other.operator });
  const e4 = (await rejection(elsewhere.lease)) as LeaseRejectedError;
  assert.is(e4.reason, 'WRONG_HOST');
  await assertNothingStarted(elsewhere.lease);
  assert.ok(await node.chain.fetchLease(elsewhere.lease), 'another host\'s lease is not this host\'s to close');

  const nowhere = Keypair.generate().publicKey;
  assert.is((await rejection(nowhere)).code, 'LEASE_NOT_FOUND');
  const bad = await node.manager.activate('not-an-address').then(() => undefined, (err: LeaseError) => err);
  assert.is(bad?.code, 'BAD_ADDRESS');
});

test('activate refuses (and closes) a lease past its max end; the program refuses one opened after its quote expired', async () => {
  const brief = await quotedLease({ durationSecs: 1 });
  const account = (await node.chain.fetchLease(brief.lease))!;
  await waitUntilSecs(account.maxEnd);
  assert.is(((await rejection(brief.lease)) as LeaseRejectedError).reason, 'EXPIRED');
  await assertNothingStarted(brief.lease);
  assert.is(await node.chain.fetchLease(brief.lease), null, 'closed on-chain by the host');

  const quote = quoteFor(node.operator, renter.publicKey, { expiresAt: Date.now() + 1000 });
  await node.manager.recordQuote(quote, renter.publicKey);
  await waitUntilSecs(BigInt(Math.ceil(quote.expiresAt / 1000)));
  assert.is(await programError(openLeaseFor(renterChain, quote, node.operator.publicKey)), 'QuoteExpired');
});

test('one quote funds one lease: its address opened again after the close is refused and closed', async () => {
  const { quote, lease } = await quotedLease();
  await node.manager.activate(lease);
  assert.is(await programError(openLeaseFor(renterChain, quote, node.operator.publicKey)), 'AlreadyInitialized', 'the lease id is taken while the lease is open');
  await renterChain.closeLease(lease);
  await node.manager.tick();
  assert.is((await node.manager.get(lease))?.state, 'closed');
  const again = await openLeaseFor(renterChain, quote, node.operator.publicKey);
  assert.ok(again.equals(lease), 'the same lease id, the same address');
  const refused = await rejection(again);
  assert.is(refused.code, 'LEASE_ENDED');
  assert.match(refused.message, 'this host serves a lease id once');
  assert.is(await node.chain.fetchLease(again), null, 'closed on-chain again');
  assert.equal(await containersOf(runtime, lease), []);
});

test('a lease whose quoted capacity was given out meanwhile fails and is closed on-chain: the renter is refunded', async () => {
  const core = { cpuCores: 1, memoryMiB: 64, diskGiB: 0, gpus: 0 };
  // Both quotes were signed while the core was free.
  const first = await quotedLease({ resources: core }, {}, small);
  const second = await quotedLease({ resources: core }, {}, small);
  await small.manager.activate(first.lease);
  const { renterBefore, escrow } = await balancesOf(second.lease);
  const refused = (await rejection(second.lease, small)) as LeaseRejectedError;
  assert.is(refused.reason, 'NO_CAPACITY');
  assert.match(refused.message, 'cpuCores');
  const record = await small.manager.get(second.lease);
  assert.is(record?.state, 'failed');
  assert.is(record?.closePending, undefined, 'the close went through');
  assert.equal(await containersOf(runtime, second.lease), []);
  await assertRefunded(second.lease, renterBefore, escrow, small);
  assert.is((await small.manager.get(first.lease))?.state, 'running', 'the first lease runs on');
});

test('recordQuote refuses quotes for another host or renter, expired or altered ones', async () => {
  const mine = quoteFor(node.operator, renter.publicKey);
  const refused = async (quote: typeof mine, forRenter = renter.publicKey) => {
    const err = await node.manager.recordQuote(quote, forRenter).then(() => undefined, (e: LeaseError) => e);
    assert.is(err?.code, 'BAD_QUOTE');
    assert.is(await node.store.getQuote(Buffer.from(quote.termsHash).toString('hex')), undefined);
    return err!.message;
  };
  assert.match(await refused(quoteFor(other.operator, renter.publicKey)), 'this node is');
  assert.match(await refused(mine, Keypair.generate().publicKey), 'names renter');
  assert.match(await refused(quoteFor(node.operator, renter.publicKey, { expiresAt: Date.now() - 1 })), 'expired');
  assert.match(await refused({ ...mine, lamportsPerSecond: 1n, deposit: BigInt(mine.durationSecs) }), 'not the hash of its terms');
  let id = 0n;
  while (addressable(id)) id += 1n;
  assert.match(await refused(quoteFor(node.operator, renter.publicKey, { leaseId: id })), 'has no lease address');
});

function addressable(leaseId: bigint): boolean {
  try {
    leaseAddress(renter.publicKey, leaseId);
    return true;
  } catch {
    return false;
  }
}

test('a lease whose image is missing fails with the reason and is closed on-chain; no container is left', async () => {
  const { lease } = await quotedLease({ image: MISSING_IMAGE });
  const { renterBefore, escrow } = await balancesOf(lease);
  const err = await rejection(lease);
  assert.is(err.code, 'CONTAINER_FAILED');
  assert.match(err.message, 'IMAGE_MISSING');
  assert.match(err.message, 'the renter got the unproven deposit back');
  const record = await node.manager.get(lease);
  assert.is(record?.state, 'failed');
  assert.match(record?.reason ?? '', 'not present on this host');
  assert.is(record?.closePending, undefined);
  assert.equal(await containersOf(runtime, lease), []);
  await assertRefunded(lease, renterBefore, escrow);
  assert.is((await rejection(lease)).code, 'LEASE_ENDED');
});

test('tick: a lease closed by the renter has its container stopped and removed', async () => {
  const { lease } = await quotedLease();
  await node.manager.activate(lease);
  await renterChain.closeLease(lease);
  await node.manager.tick();
  const record = await node.manager.get(lease);
  assert.is(record?.state, 'closed');
  assert.match(record?.reason ?? '', 'closed on-chain');
  assert.equal(await containersOf(runtime, lease), []);
});

test('tick: a dead container fails the lease, which the host closes on-chain: proven time paid, the rest refunded', async () => {
  const { lease } = await quotedLease();
  await node.manager.activate(lease);
  const account = (await node.chain.fetchLease(lease))!;
  await waitUntilSecs(account.start + 1n);
  await node.collector.submit(receiptBy(renter, lease, account.start + 1n));
  const [container] = await containersOf(runtime, lease);
  await runtime.stop(container!.handle, { graceSeconds: 0 });
  const payableBefore = (await node.chain.fetchHost(node.operator.publicKey))!.payable;
  const renterBefore = await balanceOf(world.connection, renter.publicKey);
  const escrow = await balanceOf(world.connection, lease);
  await node.manager.tick();
  const record = await node.manager.get(lease);
  assert.is(record?.state, 'failed');
  assert.match(record?.reason ?? '', 'its container stopped');
  assert.is(record?.closePending, undefined);
  assert.equal(await containersOf(runtime, lease), []);
  assert.is(await node.chain.fetchLease(lease), null, 'closed on-chain by the host');
  const proven = account.rate;
  const fee = (proven * BigInt(world.genesis.feeBps)) / 10_000n;
  assert.is((await node.chain.fetchHost(node.operator.publicKey))!.payable - payableBefore, proven - fee, 'the receipt posted first: its second is paid');
  assert.is(await balanceOf(world.connection, renter.publicKey) - renterBefore, escrow - proven, 'the renter gets the rest back');
});

test('a close that does not go through is retried by the next tick', async () => {
  const { lease } = await quotedLease();
  await node.manager.activate(lease);
  const [container] = await containersOf(runtime, lease);
  await runtime.stop(container!.handle, { graceSeconds: 0 });
  const closeLease = node.chain.closeLease.bind(node.chain);
  node.chain.closeLease = () => Promise.reject(new Error('RPC down'));
  try {
    await node.manager.tick();
  } finally {
    node.chain.closeLease = closeLease;
  }
  assert.is((await node.manager.get(lease))?.closePending, true, 'the close is still owed');
  assert.ok(await node.chain.fetchLease(lease), 'still open on-chain');
  await node.manager.tick();
  assert.is((await node.manager.get(lease))?.closePending, undefined);
  assert.is(await node.chain.fetchLease(lease), null, 'closed by the retry');
  assert.is((await node.manager.get(lease))?.state, 'failed');
});

test('tick: at max end the host posts the last receipt, closes the lease on-chain and is paid into its host account', async () => {
  const { lease } = await quotedLease({ durationSecs: 4 });
  await node.manager.activate(lease);
  const account = (await node.chain.fetchLease(lease))!;
  await waitUntilSecs(account.start + 2n);
  await node.collector.submit(receiptBy(renter, lease, account.start + 2n));
  await node.manager.tick();
  assert.is((await node.manager.get(lease))?.state, 'running', 'before max end nothing ends');

  await waitUntilSecs(account.maxEnd);
  const hostBefore = (await node.chain.fetchHost(node.operator.publicKey))!;
  const renterBefore = await balanceOf(world.connection, renter.publicKey);
  const escrow = await balanceOf(world.connection, lease);
  await node.manager.tick();

  const record = await node.manager.get(lease);
  assert.is(record?.state, 'closed');
  assert.match(record?.reason ?? '', 'the host closed it');
  assert.is(await node.chain.fetchLease(lease), null);
  assert.equal(await containersOf(runtime, lease), []);
  const amount = 2n * account.rate;
  const fee = (amount * BigInt(world.genesis.feeBps)) / 10_000n;
  const hostAfter = (await node.chain.fetchHost(node.operator.publicKey))!;
  assert.is(hostAfter.payable - hostBefore.payable, amount - fee, 'the host account holds the proven time for the owner');
  assert.is(hostAfter.earned - hostBefore.earned, amount - fee);
  assert.is(await balanceOf(world.connection, renter.publicKey) - renterBefore, escrow - amount, 'the renter gets the rest back');
});

test.run();
