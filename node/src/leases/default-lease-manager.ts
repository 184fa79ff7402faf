import { PublicKey } from '@solana/web3.js';
import { DecloudProgramError } from '@decloud/sdk/chain/index';
import type { LeaseAccount } from '@decloud/sdk/chain/index';
import { TypedEvents } from '@decloud/sdk/net/typed-events';
import { checkQuoteTerms, termsHash } from '@decloud/sdk/quotes/index';
import type { Quote } from '@decloud/sdk/quotes/index';
import { ContainerNotFoundError, LABELS, RuntimeUnavailableError } from '../runtime/index.js';
import type { ContainerHandle } from '../runtime/index.js';
import { containerSpecOf } from './container-spec.js';
import type { ContainerSettings } from './container-spec.js';
import { LeaseError, LeaseRejectedError } from './errors.js';
import { KeyedLock } from './keyed-lock.js';
import { checkLeaseMatchesQuote } from './lease-checks.js';
import type {
  LeaseManager, LeaseManagerComponents, LeaseManagerEvents, LeaseManagerInit, ReconcileReport, Signalled,
} from './lease-manager.js';
import { accessOf } from './lease-record.js';
import type { AccessDetails, LeaseRecord } from './lease-record.js';
import { isLive, transition } from './lease-state.js';
import type { LeaseState } from './lease-state.js';
import { PeriodicTask } from './periodic-task.js';
import { hex } from './record-codec.js';
import { bounded, throwIfAborted } from './signal.js';

const DEFAULTS = {
  tickIntervalMs: 5000,
  containerCommand: ['sleep', 'infinity'],
  pidsLimit: 512,
  stopGraceSeconds: 5,
  quoteRetentionMs: 10 * 60_000,
};

const CLOSED_ON_CHAIN = 'the lease account was closed on-chain (by the renter, or the host was penalized)';

export function createLeaseManager(components: LeaseManagerComponents, init: LeaseManagerInit = {}): LeaseManager {
  return new DefaultLeaseManager(components, init);
}

class DefaultLeaseManager implements LeaseManager {
  readonly events = new TypedEvents<LeaseManagerEvents>();
  private readonly hostAddress: PublicKey;
  /** The label filter of this node's containers (another node may share the engine). */
  private readonly mine: Record<string, string>;
  private readonly locks = new KeyedLock();
  private readonly ticker: PeriodicTask;
  private readonly settings: ContainerSettings;
  private readonly stopGraceSeconds: number;
  private readonly quoteRetentionMs: number;

  constructor(private readonly c: LeaseManagerComponents, init: LeaseManagerInit) {
    if (!c.chain.wallet.equals(c.operator.publicKey)) {
      throw new LeaseError('BAD_CONFIG', `the chain client signs as ${c.chain.wallet.toBase58()}, not as the operator ${c.operator.publicKey.toBase58()}: build it with DecloudChain.fromKeypair(connection, operator)`);
    }
    this.hostAddress = c.chain.hostAddress(c.operator.publicKey);
    this.mine = { [LABELS.host]: c.operator.publicKey.toBase58() };
    this.settings = { command: init.containerCommand ?? DEFAULTS.containerCommand, pidsLimit: init.pidsLimit ?? DEFAULTS.pidsLimit };
    this.stopGraceSeconds = init.stopGraceSeconds ?? DEFAULTS.stopGraceSeconds;
    this.quoteRetentionMs = init.quoteRetentionMs ?? DEFAULTS.quoteRetentionMs;
    this.ticker = new PeriodicTask('lease tick', init.tickIntervalMs ?? DEFAULTS.tickIntervalMs, (signal) => this.tick({ signal }), c.log);
  }

  start(): void {
    this.ticker.start();
  }

  stop(): Promise<void> {
    return this.ticker.stop();
  }

  async recordQuote(quote: Quote, renter: PublicKey, { signal }: Signalled = {}): Promise<void> {
    const problem = this.quoteProblem(quote, renter);
    if (problem) throw new LeaseError('BAD_QUOTE', `${problem}; the quote was not recorded`);
    throwIfAborted(signal);
    await this.c.store.putQuote(hex(quote.termsHash), { state: 'quoted', quote, recordedAt: this.c.clock() });
    this.c.log.debug({ termsHash: hex(quote.termsHash), renter: quote.renter }, 'quote recorded');
  }

  async activate(lease: PublicKey | string, { signal }: Signalled = {}): Promise<AccessDetails> {
    const address = addressOf(lease);
    return this.locks.run(address.toBase58(), () => this.activateLocked(address, signal));
  }

