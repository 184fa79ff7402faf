// Reconcile after a restart of the node (a new manager over the same level folder), on the
// real local chain and the real Docker engine: store vs chain vs runtime, nothing leaks, and
// a lease that cannot be brought back is closed on-chain for the renter's refund.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, PublicKey } from '@solana/web3.js';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import type { ReconcileReport } from '../src/leases/index.js';
import { dockerClient } from '../src/runtime/docker-client.js';
import type { DockerRuntime } from '../src/runtime/index.js';
import {
  IMAGE, SMALL, clientOf, connectRuntime, containersOf, funded, openLeaseFor, quoteFor, removeRenterContainers, startWorld, tempDir,
} from './support/chain-world.js';
import type { World } from './support/chain-world.js';
import { startHostNode } from './support/host-node.js';
import type { HostNode } from './support/host-node.js';

const VANISHING = { repo: `decloud/vanishing-${process.pid}`, tag: 'local' };
const VANISHING_IMAGE = `${VANISHING.repo}:${VANISHING.tag}`;
const { docker } = dockerClient();
let world: World;
let runtime: DockerRuntime;
let node: HostNode;
let renter: Keypair;
let renterChain: DecloudChain;
let store: Awaited<ReturnType<typeof tempDir>>;

async function runningLease(image = IMAGE): Promise<PublicKey> {
  const quote = quoteFor(node.operator, renter.publicKey, { image });
  await node.manager.recordQuote(quote, renter.publicKey);
  const lease = await openLeaseFor(renterChain, quote, node.operator.publicKey);
  await node.manager.activate(lease);
  return lease;
}

async function containerIdOf(lease: PublicKey): Promise<string | undefined> {
  const [container] = await containersOf(runtime, lease);
  return container?.status === 'running' ? container.handle.id : undefined;
}

test.before(async () => {
  world = await startWorld();
  runtime = await connectRuntime([VANISHING_IMAGE]);
  await docker.getImage(IMAGE).tag(VANISHING);
  store = await tempDir('reconcile');
  node = await startHostNode(world, runtime, store.path);
  renter = await funded(world.connection, 20);
  renterChain = clientOf(world.connection, renter);
});

test.after(async () => {
  await removeRenterContainers(runtime, [renter.publicKey]);
  await docker.getImage(VANISHING_IMAGE).remove().catch(() => undefined);
  await node?.close();
  await store?.remove();
  await world?.close();
});

