import { PublicKey } from '@solana/web3.js';
import { leaseAddress } from '@decloud/sdk/chain/index';
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
const REFUNDED = 'the host closed the lease on-chain: the renter got the unproven deposit back';

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
      if (record.state !== 'running' && record.state !== 'ending' && !record.closePending) continue;
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
    for (const record of records.filter((r) => r.closePending)) {
      throwIfAborted(signal);
      await this.locks.run(record.lease, () => this.retryClose(record.lease, signal));
    }
    await this.removeOrphans(report, signal);
    const known = new Set(records.map((r) => r.lease));
    for (const [lease, account] of open) {
      if (known.has(lease)) continue;
      const renter = account.renter.toBase58();
      this.c.log.warn({ lease, renter, maxEnd: account.maxEnd.toString() }, 'lease open on-chain for this host but unknown to the store: it cannot be served without its quote; it is closed (refunding the renter) when the renter asks to activate it, or the renter closes it');
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
      const ended = `lease ${lease} is ${existing.state}${existing.reason ? ` (${existing.reason})` : ''}`;
      // The address of a closed lease can be opened again (with its quote, while that is valid): not served, refunded.
      if (existing.closePending || !(await this.reopened(address, signal))) throw new LeaseError('LEASE_ENDED', `${ended}: open a new lease`);
      await this.closeUnservable(lease, signal);
      throw new LeaseError('LEASE_ENDED', `${ended}, and its address was opened again: this host serves a lease id once; ${REFUNDED}; open a new lease with a new lease id`);
    }
    if (existing?.state === 'ending') throw new LeaseError('LEASE_ENDED', `lease ${lease} reached its max end and is being closed: open a new lease`);
    const account = await bounded(this.c.chain.fetchLease(address), signal);
    if (!account) {
      if (existing) await this.move(existing, 'closed', CLOSED_ON_CHAIN);
      throw new LeaseError('LEASE_NOT_FOUND', `no lease account at ${lease} on-chain: open the lease first (or it was closed)`);
    }
    try {
      if (existing) checkLeaseMatchesQuote(lease, account, existing.quote, { hostAddress: this.hostAddress, nowSecs: this.nowSecs() });
    } catch (err) {
      if (existing && err instanceof LeaseRejectedError && err.reason !== 'WRONG_HOST') {
        await this.removeContainers(lease, signal);
        const failed = await this.fail(existing, err.message, signal);
        throw new LeaseRejectedError(err.reason, lease, `${err.detail}; ${refundText(failed)}`, { cause: err });
      }
      throw err;
    }
    const record = existing ?? (await this.fund(lease, account, signal));
    const running = await this.bringUp({ ...record, maxEnd: account.maxEnd }, signal);
    return accessOf(running);
  }

  /** Whether a lease of this host is open again at the address of one that ended here. */
  private async reopened(address: PublicKey, signal: AbortSignal | undefined): Promise<boolean> {
    const account = await bounded(this.c.chain.fetchLease(address), signal);
    return account !== null && account.host.equals(this.hostAddress);
  }

  /**
   * Checks a new lease against the quote its terms hash names and records it as funded,
   * consuming the quote. A lease of this host it will not serve (no such quote, other terms,
   * no capacity left) is closed on-chain at once, so the renter has the deposit back.
   */
  private async fund(lease: string, account: LeaseAccount, signal: AbortSignal | undefined): Promise<LeaseRecord> {
    const address = new PublicKey(lease);
    const hashHex = hex(Uint8Array.from(account.termsHash));
    const quoted = await this.c.store.getQuote(hashHex);
    try {
      if (!quoted) {
        if (!account.host.equals(this.hostAddress)) {
          throw new LeaseRejectedError('WRONG_HOST', lease, `it is bound to host ${account.host.toBase58()}, this host is ${this.hostAddress.toBase58()}`);
        }
        const used = (await this.c.store.listLeases()).find((r) => hex(r.quote.termsHash) === hashHex);
        if (used) throw new LeaseRejectedError('QUOTE_USED', lease, `its quote already funded lease ${used.lease}: one quote buys one lease`);
        throw new LeaseRejectedError('UNKNOWN_TERMS', lease, `this host holds no quote with terms hash ${hashHex} (never signed, or its record was lost): ask the host for a quote and open a new lease with it`);
      }
      checkLeaseMatchesQuote(lease, account, quoted.quote, { hostAddress: this.hostAddress, nowSecs: this.nowSecs() });
    } catch (err) {
      if (err instanceof LeaseRejectedError && err.reason !== 'WRONG_HOST') throw await this.refundRejected(err, address, signal);
      throw err;
    }
    throwIfAborted(signal);
    const record: LeaseRecord = {
      lease, state: transition('quoted', 'funded', lease), quote: quoted.quote, maxEnd: account.maxEnd, updatedAt: this.c.clock(),
    };
    // Quotes are signed against the capacity free then: two renters may have been quoted the same cores.
    const live = (await this.c.store.listLeases()).filter((r) => isLive(r.state) && r.lease !== lease);
    const shortfall = this.c.capacityShortfall?.(quoted.quote, live);
    if (shortfall !== undefined) {
      const reason = `the capacity it was quoted is taken by other leases since (${shortfall})`;
      const failed: LeaseRecord = { ...record, state: transition('quoted', 'failed', lease), reason, closePending: true };
      await this.c.store.fundLease(failed, hashHex);
      this.announce({ lease, from: 'quoted', to: 'failed', reason });
      const closed = await this.tryClose(failed, signal);
      throw new LeaseRejectedError('NO_CAPACITY', lease, `${reason}; ${refundText(closed ?? failed)}: ask this host (or another) for a new quote`);
    }
    await this.c.store.fundLease(record, hashHex);
    this.announce({ lease, from: 'quoted', to: 'funded' });
    return record;
  }

  /**
   * Closes a refused lease of this host on-chain (full refund of the unproven time) and returns
   * the refusal saying so; when the close does not go through, the refusal says the renter can
   * close it instead.
   */
  private async refundRejected(err: LeaseRejectedError, address: PublicKey, signal: AbortSignal | undefined): Promise<LeaseRejectedError> {
    try {
      await this.closeOnChain(address, signal);
      this.c.log.info({ lease: address.toBase58(), reason: err.reason }, 'refused lease closed on-chain; the renter was refunded');
      return new LeaseRejectedError(err.reason, err.lease, `${err.detail}; ${REFUNDED}`, { cause: err });
    } catch (closeErr) {
      if (signal?.aborted) throw closeErr;
      this.c.log.warn({ lease: address.toBase58(), err: messageOf(closeErr) }, 'closing a refused lease on-chain failed');
      return new LeaseRejectedError(err.reason, err.lease, `${err.detail}; the host could not close it on-chain (${messageOf(closeErr)}): close it yourself for a refund of the deposit`, { cause: err });
    }
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
      const failed = await this.fail(starting, reason, signal);
      throw new LeaseError('CONTAINER_FAILED', `lease ${record.lease} failed: ${reason}; ${refundText(failed)}`, { cause: err });
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
    if (record?.closePending) return this.retryClose(lease, signal);
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
      // The host cannot serve it any more: closing it pays the proven time and refunds the rest.
      await this.fail(record, problem, signal);
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
    await this.removeContainers(record.lease, signal);
    await this.closeOnChain(new PublicKey(record.lease), signal);
    await this.move(record, 'closed', 'max end reached: the host closed it on-chain');
  }

  /**
   * live -> failed, and the lease closed on-chain by the operator: the proven time is paid,
   * the rest refunded to the renter, and no slash (the host gave up before its grace ran out).
   * A close that does not go through is retried every tick.
   */
  private async fail(record: LeaseRecord, reason: string, signal: AbortSignal | undefined): Promise<LeaseRecord> {
    const failed = await this.move({ ...record, closePending: true }, 'failed', reason);
    return (await this.tryClose(failed, signal)) ?? failed;
  }

  private async retryClose(lease: string, signal: AbortSignal | undefined): Promise<void> {
    const record = await this.c.store.getLease(lease);
    if (record?.closePending) await this.tryClose(record, signal);
  }

  /** Closes a failed lease's account; the record without closePending once it is gone, undefined while it is not. */
  private async tryClose(record: LeaseRecord, signal: AbortSignal | undefined): Promise<LeaseRecord | undefined> {
    try {
      await this.closeUnservable(record.lease, signal);
    } catch (err) {
      if (signal?.aborted) throw err;
      this.c.log.warn({ lease: record.lease, err: messageOf(err) }, 'closing a failed lease on-chain failed; retrying next tick');
      return undefined;
    }
    const { closePending: _, ...rest } = record;
    const done: LeaseRecord = { ...rest, updatedAt: this.c.clock() };
    await this.c.store.putLease(done);
    return done;
  }

  private async closeUnservable(lease: string, signal: AbortSignal | undefined): Promise<void> {
    await this.closeOnChain(new PublicKey(lease), signal);
    this.c.log.info({ lease }, REFUNDED);
    this.events.emit('lease:refunded', { lease });
  }

  /** Posts the lease's last proofs (so its proven time is paid), then closes its account as operator; nothing when it is gone. */
  private async closeOnChain(address: PublicKey, signal: AbortSignal | undefined): Promise<void> {
    try {
      await this.c.proofs?.flushLease(address, { signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      this.c.log.warn({ lease: address.toBase58(), err: messageOf(err) }, 'posting the last proofs failed; closing anyway');
    }
    if (await bounded(this.c.chain.fetchLease(address), signal)) await bounded(this.c.chain.closeLease(address), signal);
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
    try {
      leaseAddress(renter, quote.leaseId, this.c.chain.program.programId);
    } catch (err) {
      return `lease id ${quote.leaseId} has no lease address (${messageOf(err)}): the renter draws another one (newLeaseId)`;
    }
    return undefined;
  }

  private nowSecs(): bigint {
    return BigInt(Math.floor(this.c.clock() / 1000));
  }
}

/** What became of a failed lease's deposit, for the renter. */
function refundText(record: LeaseRecord): string {
  return record.closePending
    ? 'the host could not close it on-chain yet and retries; the renter may also close it for a refund of the unproven deposit'
    : REFUNDED;
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