  async tick({ signal }: Signalled = {}): Promise<void> {
    await this.pruneQuotes();
    for (const record of await this.c.store.listLeases()) {
      if (record.state !== 'running' && record.state !== 'ending') continue;
      throwIfAborted(signal);
      try {
        await this.locks.run(record.lease, () => this.tickLease(record.lease, signal));
      } catch (err) {
        if (signal?.aborted) throw err;
        this.c.log.warn({ lease: record.lease, err: messageOf(err) }, 'lease check failed; retrying next tick');
      }
    }
  }

  async reconcile({ signal }: Signalled = {}): Promise<ReconcileReport> {
    const report: ReconcileReport = { continued: [], restarted: [], closed: [], ended: [], failed: [], orphansRemoved: [], unknown: [] };
    const records = await this.c.store.listLeases();
    const open = new Map<string, LeaseAccount>();
    for (const { address, account } of await bounded(this.c.chain.listLeases({ host: this.hostAddress }), signal)) {
      open.set(address.toBase58(), account);
    }
    for (const record of records.filter((r) => isLive(r.state))) {
      throwIfAborted(signal);
      await this.locks.run(record.lease, () => this.reconcileLease(record.lease, open.get(record.lease), report, signal));
    }
    await this.removeOrphans(report, signal);
    const known = new Set(records.map((r) => r.lease));
    for (const [lease, account] of open) {
      if (known.has(lease)) continue;
      const renter = account.renter.toBase58();
      this.c.log.warn({ lease, renter, maxEnd: account.maxEnd.toString() }, 'lease open on-chain for this host but unknown to the store: it cannot be served without its quote; the renter can close it for a refund');
      this.events.emit('lease:unknown', { lease, renter, maxEnd: account.maxEnd });
      report.unknown.push(lease);
    }
    return report;
  }

  async get(lease: PublicKey | string): Promise<LeaseRecord | undefined> {
    return this.c.store.getLease(addressOf(lease).toBase58());
  }

  list(): Promise<LeaseRecord[]> {
    return this.c.store.listLeases();
  }

  // ── activation ───────────────────────────────────────────────────────────

  private async activateLocked(address: PublicKey, signal: AbortSignal | undefined): Promise<AccessDetails> {
    const lease = address.toBase58();
    const existing = await this.c.store.getLease(lease);
    if (existing?.state === 'running' && existing.container) return accessOf({ ...existing, container: existing.container });
    if (existing && !isLive(existing.state)) {
      throw new LeaseError('LEASE_ENDED', `lease ${lease} is ${existing.state}${existing.reason ? ` (${existing.reason})` : ''}: open a new lease`);
    }
    if (existing?.state === 'ending') throw new LeaseError('LEASE_ENDED', `lease ${lease} reached its max end and is being closed: open a new lease`);
    const account = await bounded(this.c.chain.fetchLease(address), signal);
    if (!account) {
      if (existing) await this.move(existing, 'closed', CLOSED_ON_CHAIN);
      throw new LeaseError('LEASE_NOT_FOUND', `no lease account at ${lease} on-chain: open the lease first (or it was closed)`);
    }
    if (existing) checkLeaseMatchesQuote(lease, account, existing.quote, { hostAddress: this.hostAddress, nowSecs: this.nowSecs() });
    const record = existing ?? (await this.fund(lease, account, signal));
    const running = await this.bringUp({ ...record, maxEnd: account.maxEnd }, signal);
    return accessOf(running);
  }

  /** Checks a new lease against the quote its terms hash names and records it as funded, consuming the quote. */
  private async fund(lease: string, account: LeaseAccount, signal: AbortSignal | undefined): Promise<LeaseRecord> {
    const hashHex = hex(Uint8Array.from(account.termsHash));
    const quoted = await this.c.store.getQuote(hashHex);
    if (!quoted) {
      const used = (await this.c.store.listLeases()).find((r) => hex(r.quote.termsHash) === hashHex);
      if (used) throw new LeaseRejectedError('QUOTE_USED', lease, `its quote already funded lease ${used.lease}: one quote buys one lease`);
      throw new LeaseRejectedError('UNKNOWN_TERMS', lease, `this host signed no quote with terms hash ${hashHex}: ask the host for a quote and open the lease with its terms hash`);
    }
    checkLeaseMatchesQuote(lease, account, quoted.quote, { hostAddress: this.hostAddress, nowSecs: this.nowSecs() });
    throwIfAborted(signal);
    const record: LeaseRecord = {
      lease, state: transition('quoted', 'funded', lease), quote: quoted.quote, maxEnd: account.maxEnd, updatedAt: this.c.clock(),
    };
    await this.c.store.fundLease(record, hashHex);
    this.announce({ lease, from: 'quoted', to: 'funded' });
    return record;
  }

