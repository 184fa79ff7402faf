// The lease manager on the real local chain (real program) and the real Docker engine:
// activation checks the on-chain lease against the quote, then ticks follow the lease to its end.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { randomBytes } from 'node:crypto';
import { Keypair } from '@solana/web3.js';
import type { PublicKey } from '@solana/web3.js';
import type { DecloudChain } from '@decloud/sdk/chain/index';
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
let renter: Keypair;
let renterChain: DecloudChain;
const dirs: Array<{ remove(): Promise<void> }> = [];

async function quotedLease(options: Parameters<typeof quoteFor>[2] = {}, open: Parameters<typeof openLeaseFor>[3] = {}) {
  const quote = quoteFor(node.operator, renter.publicKey, options);
  await node.manager.recordQuote(quote, renter.publicKey);
  const lease = await openLeaseFor(renterChain, quote, node.operator.publicKey, open);
  return { quote, lease };
}

async function rejection(lease: PublicKey): Promise<LeaseError> {
  try {
    await node.manager.activate(lease);
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

test.before(async () => {
  world = await startWorld();
  runtime = await connectRuntime([MISSING_IMAGE]);
  const [a, b] = [await tempDir('leases'), await tempDir('leases-other')];
  dirs.push(a, b);
  node = await startHostNode(world, runtime, a.path);
  other = await startHostNode(world, runtime, b.path);
  renter = await funded(world.connection, 20);
  renterChain = clientOf(world.connection, renter);
});

test.after(async () => {
  await removeRenterContainers(runtime, [renter.publicKey]);
  await node?.close();
  await other?.close();
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

test('activate refuses a lease whose terms differ from the quote; nothing is started or stored', async () => {
  const unknown = await quotedLease({}, { termsHash: randomBytes(32) });
  const e1 = await rejection(unknown.lease);
  assert.instance(e1, LeaseRejectedError);
  assert.is((e1 as LeaseRejectedError).reason, 'UNKNOWN_TERMS');
  await assertNothingStarted(unknown.lease);

  const cheap = await quotedLease({ lamportsPerSecond: 1_000n }, { rate: 999n });
  const e2 = (await rejection(cheap.lease)) as LeaseRejectedError;
  assert.is(e2.reason, 'WRONG_RATE');
  assert.match(e2.message, 'open it with the quoted rate');
  await assertNothingStarted(cheap.lease);

  const short = await quotedLease({ durationSecs: 120 }, { durationSecs: 60n });
  const e3 = (await rejection(short.lease)) as LeaseRejectedError;
  assert.is(e3.reason, 'DEPOSIT_TOO_SMALL');
  await assertNothingStarted(short.lease);
  assert.ok(await node.store.getQuote(Buffer.from(short.quote.termsHash).toString('hex')), 'the quote stays for a lease opened right');

  // This host's quote, but the renter bound the lease to another host.
  const elsewhere = await quotedLease({}, { hostOperator: other.operator.publicKey });
  const e4 = (await rejection(elsewhere.lease)) as LeaseRejectedError;
  assert.is(e4.reason, 'WRONG_HOST');
  await assertNothingStarted(elsewhere.lease);

  const nowhere = Keypair.generate().publicKey;
  assert.is((await rejection(nowhere)).code, 'LEASE_NOT_FOUND');
  const bad = await node.manager.activate('not-an-address').then(() => undefined, (err: LeaseError) => err);
  assert.is(bad?.code, 'BAD_ADDRESS');
});

test('activate refuses a lease past its max end, and one opened after its quote expired', async () => {
  const brief = await quotedLease({ durationSecs: 1 });
  const account = (await node.chain.fetchLease(brief.lease))!;
  await waitUntilSecs(account.maxEnd);
  assert.is(((await rejection(brief.lease)) as LeaseRejectedError).reason, 'EXPIRED');
  await assertNothingStarted(brief.lease);

  const quote = quoteFor(node.operator, renter.publicKey, { expiresAt: Date.now() + 1000 });
  await node.manager.recordQuote(quote, renter.publicKey);
  await waitUntilSecs(BigInt(Math.ceil(quote.expiresAt / 1000)));
  const late = await openLeaseFor(renterChain, quote, node.operator.publicKey);
  const refused = (await rejection(late)) as LeaseRejectedError;
  assert.is(refused.reason, 'QUOTE_EXPIRED');
  assert.match(refused.message, 'ask for a new quote');
  await assertNothingStarted(late);
});

test('one quote funds one lease', async () => {
  const { quote, lease } = await quotedLease();
  await node.manager.activate(lease);
  const second = await openLeaseFor(renterChain, quote, node.operator.publicKey);
  const refused = (await rejection(second)) as LeaseRejectedError;
  assert.is(refused.reason, 'QUOTE_USED');
  assert.match(refused.message, lease.toBase58());
  await assertNothingStarted(second);
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
});

test('a lease whose image is missing fails with the reason; no container is left', async () => {
  const { lease } = await quotedLease({ image: MISSING_IMAGE });
  const err = await rejection(lease);
  assert.is(err.code, 'CONTAINER_FAILED');
  assert.match(err.message, 'IMAGE_MISSING');
  const record = await node.manager.get(lease);
  assert.is(record?.state, 'failed');
  assert.match(record?.reason ?? '', 'not present on this host');
  assert.equal(await containersOf(runtime, lease), []);
  assert.ok(await node.chain.fetchLease(lease), 'the lease stays open for the renter to close');
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

test('tick: a dead container fails the lease and the on-chain lease stays for the renter', async () => {
  const { lease } = await quotedLease();
  await node.manager.activate(lease);
  const [container] = await containersOf(runtime, lease);
  await runtime.stop(container!.handle, { graceSeconds: 0 });
  await node.manager.tick();
  const record = await node.manager.get(lease);
  assert.is(record?.state, 'failed');
  assert.match(record?.reason ?? '', 'its container stopped');
  assert.equal(await containersOf(runtime, lease), []);
  assert.ok(await node.chain.fetchLease(lease));
});

test('tick: at max end the host posts the last receipt, closes the lease on-chain and is paid', async () => {
  const { lease } = await quotedLease({ durationSecs: 4 });
  await node.manager.activate(lease);
  const account = (await node.chain.fetchLease(lease))!;
  await waitUntilSecs(account.start + 2n);
  await node.collector.submit(receiptBy(renter, lease, account.start + 2n));
  await node.manager.tick();
  assert.is((await node.manager.get(lease))?.state, 'running', 'before max end nothing ends');

  await waitUntilSecs(account.maxEnd);
  const ownerBefore = await balanceOf(world.connection, node.owner.publicKey);
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
  assert.is(await balanceOf(world.connection, node.owner.publicKey) - ownerBefore, amount - fee, 'the owner is paid for the proven time');
  assert.is(await balanceOf(world.connection, renter.publicKey) - renterBefore, escrow - amount, 'the renter gets the rest back');
});

test.run();
