/**
 * The host daemon as an operator runs it: `decloud-node init` then `start` as a child
 * process, against the real local chain (litesvm behind JSON-RPC, in its own thread), a real
 * bootstrap peer and the real Docker engine; a renter libp2p node in this process finds the
 * offer, gets a quote, opens and activates a lease and sends a receipt; the CLI's views and
 * the metrics show the numbers the chain holds; SIGTERM stops the node and a second start
 * resumes it.
 */
import { randomBytes } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Keypair, PublicKey } from '@solana/web3.js';
import { startBootstrapDaemon } from '@decloud/bootstrap/src/daemon/bootstrap-daemon.js';
import type { BootstrapDaemon } from '@decloud/bootstrap/src/daemon/bootstrap-daemon.js';
import { openLeaseAccess, sendReceipt, signReceipt } from '@decloud/sdk/access/index';
import type { DecloudChain } from '@decloud/sdk/chain/index';
import { hostStatusOf, newLeaseId } from '@decloud/sdk/chain/index';
import { leaseTermsOf } from '@decloud/sdk/quotes/index';
import { peerIdFromSolanaPublicKey } from '@decloud/sdk/identity/host-identity';
import { createDecloudNode } from '@decloud/sdk/net/create-node';
import type { DecloudNode } from '@decloud/sdk/net/decloud-node';
import { QuoteRefusedError } from '@decloud/sdk/net/net-error';
import { priceOf } from '@decloud/sdk/offers/pricing';
import type { Offer } from '@decloud/sdk/offers/types';
import type { QuoteRequest, SignedQuote } from '@decloud/sdk/quotes/types';
import { readOperatorKey } from '../src/config/index.js';
import { DockerRuntime, LABELS } from '../src/runtime/index.js';
import { IMAGE, SOL, clientOf, funded, silentLog, startWorld, tempDir, waitFor } from './support/chain-world.js';
import type { World } from './support/chain-world.js';
import { runCli, startDaemon } from './support/cli-process.js';
import type { CliEvent, DaemonProcess } from './support/cli-process.js';

let world: World;
let bootstrap: BootstrapDaemon;
let bootState: Awaited<ReturnType<typeof tempDir>>;
let data: Awaited<ReturnType<typeof tempDir>>;
let renterNode: DecloudNode;
let renter: Keypair;
let renterChain: DecloudChain;
let runtime: DockerRuntime;
let daemon: DaemonProcess | undefined;
let operator: Keypair;
let owner: Keypair;
let ready: CliEvent;
let lease: PublicKey;
let seenSeq = 0n;

const cli = (...args: string[]) => runCli(['--data', data.path, ...args]);
const hostAccount = async () => (await clientOf(world.connection, operator).fetchHost(operator.publicKey))!;
const offerInBook = (): Offer | undefined => renterNode.book.get(operator.publicKey.toBase58())?.offer;

function quoteRequest(offer: Offer, changes: Partial<QuoteRequest> = {}): QuoteRequest {
  return {
    version: 1,
    renter: renter.publicKey.toBase58(),
    leaseId: newLeaseId(renter.publicKey),
    delegate: PublicKey.default.toBase58(),
    resources: { cpuCores: 1, memoryMiB: 64, diskGiB: 0, gpus: 0 },
    image: IMAGE,
    durationSecs: 600,
    offerSeq: offer.seq,
    nonce: new Uint8Array(randomBytes(16)),
    ...changes,
  };
}