  /** funded/starting/running -> starting -> running with a running container; failed (container removed) when it cannot start. */
  private async bringUp(record: LeaseRecord, signal: AbortSignal | undefined): Promise<LeaseRecord & { container: ContainerHandle }> {
    const starting = record.state === 'starting' ? record : await this.move(record, 'starting');
    try {
      const container = await this.ensureContainer(starting, signal);
      const running = await this.move({ ...starting, container }, 'running');
      return { ...running, container };
    } catch (err) {
      // Aborted, or no engine to ask: stay in starting; the next activate or reconcile resumes from here.
      if (signal?.aborted || err instanceof RuntimeUnavailableError) throw err;
      const reason = `its container could not start: ${messageOf(err)}`;
      await this.removeContainers(starting.lease, undefined).catch(() => undefined);
      await this.move(starting, 'failed', reason);
      throw new LeaseError('CONTAINER_FAILED', `lease ${record.lease} failed: ${reason}`, { cause: err });
    }
  }

  /** The lease's container, running: reused when it exists (a crash mid-way), created otherwise. */
  private async ensureContainer(record: LeaseRecord, signal: AbortSignal | undefined): Promise<ContainerHandle> {
    const [found] = await this.c.runtime.listByLabel({ ...this.mine, [LABELS.lease]: record.lease }, { signal });
    const handle = found?.handle ?? (await this.c.runtime.create(containerSpecOf(record.lease, record.quote, this.settings), { signal }));
    if (found?.status !== 'running') await this.c.runtime.start(handle, { signal });
    return handle;
  }

  // ── tick ─────────────────────────────────────────────────────────────────

  private async tickLease(lease: string, signal: AbortSignal | undefined): Promise<void> {
    let record = await this.c.store.getLease(lease);
    if (record?.state === 'ending') return this.finishEnding(record, signal);
    if (record?.state !== 'running') return;
    const account = await bounded(this.c.chain.fetchLease(new PublicKey(lease)), signal);
    if (!account) {
      await this.removeContainers(lease, signal);
      await this.move(record, 'closed', CLOSED_ON_CHAIN);
      return;
    }
    if (this.nowSecs() >= account.maxEnd) {
      return this.finishEnding(await this.move({ ...record, maxEnd: account.maxEnd }, 'ending', 'max end reached'), signal);
    }
    if (account.maxEnd !== record.maxEnd) {
      record = { ...record, maxEnd: account.maxEnd, updatedAt: this.c.clock() };
      await this.c.store.putLease(record); // topped up by the renter
    }
    const problem = await this.containerProblem(record, signal);
    if (problem) {
      await this.removeContainers(lease, signal);
      // The on-chain lease stays open: the renter closes it and gets the unproven time back.
      await this.move(record, 'failed', problem);
    }
  }

  private async containerProblem(record: LeaseRecord, signal: AbortSignal | undefined): Promise<string | undefined> {
    if (!record.container) return 'no container is recorded for it';
    try {
      const state = await this.c.runtime.inspect(record.container, { signal });
      if (state.running) return undefined;
      return `its container stopped (exit code ${state.exitCode ?? 'unknown'}${state.oomKilled ? ', killed for using more memory than leased' : ''})`;
    } catch (err) {
      if (err instanceof ContainerNotFoundError) return 'its container vanished';
      throw err;
    }
  }