test('after a restart: running leases continue, vanished containers come back, closed leases and orphans are cleaned up', async () => {
  const continuing = await runningLease();
  const vanished = await runningLease();
  const closedMeanwhile = await runningLease();
  const imageGone = await runningLease(VANISHING_IMAGE);
  const continuingId = await containerIdOf(continuing);
  const vanishedId = await containerIdOf(vanished);

  // While the node is down: a container disappears, the renter closes a lease, an image is
  // deleted, a labelled container appears with no lease behind it, and a lease is opened
  // for this host that the node never quoted.
  await node.manager.stop();
  for (const lease of [vanished, imageGone]) {
    for (const { handle } of await containersOf(runtime, lease)) await runtime.remove(handle);
  }
  await docker.getImage(VANISHING_IMAGE).remove();
  await renterChain.closeLease(closedMeanwhile);
  const orphanLease = Keypair.generate().publicKey.toBase58();
  const containerOf = (leaseId: string, host: string) => runtime.create({
    leaseId, renter: renter.publicKey.toBase58(), host, image: IMAGE, cmd: ['sleep', 'infinity'], limits: { cpus: 0.1, memoryMiB: 16, pids: 16 },
  });
  const orphan = await containerOf(orphanLease, node.operator.publicKey.toBase58());
  await runtime.start(orphan);
  // Another node on the same engine: its container carries its own host label.
  const foreignLease = Keypair.generate().publicKey.toBase58();
  const foreign = await containerOf(foreignLease, Keypair.generate().publicKey.toBase58());
  const unknown = await openLeaseFor(renterChain, quoteFor(node.operator, renter.publicKey, { resources: SMALL }), node.operator.publicKey);

  await node.restart();
  const unknownEvents: string[] = [];
  node.manager.events.on('lease:unknown', ({ lease }) => unknownEvents.push(lease));
  const report = await node.manager.reconcile();

  assert.equal(report.continued, [continuing.toBase58()]);
  assert.equal(report.restarted, [vanished.toBase58()]);
  assert.equal(report.closed, [closedMeanwhile.toBase58()]);
  assert.equal(report.failed, [imageGone.toBase58()]);
  assert.ok(report.orphansRemoved.includes(orphanLease), 'the orphan container is removed');
  assert.equal(report.unknown, [unknown.toBase58()]);
  assert.equal(unknownEvents, [unknown.toBase58()]);

  assert.is(await containerIdOf(continuing), continuingId, 'the same container runs on');
  const restartedId = await containerIdOf(vanished);
  assert.ok(restartedId && restartedId !== vanishedId, 'a new container runs for the vanished one');
  assert.is((await node.manager.get(vanished))?.container?.id, restartedId);
  assert.is((await node.manager.get(vanished))?.state, 'running');
  assert.is((await node.manager.get(closedMeanwhile))?.state, 'closed');
  assert.equal(await containersOf(runtime, closedMeanwhile), []);
  const failed = await node.manager.get(imageGone);
  assert.is(failed?.state, 'failed');
  assert.match(failed?.reason ?? '', 'IMAGE_MISSING');
  assert.equal(await containersOf(runtime, imageGone), []);
  assert.is(await node.chain.fetchLease(imageGone), null, 'a lease the host can no longer serve is closed on-chain, refunding the renter');
  assert.ok(await node.chain.fetchLease(unknown), 'an unknown lease is left open: nothing says it is unservable until its renter asks');
  assert.equal(await containersOf(runtime, orphanLease), []);
  assert.ok(!report.orphansRemoved.includes(foreignLease), 'another node\'s container is not this node\'s orphan');
  assert.is((await containersOf(runtime, foreignLease))[0]?.handle.id, foreign.id);
  await runtime.remove(foreign);
  assert.equal(await containersOf(runtime, unknown), [], 'an unknown lease gets no container');
});

test('a second reconcile changes nothing', async () => {
  const before = await node.manager.list();
  const report = await node.manager.reconcile();
  const expected: ReconcileReport = { continued: report.continued, restarted: [], closed: [], ended: [], failed: [], orphansRemoved: [], unknown: report.unknown };
  assert.equal(report, expected);
  assert.is(report.continued.length, 2);
  assert.equal(await node.manager.list(), before);
});

test('a lease funded just before a crash (no container yet) is started by reconcile', async () => {
  const quote = quoteFor(node.operator, renter.publicKey);
  const lease = await openLeaseFor(renterChain, quote, node.operator.publicKey);
  const account = (await node.chain.fetchLease(lease))!;
  // What activate had written when the node died: the lease verified and funded, nothing started.
  await node.store.fundLease({ lease: lease.toBase58(), state: 'funded', quote, maxEnd: account.maxEnd, updatedAt: Date.now() }, Buffer.from(quote.termsHash).toString('hex'));
  await node.restart();
  const report = await node.manager.reconcile();
  assert.equal(report.restarted, [lease.toBase58()]);
  assert.is((await node.manager.get(lease))?.state, 'running');
  assert.ok(await containerIdOf(lease));
});

test('a lease the renter ends after the restart is still followed by tick', async () => {
  const [record] = (await node.manager.list()).filter((r) => r.state === 'running');
  const lease = new PublicKey(record!.lease);
  await renterChain.closeLease(lease);
  await node.manager.tick();
  assert.is((await node.manager.get(lease))?.state, 'closed');
  assert.equal(await containersOf(runtime, lease), []);
});

test.run();