/** The value of one sample line of the Prometheus text format, e.g. `decloud_leases{state="running"}`. */
function sample(metrics: string, name: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

test.before(async () => {
  world = await startWorld();
  bootState = await tempDir('cli-bootstrap');
  bootstrap = await startBootstrapDaemon({
    stateDir: bootState.path, listenHost: '127.0.0.1', tcpPort: 0, wsPort: 0, webrtcPort: 0, announce: [], bootstrap: [], maxReservations: 16,
  });
  data = await tempDir('cli-host');
  renter = await funded(world.connection, 20);
  owner = await funded(world.connection, 1);
  renterChain = clientOf(world.connection, renter);
  renterNode = await createDecloudNode({ bootstrap: [bootstrap.multiaddrs()[0]!], listen: ['/ip4/127.0.0.1/tcp/0'], webrtc: false, autonat: false, dcutr: false });
  runtime = await DockerRuntime.connect({ allowedImages: [IMAGE], logger: silentLog });
});

test.after(async () => {
  await daemon?.stop();
  if (operator) {
    for (const { handle } of await runtime.listByLabel({ [LABELS.host]: operator.publicKey.toBase58() })) await runtime.remove(handle);
  }
  await renterNode?.stop();
  await bootstrap?.stop();
  await world?.close();
  await data?.remove();
  await bootState?.remove();
});

test('init writes the config and a new operator key, funds it, and refuses to overwrite', async () => {
  const init = await cli('init', '--country', 'DE', '--label', 'test rack', '--rpc-url', world.chain.rpcUrl, '--bootstrap', bootstrap.multiaddrs()[0]!,
    '--listen', '/ip4/127.0.0.1/tcp/0', '--metrics-port', '0', '--owner', owner.publicKey.toBase58(), '--airdrop', '3', '--json');
  assert.is(init.code, 0, init.stderr);
  const result = JSON.parse(init.stdout) as { operator: string; peerId: string; keyCreated: boolean; balance: string; operatorKeyFile: string };
  operator = await readOperatorKey(join(data.path, 'operator-key.json'));
  assert.is(result.operator, operator.publicKey.toBase58());
  assert.is(result.peerId, peerIdFromSolanaPublicKey(operator.publicKey.toBytes()).toString());
  assert.ok(result.keyCreated);
  assert.is(BigInt(await world.connection.getBalance(operator.publicKey, 'confirmed')), 3n * SOL);
  assert.is(BigInt(result.balance), 3n * SOL);
  assert.is((await stat(result.operatorKeyFile)).mode & 0o777, 0o600, 'the key is readable by its owner only');

  const again = await cli('init', '--country', 'FR');
  assert.is(again.code, 1);
  assert.match(again.stderr, /CONFIG_EXISTS: .*config\.json exists already: edit it, or pass --force/);
  const config = JSON.parse(await readFile(join(data.path, 'config.json'), 'utf8')) as Record<string, any>;
  assert.is(config.region.country, 'DE', 'the config is unchanged');
  assert.is(config.stakeLamports, '1000000000');

  // Fast loops so the test sees republication, receipts and settlement within seconds.
  config.webrtc = false;
  config.intervals = { ...config.intervals, offerRepublishMs: 1500, offerTtlMs: 60_000, leaseTickMs: 1000, receiptFlushMs: 500, settleMs: 1000 };
  await writeFile(join(data.path, 'config.json'), JSON.stringify(config, null, 2));
});

test('start registers and activates the host and publishes an offer that reaches a renter', async () => {
  daemon = startDaemon(['--data', data.path]);
  ready = await daemon.next((e) => e.event === 'ready');
  assert.is(ready.peerId, peerIdFromSolanaPublicKey(operator.publicKey.toBytes()).toString(), 'the peer id is the operator key');
  assert.equal(ready.registration, { registered: true, activated: true });
  const steps = daemon.events.filter((e) => e.event === 'step' && e.phase === 'done').map((e) => e.step);
  assert.equal(steps, ['capacity', 'rpc', 'docker', 'registration', 'leases', 'network', 'access', 'witness', 'quotes', 'prover', 'offer', 'metrics']);

  const host = await hostAccount();
  assert.is(hostStatusOf(host.status), 'active');
  assert.is(host.stake, SOL);
  assert.ok(host.owner.equals(owner.publicKey));

  const offer = await waitFor('the offer in the renter\'s book', async () => offerInBook(), 30_000);
  assert.is(offer.kind, 'docker');
  assert.is(offer.peerId, ready.peerId);
  assert.equal(offer.images, [IMAGE]);
  assert.equal(offer.region, { country: 'DE', label: 'test rack' });
  assert.is(offer.stake, SOL);
  assert.equal(offer.price.lamportsPerHour, { cpuCore: 10_000_000n, memoryGiB: 2_000_000n, diskGiB: 100_000n, gpu: 200_000_000n });
  assert.ok(offer.seq >= BigInt((ready.offer as { seq: string }).seq));
  assert.ok(offer.resources.cpuCores >= 1);
  assert.ok(offer.addrs.some((addr) => addr.startsWith('/ip4/127.0.0.1/tcp/')));
  seenSeq = offer.seq;
});

test('the renter gets a quote at the offer\'s price; requests the host cannot serve are refused with the reason', async () => {
  const offer = offerInBook()!;
  const request = quoteRequest(offer);
  const signed: SignedQuote = await renterNode.quotes.requestQuote(ready.peerId as string, request);
  assert.is(signed.quote.host, operator.publicKey.toBase58());
  assert.is(signed.quote.lamportsPerSecond, (priceOf(offer, request.resources) + 3599n) / 3600n);
  assert.is(signed.quote.deposit, signed.quote.lamportsPerSecond * 600n);

  const refusals: Array<[Partial<QuoteRequest>, string]> = [
    [{ image: 'nginx:latest' }, 'IMAGE_NOT_ALLOWED'],
    [{ resources: { cpuCores: offer.resources.cpuCores + 1, memoryMiB: 64, diskGiB: 0, gpus: 0 } }, 'NO_CAPACITY'],
  ];
  for (const [changes, reason] of refusals) {
    try {
      await renterNode.quotes.requestQuote(ready.peerId as string, quoteRequest(offer, changes));
      assert.unreachable(`${reason} expected`);
    } catch (err) {
      assert.instance(err, QuoteRefusedError, String(err));
      assert.is((err as QuoteRefusedError).refusal.reason, reason);
    }
  }

  assert.is(signed.quote.leaseId, request.leaseId, 'the lease id the renter chose is echoed');
  assert.is(signed.quote.delegate, request.delegate);

  // The quote funds a lease: open it on-chain with the host's signature, activate it over libp2p, prove some uptime.
  ({ lease } = await renterChain.openLease({ ...leaseTermsOf(signed.quote), hostSignature: signed.signature }));
  assert.ok(lease.equals(renterChain.leaseAddress(renter.publicKey, request.leaseId)));
  const access = await openLeaseAccess(renterNode, ready.peerId as string, lease, renter);
  assert.is(access.lease, lease.toBase58());
  const [container] = await runtime.listByLabel({ [LABELS.host]: operator.publicKey.toBase58(), [LABELS.lease]: lease.toBase58() });
  assert.is(container?.status, 'running', 'the container carries the host label and runs');
  const reused = await renterNode.quotes.requestQuote(ready.peerId as string, quoteRequest(offer, { leaseId: request.leaseId }))
    .then(() => undefined, (err: unknown) => err);
  assert.instance(reused, QuoteRefusedError, 'a lease id this host has a lease at is not quoted again');
  assert.is((reused as QuoteRefusedError).refusal.reason, 'MALFORMED');
  assert.match((reused as QuoteRefusedError).refusal.message, 'draw a new one');

  const opened = (await renterChain.fetchLease(lease))!;
  await waitFor('two seconds of lease time', async () => (Date.now() / 1000 > Number(opened.start) + 3 ? true : undefined));
  const until = BigInt(Math.floor(Date.now() / 1000)) - 1n;
  assert.is(await sendReceipt(renterNode, ready.peerId as string, signReceipt(renter, lease, until)), 'accepted');
  const settled = await waitFor('the receipt posted and settled', async () => {
    const account = await renterChain.fetchLease(lease);
    return account && account.provenSecs > 0n && account.settledSecs === account.provenSecs ? account : undefined;
  });
  assert.is(settled.provenSecs, until - opened.start);
});

test('status, leases and earnings print what the chain holds', async () => {
  const host = await hostAccount();
  assert.ok(host.earned > 0n);
  assert.is(host.payable, host.earned + host.rewardsEarned, 'nothing paid out yet');
  const status = await cli('status');
  assert.is(status.code, 0, status.stderr);
  assert.match(status.stdout, `Host ${operator.publicKey.toBase58()} on ${world.chain.rpcUrl}`);
  assert.match(status.stdout, /status\s+active\n/);
  assert.not.match(status.stdout, 'jailed until', 'never jailed');
  assert.match(status.stdout, /stake\s+1 SOL \(1000000000 lamports\)\n/);
  assert.match(status.stdout, new RegExp(`open leases\\s+1\\n`));
  assert.match(status.stdout, new RegExp(`proven epochs\\s+${host.provenEpochs}\\n`));
  assert.match(status.stdout, new RegExp(`earned\\s+[0-9.]+ SOL \\(${host.earned} lamports\\)\\n`));
  assert.match(status.stdout, new RegExp(`rewards earned\\s+[0-9.]+ SOL \\(${host.rewardsEarned} lamports\\)\\n`));
  assert.match(status.stdout, new RegExp(`payable\\s+[0-9.]+ SOL \\(${host.payable} lamports\\) \\(earned, not yet paid out: decloud-node claim\\)\\n`));
  assert.match(status.stdout, new RegExp(`peer id\\s+${ready.peerId}\\n`), 'the local daemon\'s health is shown');
  assert.match(status.stdout, /leases\s+1 running\n/);
  const statusJson = JSON.parse((await cli('status', '--json')).stdout) as { host: Record<string, string> };
  assert.is(statusJson.host.payable, host.payable.toString());
  assert.is(statusJson.host.jailedUntil, '0');

  const leases = await cli('leases', '--json');
  assert.is(leases.code, 0, leases.stderr);
  const account = (await renterChain.fetchLease(lease))!;
  const [row, ...others] = JSON.parse(leases.stdout) as Array<Record<string, any>>;
  assert.is(others.length, 0);
  assert.is(row!.lease, lease.toBase58());
  assert.is(row!.state, 'running');
  assert.is(row!.renter, renter.publicKey.toBase58());
  assert.is(row!.onChain.provenSecs, account.provenSecs.toString());
  assert.is(row!.onChain.paid, account.paid.toString());
  const table = await cli('leases');
  assert.match(table.stdout, `${lease.toBase58().slice(0, 8)}…`);
  assert.match(table.stdout, /running/);

  const earnings = await cli('earnings');
  assert.is(earnings.code, 0, earnings.stderr);
  const balance = BigInt(await world.connection.getBalance(owner.publicKey, 'confirmed'));
  assert.is(balance, SOL, 'the owner is paid by a claim, not by the settlement');
  assert.match(earnings.stdout, new RegExp(`earned \\(leases\\)\\s+[0-9.]+ SOL \\(${host.earned} lamports\\)\\n`));
  assert.match(earnings.stdout, new RegExp(`payable\\s+[0-9.]+ SOL \\(${host.payable} lamports\\) \\(earned, not yet paid out: decloud-node claim\\)\\n`));
  assert.match(earnings.stdout, new RegExp(`owner balance\\s+[0-9.]+ SOL \\(${balance} lamports\\)\\n`));
});

test('claim pays what the host account holds (lease earnings and rewards) to the owner; then there is nothing to claim', async () => {
  const before = await hostAccount();
  assert.ok(before.payable > 0n);
  const ownerBefore = BigInt(await world.connection.getBalance(owner.publicKey, 'confirmed'));
  const claim = await cli('claim');
  assert.is(claim.code, 0, claim.stderr);
  const after = await hostAccount();
  assert.is(after.payable, 0n);
  assert.is(BigInt(await world.connection.getBalance(owner.publicKey, 'confirmed')) - ownerBefore, before.payable, 'the owner got all of it');
  assert.match(claim.stdout, `SOL (${before.payable} lamports) (lease earnings and uptime rewards) to the owner ${owner.publicKey.toBase58()}`);
  assert.match(claim.stdout, /^paid out [0-9.]+ SOL/);
  const nothing = await cli('claim');
  assert.is(nothing.code, 0);
  assert.match(nothing.stdout, /nothing to claim: the host account holds nothing payable/);
});

test('the metrics endpoint serves the node\'s counters', async () => {
  const metrics = await (await fetch(`${ready.metricsUrl as string}/metrics`)).text();
  assert.ok(sample(metrics, 'decloud_offers_published_total')! >= 1);
  assert.is(sample(metrics, 'decloud_quote_requests_total'), 4);
  assert.is(sample(metrics, 'decloud_quote_refusals_total{reason="MALFORMED"}'), 1, 'the reused lease id');
  assert.is(sample(metrics, 'decloud_quote_refusals_total{reason="IMAGE_NOT_ALLOWED"}'), 1);
  assert.is(sample(metrics, 'decloud_quote_refusals_total{reason="NO_CAPACITY"}'), 1);
  assert.is(sample(metrics, 'decloud_leases{state="running"}'), 1);
  assert.is(sample(metrics, 'decloud_containers'), 1);
  assert.is(sample(metrics, 'decloud_proofs_posted_total'), 1);
  assert.is(sample(metrics, 'decloud_earned_lamports'), Number((await hostAccount()).earned));
  assert.ok(sample(metrics, 'decloud_peers_connected')! >= 1);
});

test('SIGTERM stops the node cleanly, the container runs on, and a second start resumes without registering again', async () => {
  const registeredAt = (await hostAccount()).registeredAt;
  assert.is(await daemon!.stop('SIGTERM'), 0, daemon!.stderr());
  assert.ok(daemon!.events.some((e) => e.event === 'stopped'));
  assert.is(await stat(join(data.path, 'daemon.json')).then(() => 'present', () => 'gone'), 'gone', 'daemon.json is removed');
  const [container] = await runtime.listByLabel({ [LABELS.host]: operator.publicKey.toBase58(), [LABELS.lease]: lease.toBase58() });
  assert.is(container?.status, 'running', 'the lease\'s container keeps running while the node is down');
  const offline = await cli('status');
  assert.match(offline.stdout, /Local node\n {2}not running/);

  daemon = startDaemon(['--data', data.path]);
  const again = await daemon.next((e) => e.event === 'ready');
  assert.is(again.peerId, ready.peerId, 'the same peer id');
  assert.equal(again.registration, { registered: false, activated: false }, 'no re-registration');
  assert.is((await hostAccount()).registeredAt, registeredAt);
  const reconciled = daemon.events.find((e) => e.event === 'step' && e.step === 'leases' && e.phase === 'done');
  assert.match(reconciled?.text as string, /^1 running, 0 restarted/);
  const [still] = await runtime.listByLabel({ [LABELS.host]: operator.publicKey.toBase58(), [LABELS.lease]: lease.toBase58() });
  assert.is(still?.handle.id, container!.handle.id, 'the same container is resumed');
  const newer = await waitFor('a newer offer in the renter\'s book', async () => {
    const offer = offerInBook();
    return offer && offer.seq > seenSeq && offer.issuedAt >= (again.startedAt as number) ? offer : undefined;
  }, 30_000);
  assert.ok(BigInt((again.offer as { seq: string }).seq) > seenSeq, 'the offer seq grows across restarts');
  assert.is(newer.peerId, ready.peerId);

  const leases = await cli('leases', '--json');
  assert.is((JSON.parse(leases.stdout) as Array<{ state: string }>)[0]?.state, 'running', 'leases are read from the running daemon');
  const second = startDaemon(['--data', data.path]);
  assert.is(await second.exited(), 1, 'a second node on the same data folder is refused');
  assert.match(second.stderr(), /ALREADY_RUNNING: a node already runs on .* \(pid \d+/);
  const deactivate = await cli('deactivate');
  assert.is(deactivate.code, 1, 'no deactivation under a running node');
  assert.match(deactivate.stderr, /ALREADY_RUNNING: the node is running \(pid \d+\): stop it first/);
  assert.is(await daemon.stop('SIGINT'), 0);
});

test('deactivate takes the host off the market; withdraw waits for open leases, then returns the stake to the owner', async () => {
  const deactivate = await cli('deactivate');
  assert.is(deactivate.code, 0, deactivate.stderr);
  assert.match(deactivate.stdout, 'host deactivated: it gets no new leases; 1 open leases run to their end.');
  assert.is(hostStatusOf((await hostAccount()).status), 'inactive');
  const twice = await cli('deactivate');
  assert.is(twice.code, 1);
  assert.match(twice.stderr, 'NOT_ACTIVE: the host is inactive, not active: nothing to deactivate');

  const early = await cli('withdraw');
  assert.is(early.code, 1);
  assert.match(early.stderr, 'OPEN_LEASES: 1 leases are still open');
  assert.is((await hostAccount()).stake, SOL, 'a refused withdrawal moves nothing');

  await renterChain.closeLease(lease);
  const before = BigInt(await world.connection.getBalance(owner.publicKey, 'confirmed'));
  const withdraw = await cli('withdraw');
  assert.is(withdraw.code, 0, withdraw.stderr);
  assert.match(withdraw.stdout, `withdrew the stake, 1 SOL (1000000000 lamports), to ${owner.publicKey.toBase58()}`);
  assert.is(BigInt(await world.connection.getBalance(owner.publicKey, 'confirmed')) - before, SOL);
  assert.is((await hostAccount()).stake, 0n);
});

test('add-stake refuses a non-positive amount and more than the operator holds, then stakes again', async () => {
  const operatorBalance = async () => BigInt(await world.connection.getBalance(operator.publicKey, 'confirmed'));
  const before = await operatorBalance();
  for (const amount of ['0', '-1']) {
    const refused = await cli('add-stake', amount);
    assert.is(refused.code, 1, amount);
    assert.match(refused.stderr, `BAD_AMOUNT: the amount must be a positive amount of SOL such as 1 or 0.5, got "${amount}"`);
  }
  const tooMuch = await cli('add-stake', '50');
  assert.is(tooMuch.code, 1);
  assert.match(tooMuch.stderr, `INSUFFICIENT_SOL: the operator ${operator.publicKey.toBase58()} holds`);
  assert.is(await operatorBalance(), before, 'a refusal sends nothing');
  assert.is((await hostAccount()).stake, 0n);

  const min = world.genesis.minHostStake;
  assert.is(min, SOL, 'twice 0.5 SOL reaches the minimum');
  const hostAddress = clientOf(world.connection, operator).hostAddress(operator.publicKey);
  const hostLamports = BigInt(await world.connection.getBalance(hostAddress, 'confirmed'));
  const half = await cli('add-stake', '0.5');
  assert.is(half.code, 0, half.stderr);
  assert.match(half.stdout, `added 0.5 SOL (500000000 lamports) to the stake: now 0.5 SOL (500000000 lamports)\nthe minimum host stake is`);
  const rest = await cli('add-stake', '0.5', '--json');
  assert.is(rest.code, 0, rest.stderr);
  const result = JSON.parse(rest.stdout) as { added: string; stake: string; status: string; signature: string };
  assert.equal({ added: result.added, stake: result.stake, status: result.status }, { added: String(SOL / 2n), stake: String(min), status: 'inactive' });
  const host = await hostAccount();
  assert.is(host.stake, min);
  assert.is(hostStatusOf(host.status), 'inactive', 'the next start activates it');
  assert.is(BigInt(await world.connection.getBalance(hostAddress, 'confirmed')) - hostLamports, min, 'the stake is in the host account');
  assert.ok(before - await operatorBalance() >= min, 'the operator paid it');
});

test.run();