  /** ending -> closed: post the last proofs, remove the container, close the account as operator (which settles). */
  private async finishEnding(record: LeaseRecord, signal: AbortSignal | undefined): Promise<void> {
    const address = new PublicKey(record.lease);
    try {
      await this.c.proofs?.flushLease(address, { signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      this.c.log.warn({ lease: record.lease, err: messageOf(err) }, 'posting the last proofs failed; closing anyway');
    }
    await this.removeContainers(record.lease, signal);
    if (await bounded(this.c.chain.fetchLease(address), signal)) {
      try {
        await bounded(this.c.chain.closeLease(address), signal);
      } catch (err) {
        // Unauthorized: the chain's clock has not reached max end yet; the next tick tries again.
        if (err instanceof DecloudProgramError && err.errorName === 'Unauthorized') {
          this.c.log.debug({ lease: record.lease }, 'chain time is before max end; closing next tick');
          return;
        }
        throw err;
      }
    }
    await this.move(record, 'closed', 'max end reached: the host closed it on-chain');
  }

  private async pruneQuotes(): Promise<void> {
    const cutoff = this.c.clock() - this.quoteRetentionMs;
    for (const { termsHashHex, record } of await this.c.store.listQuotes()) {
      if (record.quote.expiresAt < cutoff) await this.c.store.deleteQuote(termsHashHex);
    }
  }

  // ── reconcile ────────────────────────────────────────────────────────────

  private async reconcileLease(lease: string, account: LeaseAccount | undefined, report: ReconcileReport, signal: AbortSignal | undefined): Promise<void> {
    const record = await this.c.store.getLease(lease);
    if (!record || !isLive(record.state)) return;
    if (record.state === 'ending') {
      await this.finishEnding(record, signal);
      report.ended.push(lease);
      return;
    }
    if (!account) {
      await this.removeContainers(lease, signal);
      await this.move(record, 'closed', CLOSED_ON_CHAIN);
      report.closed.push(lease);
      return;
    }
    if (this.nowSecs() >= account.maxEnd) {
      await this.finishEnding(await this.move({ ...record, maxEnd: account.maxEnd }, 'ending', 'max end reached'), signal);
      report.ended.push(lease);
      return;
    }
    const [found] = await this.c.runtime.listByLabel({ ...this.mine, [LABELS.lease]: lease }, { signal });
    if (record.state === 'running' && found?.status === 'running' && found.handle.id === record.container?.id) {
      report.continued.push(lease);
      return;
    }
    try {
      await this.bringUp({ ...record, maxEnd: account.maxEnd }, signal);
      report.restarted.push(lease);
    } catch (err) {
      if (!(err instanceof LeaseError && err.code === 'CONTAINER_FAILED')) throw err;
      report.failed.push(lease);
    }
  }

  /**
   * Removes this node's containers no live lease accounts for. Containers of other nodes on
   * the same engine carry another host label and are never listed; one whose label is not a
   * lease address was not made by a lease manager.
   */
  private async removeOrphans(report: ReconcileReport, signal: AbortSignal | undefined): Promise<void> {
    const serving = (r: LeaseRecord) => isLive(r.state) && r.state !== 'ending';
    const live = new Set((await this.c.store.listLeases()).filter(serving).map((r) => r.lease));
    for (const { handle } of await this.c.runtime.listByLabel(this.mine, { signal })) {
      if (live.has(handle.leaseId) || !isAddress(handle.leaseId)) continue;
      await this.stopAndRemove(handle, signal);
      this.c.log.info({ lease: handle.leaseId, container: handle.name }, 'orphan container removed: no live lease of this host');
      this.events.emit('container:orphan-removed', { lease: handle.leaseId, container: handle.name });
      report.orphansRemoved.push(handle.leaseId);
    }
  }


  // ── helpers ──────────────────────────────────────────────────────────────

  private async removeContainers(lease: string, signal: AbortSignal | undefined): Promise<void> {
    for (const { handle } of await this.c.runtime.listByLabel({ ...this.mine, [LABELS.lease]: lease }, { signal })) await this.stopAndRemove(handle, signal);
  }

  private async stopAndRemove(handle: ContainerHandle, signal: AbortSignal | undefined): Promise<void> {
    await this.c.runtime.stop(handle, { signal, graceSeconds: this.stopGraceSeconds });
    await this.c.runtime.remove(handle, { signal });
  }

  private async move(record: LeaseRecord, to: LeaseState, reason?: string): Promise<LeaseRecord> {
    const next: LeaseRecord = {
      ...record, state: transition(record.state, to, record.lease), updatedAt: this.c.clock(), ...(reason !== undefined ? { reason } : {}),
    };
    await this.c.store.putLease(next);
    this.announce({ lease: record.lease, from: record.state, to, ...(reason !== undefined ? { reason } : {}) });
    return next;
  }

  private announce(change: LeaseManagerEvents['lease:state']): void {
    const level = change.to === 'failed' ? 'warn' : 'info';
    this.c.log[level]({ lease: change.lease, from: change.from, to: change.to, reason: change.reason }, `lease ${change.to}`);
    this.events.emit('lease:state', change);
  }

  private quoteProblem(quote: Quote, renter: PublicKey): string | undefined {
    try {
      checkQuoteTerms(quote);
    } catch (err) {
      return `the quote is malformed: ${messageOf(err)}`;
    }
    if (!(quote.termsHash instanceof Uint8Array) || hex(termsHash(quote)) !== hex(quote.termsHash)) return 'quote.termsHash is not the hash of its terms';
    const operator = this.c.operator.publicKey.toBase58();
    if (quote.host !== operator) return `the quote is for host ${quote.host}, this node is ${operator}`;
    if (quote.renter !== renter.toBase58()) return `the quote names renter ${quote.renter}, not ${renter.toBase58()}`;
    if (quote.expiresAt <= this.c.clock()) return `the quote expired at ${new Date(quote.expiresAt).toISOString()}`;
    return undefined;
  }

  private nowSecs(): bigint {
    return BigInt(Math.floor(this.c.clock() / 1000));
  }
}

function addressOf(lease: PublicKey | string): PublicKey {
  if (lease instanceof PublicKey) return lease;
  try {
    return new PublicKey(lease);
  } catch {
    throw new LeaseError('BAD_ADDRESS', `${JSON.stringify(lease)} is not a lease address (a base58 Solana public key)`);
  }
}

function isAddress(text: string): boolean {
  try {
    return new PublicKey(text).toBase58() === text;
  } catch {
    return false;
  }
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
