/**
 * The host daemon: measures the machine, checks the chain and Docker, registers (stake) and
 * activates the host, joins the network with the operator key as identity, publishes a
 * signed offer, answers quotes, serves leases, proves uptime, and serves metrics.
 * Nothing is sent on-chain before the RPC endpoint and Docker have answered. stop() ends
 * everything but the containers of running leases: a restart resumes them.
 */
import { join } from 'node:path';
import { Connection, PublicKey } from '@solana/web3.js';
import { pino } from 'pino';
import type { Logger } from 'pino';
import { DecloudChain } from '@decloud/sdk/chain/index';
import { createDecloudNode } from '@decloud/sdk/net/create-node';
import type { DecloudNode } from '@decloud/sdk/net/decloud-node';
import { signOffer } from '@decloud/sdk/offers/sign';
import type { SignedOffer } from '@decloud/sdk/offers/types';
import type { FreeCapacity } from '@decloud/sdk/quotes/types';
import { registerAccessHandlers } from '../access/index.js';
import { measureCapacity, runBenchmark, sellableCapacity } from '../capacity/index.js';
import type { SellableCapacity } from '../capacity/index.js';
import { readOperatorKey } from '../config/index.js';
import type { ResolvedConfig } from '../config/index.js';
import { createLeaseManager, isLive, LEASE_STATES, LevelLeaseStore } from '../leases/index.js';
import type { LeaseState } from '../leases/index.js';
import { bounded } from '../leases/signal.js';
import { createNodeMetrics, startMetricsServer } from '../metrics/index.js';
import { HostRegistration, ReceiptCollector, RewardClaimer, Settler, postAttestations } from '../prover/index.js';
import type { Attestation } from '../prover/index.js';
import { registerWitnessResponder } from '../witness/index.js';
import { DockerRuntime, LABELS } from '../runtime/index.js';
import { DaemonError } from './daemon-error.js';
import { removeDaemonState, requireNoDaemon, writeDaemonState } from './daemon-state.js';
import { capacityShortfall, freeCapacity } from './free-capacity.js';
import { runStep } from './host-node-events.js';
import type { HostNodeEventSink } from './host-node-events.js';
import { checkImages } from './image-check.js';
import { leaseView } from './lease-view.js';
import { buildOffer } from './offer-builder.js';
import { OfferHistory } from './offer-history.js';
import { OfferSeq } from './offer-seq.js';
import { ProverLoops } from './prover-loops.js';
import { hostQuoteDecider } from './quote-decider.js';
import { checkRpc } from './rpc-check.js';
import { Teardown } from './teardown.js';

export interface StartHostNodeOptions {
  /** Aborting cancels the start (undoing what was started), or stops a started node. */
  signal?: AbortSignal;
  log?: Logger;
  onEvent?: HostNodeEventSink;
  /** unix ms */
  clock?: () => number;
}

export interface HostNodeStatus {
  peerId: string;
  /** operator public key (base58) */
  host: string;
  /** the host account's address */
  hostAccount: string;
  multiaddrs: string[];
  /** unix ms */
  startedAt: number;
  registration: { registered: boolean; activated: boolean };
  offer: { seq: bigint; expiresAt: number; published: number } | null;
  capacity: { sellable: SellableCapacity; free: FreeCapacity; benchScore: number; specHash: string };
  leases: Record<LeaseState, number>;
  peers: number;
  metricsUrl: string;
}

export interface HostNode {
  readonly peerId: string;
  readonly host: string;
  readonly multiaddrs: string[];
  readonly metricsUrl: string;
  status(): Promise<HostNodeStatus>;
  /** Stops publishing, handlers, loops and libp2p; running containers stay. Idempotent. */
  stop(): Promise<void>;
}

/** Flushing pending receipts on the way out must not hold a stop for long. */
const FINAL_FLUSH_MS = 5000;
const EARNED_READ_MS = 3000;
/** After a lease takes or frees capacity: long enough to fold a burst of changes into one publication. */
const CAPACITY_REPUBLISH_DELAY_MS = 500;

export async function startHostNode(config: ResolvedConfig, options: StartHostNodeOptions = {}): Promise<HostNode> {
  const { signal } = options;
  const log = options.log ?? pino({ level: config.logLevel });
  const emit: HostNodeEventSink = options.onEvent ?? (() => undefined);
  const clock = options.clock ?? Date.now;
  const teardown = new Teardown();
  const checkpoint = (): void => {
    if (signal?.aborted) throw new DaemonError('ABORTED', 'the start was cancelled; everything started so far was stopped again', { cause: signal.reason });
  };

  try {
    await requireNoDaemon(config.dataDir);
    const operator = await readOperatorKey(config.operatorKeyPath);
    const host = operator.publicKey.toBase58();

    const measured = await runStep(emit, 'capacity', 'measuring capacity and running the benchmark', async () => {
      const capacity = await measureCapacity({ dataPath: config.dataDir });
      const bench = await runBenchmark({ capacity, signal });
      return { capacity, bench, sellable: sellableCapacity(capacity, config.reserve) };
    }, ({ sellable, bench }) => `${sellable.cpuCores} cores, ${(sellable.memoryMiB / 1024).toFixed(1)} GiB memory, ${sellable.diskGiB} GiB disk to sell (benchmark score ${bench.score})`);
    const { sellable, bench } = measured;
    checkpoint();

    const chain = DecloudChain.fromKeypair(new Connection(config.rpcUrl, 'confirmed'), operator);
    await runStep(emit, 'rpc', `connecting to ${config.rpcUrl}`, () => checkRpc(chain, config, signal),
      (programConfig) => `${config.rpcUrl} runs DeCloud (minimum stake ${programConfig.minHostStake} lamports, proof epoch ${programConfig.proofEpochSecs} s)`);
    checkpoint();

    const { runtime, images } = await runStep(emit, 'docker', 'checking Docker', async () => {
      const runtime = await DockerRuntime.connect({ allowedImages: config.allowedImages, networkMode: config.networkMode, dockerHost: config.dockerHost, logger: log }, { signal });
      return { runtime, images: await checkImages(config.allowedImages, config.dockerHost) };
    }, ({ runtime, images }) => `engine at ${runtime.engine}; images offered: ${images.offered.join(', ')}`);
    for (const image of images.missing) {
      emit({ kind: 'warning', text: `image ${image} is allowed but not on this host (DeCloud never pulls): left out of the offer until it is loaded` });
    }
    checkpoint();

    const registration = await runStep(emit, 'registration', `making sure host ${host} is registered and active`, () =>
      new HostRegistration({ chain, operator, log }, {
        stake: config.stakeLamports, specHash: bench.specHash, ...(config.owner ? { owner: new PublicKey(config.owner) } : {}),
      }).ensure({ signal }),
    (result) => `${result.registered ? `registered with a stake of ${config.stakeLamports} lamports` : 'registered already'}${result.activated ? ', activated' : ', active'} (host account ${result.host.toBase58()})`);
    const hostAccount = await bounded(chain.fetchHost(operator.publicKey), signal);
    const stake = hostAccount?.stake ?? config.stakeLamports;
    checkpoint();

    const components = { chain, operator, clock, log };
    const collector = new ReceiptCollector(components);
    const { manager } = await runStep(emit, 'leases', 'reconciling leases (store, chain, containers)', async () => {
      const store = await LevelLeaseStore.open(join(config.dataDir, 'leases'));
      teardown.add('closing the lease store', () => store.close());
      const manager = createLeaseManager(
        { ...components, store, runtime, proofs: collector, capacityShortfall: capacityShortfall(sellable) },
        { tickIntervalMs: config.intervals.leaseTickMs },
      );
      const report = await manager.reconcile({ signal });
      for (const lease of report.unknown) {
        emit({ kind: 'warning', text: `lease ${lease} is open on-chain for this host but unknown to its store (no quote): it is not served; it is closed with a refund when its renter asks to activate it, or the renter closes it` });
      }
      return { manager, report };
    }, ({ report }) => `${report.continued.length} running, ${report.restarted.length} restarted, ${report.closed.length + report.ended.length} closed, ${report.failed.length} failed, ${report.orphansRemoved.length} orphan containers removed`);
    manager.events.on('lease:state', (change) => emit({ kind: 'lease', ...change }));
    checkpoint();

    let net: DecloudNode | undefined;
    const metrics = createNodeMetrics({
      leaseStates: async () => (await manager.list()).map((record) => record.state),
      containers: async () => (await runtime.listByLabel({ [LABELS.host]: host })).length,
      earnedLamports: async () => (await bounded(chain.fetchHost(operator.publicKey), AbortSignal.timeout(EARNED_READ_MS)))?.earned,
      peersConnected: () => net?.libp2p.getPeers().length ?? 0,
    });

    net = await runStep(emit, 'network', 'starting libp2p with the operator key as identity', async () => {
      try {
        return await createDecloudNode({
          solanaSecretKey: operator.secretKey,
          listen: config.listen,
          ...(config.announce.length > 0 ? { announce: config.announce } : {}),
          bootstrap: config.bootstrap,
          webrtc: config.webrtc,
          ...(config.webrtc ? { webrtcCertificateFile: join(config.dataDir, 'webrtc-certificate.json') } : {}),
          dhtServer: true,
          clock,
        });
      } catch (err) {
        throw new DaemonError('NETWORK_FAILED', `libp2p could not start (${(err as Error).message}): check listen, announce and bootstrap in ${config.configFile} (or DECLOUD_LISTEN / DECLOUD_BOOTSTRAP)`, { cause: err });
      }
    }, (node) => `peer ${node.peerId.toString()} listening on ${node.getMultiaddrs().length} addresses, ${config.bootstrap.length} bootstrap peers`);
    const node = net;
    teardown.add('stopping libp2p', () => node.stop());
    checkpoint();

    await runStep(emit, 'access', 'serving lease access (activation, exec, shell, logs, stats, receipts)', async () => {
      const access = await registerAccessHandlers({ libp2p: node.libp2p, chain, leases: manager, runtime, receipts: collector, operator, clock, log });
      teardown.add('stopping the access handlers', () => access.stop());
    }, () => 'lease access protocols registered');

    await runStep(emit, 'witness', 'answering uptime witness challenges', async () => {
      // Attestations arrive in bursts (one per lease, per challenge): posted in batches, one after another.
      const queued: Attestation[] = [];
      let posting: Promise<unknown> = Promise.resolve();
      const responder = await registerWitnessResponder({
        libp2p: node.libp2p, operator, chain,
        leases: async () => (await manager.list()).filter((r) => r.state === 'running' || r.state === 'starting')
          .map((r) => ({ lease: new PublicKey(r.lease), containerRunning: r.state === 'running', provenUntil: 0n })),
        onAttestation: (attestation) => {
          queued.push(attestation);
          if (queued.length > 1) return; // a batch is waiting already
          posting = posting.then(async () => {
            const report = await postAttestations(components, queued.splice(0));
            metrics.proofsPosted.inc(report.posted);
          }).catch((err: Error) => log.warn({ err: err.message }, 'posting attestations failed'));
        },
      });
      teardown.add('no longer answering witnesses', () => responder.stop());
    }, () => 'answering /decloud/witness/1.0.0');

    const offers = new OfferHistory();
    await runStep(emit, 'quotes', 'answering quote requests', () => node.quotes.handleQuotes(hostQuoteDecider({ offers, sellable, manager, operator, metrics, clock })),
      () => 'answering quotes on /decloud/lease/1.0.0');
    teardown.add('no longer answering quotes', () => node.quotes.stopHandling());
    node.quotes.events.on('answered', ({ request, answer }) => {
      emit('reason' in answer
        ? { kind: 'quote', renter: request.renter, answer: answer.reason, message: answer.message }
        : { kind: 'quote', renter: request.renter, answer: 'quoted' });
    });
    node.quotes.events.on('failed', ({ error }) => log.debug({ err: error.message }, 'a quote stream ended without an answer'));

    await runStep(emit, 'prover', 'starting the lease, receipt, settlement and reward loops', async () => {
      const loops = new ProverLoops({
        collector, settler: new Settler(components), claimer: new RewardClaimer(components), metrics, log,
        onPaid: ({ kind, lamports }) => emit({ kind: 'paid', what: kind, lamports }),
      }, config.intervals);
      // Undone in reverse: loops and manager stop first, then the last receipts are posted.
      teardown.add('posting pending receipts', () => collector.flush({ signal: AbortSignal.timeout(FINAL_FLUSH_MS) }));
      manager.start();
      teardown.add('stopping the lease manager', () => manager.stop());
      loops.start();
      teardown.add('stopping the prover loops', () => loops.stop());
    }, () => `lease checks every ${config.intervals.leaseTickMs} ms, receipts every ${config.intervals.receiptFlushMs} ms, settlement every ${config.intervals.settleMs} ms`);

    const offerSeq = await OfferSeq.open(join(config.dataDir, 'offer-seq'));
    const signNext = async (): Promise<SignedOffer> => {
      const now = clock();
      const signed = signOffer(buildOffer({
        operator: host,
        peerId: node.peerId.toString(),
        addrs: node.getMultiaddrs().map(String),
        sellable,
        free: freeCapacity(sellable, await manager.list()),
        benchScore: bench.score,
        region: config.region,
        prices: config.prices,
        images: images.offered,
        limits: config.limits,
        stake,
        seq: await offerSeq.next(now),
        now,
        ttlMs: config.intervals.offerTtlMs,
      }), operator.secretKey);
      offers.add(signed, now);
      return signed;
    };
    let published = 0;
    const first = await runStep(emit, 'offer', 'signing and publishing the offer', signNext,
      (signed) => `offer seq ${signed.offer.seq} signed (valid ${Math.round(config.intervals.offerTtlMs / 60_000)} min), republished every ${Math.round(config.intervals.offerRepublishMs / 1000)} s`);
    let unsent: SignedOffer | undefined = first;
    const publisher = node.publishOffers({
      // The first publication sends the offer signed above; each later one signs a new seq.
      source: () => {
        const signed = unsent;
        unsent = undefined;
        return signed ?? signNext();
      },
      intervalMs: config.intervals.offerRepublishMs,
    });
    teardown.add('stopping the offer publisher', () => publisher.stop());
    publisher.events.on('published', (report) => {
      published += 1;
      metrics.offersPublished.inc();
      if (report.errors.length > 0) log.debug({ errors: report.errors.map((e) => e.message) }, 'offer published with DHT errors');
      emit({ kind: 'offer-published', seq: report.signed.offer.seq, gossipRecipients: report.gossipRecipients, recordStored: report.recordStored });
    });
    publisher.events.on('error', ({ error }) => log.warn({ err: error.message }, 'publishing the offer failed; retrying next interval'));
    // A lease that takes or gives back capacity changes the offer: publish it again shortly
    // (once for a burst of changes), not only at the next interval.
    let republish: ReturnType<typeof setTimeout> | undefined;
    let republishing = true;
    manager.events.on('lease:state', ({ from, to }) => {
      if (!republishing || isLive(from) === isLive(to) || republish !== undefined) return;
      republish = setTimeout(() => {
        republish = undefined;
        publisher.publishNow().catch((error: Error) => log.warn({ err: error.message }, 'publishing the changed offer failed; retrying next interval'));
      }, CAPACITY_REPUBLISH_DELAY_MS);
    });
    teardown.add('no longer republishing on lease changes', () => {
      // Leases still change while the node stops: none of that reaches the network any more.
      republishing = false;
      clearTimeout(republish);
    });
    checkpoint();

    const startedAt = clock();
    const multiaddrs = (): string[] => node.getMultiaddrs().map(String);
    let metricsUrl = '';
    const status = async (): Promise<HostNodeStatus> => {
      const records = await manager.list();
      const leases = Object.fromEntries(LEASE_STATES.map((state) => [state, 0])) as Record<LeaseState, number>;
      for (const record of records) leases[record.state] += 1;
      const current = offers.current()?.offer;
      return {
        peerId: node.peerId.toString(),
        host,
        hostAccount: registration.host.toBase58(),
        multiaddrs: multiaddrs(),
        startedAt,
        registration: { registered: registration.registered, activated: registration.activated },
        offer: current ? { seq: current.seq, expiresAt: current.expiresAt, published } : null,
        capacity: { sellable, free: freeCapacity(sellable, records), benchScore: bench.score, specHash: bench.specHash },
        leases,
        peers: node.libp2p.getPeers().length,
        metricsUrl,
      };
    };

    const server = await runStep(emit, 'metrics', `serving metrics on ${config.metrics.host}:${config.metrics.port}`, () => startMetricsServer({
      host: config.metrics.host,
      port: config.metrics.port,
      registry: metrics.registry,
      routes: { '/health': status, '/leases': async () => (await manager.list()).map(leaseView) },
    }), (started) => `${started.url}/metrics`);
    metricsUrl = server.url;
    teardown.add('closing the metrics server', () => server.close());

    await writeDaemonState(config.dataDir, { pid: process.pid, peerId: node.peerId.toString(), host, multiaddrs: multiaddrs(), metricsUrl, startedAt });
    teardown.add('removing daemon.json', () => removeDaemonState(config.dataDir));

    let stopping: Promise<void> | undefined;
    const stop = (): Promise<void> => {
      stopping ??= (async () => {
        const failures = await teardown.run();
        for (const failure of failures) log.warn(`stopping: ${failure}`);
        log.info('host node stopped; containers of running leases keep running');
      })();
      return stopping;
    };
    signal?.addEventListener('abort', () => void stop(), { once: true });
    log.info({ peerId: node.peerId.toString(), host, metricsUrl }, 'host node running');

    return {
      peerId: node.peerId.toString(),
      host,
      get multiaddrs() { return multiaddrs(); },
      metricsUrl,
      status,
      stop,
    };
  } catch (err) {
    const failures = await teardown.run();
    for (const failure of failures) log.warn(`undoing the start: ${failure}`);
    throw err;
  }
}
