/**
 * Collects renters' receipts: each is checked against the lease's renter and delegate keys
 * here, before anything is sent (a forged receipt is refused with its reason and never
 * costs a fee); only the newest per lease is kept, and the pending ones are posted on an
 * interval, each with the key that signed it.
 */
import type { PublicKey } from '@solana/web3.js';
import { DecloudProgramError } from '@decloud/sdk/chain/index';
import { leaseSigners, signersText } from '../leases/lease-signers.js';
import { PeriodicTask } from '../leases/periodic-task.js';
import { bounded } from '../leases/signal.js';
import type { LeaseProofs, Signalled } from '../leases/lease-manager.js';
import { checkSignsAsOperator, messageOf, nowSecs } from './components.js';
import type { ProverComponents } from './components.js';
import { ProverError } from './errors.js';
import { checkReceiptShape, receiptProof, receiptSigner } from './receipt.js';
import type { Receipt } from './receipt.js';

export interface ReceiptCollectorInit {
  /** how often pending receipts are posted after start(); default 10 s */
  intervalMs?: number;
  /** how far past this host's clock a receipt's `until` may be (clock skew); default 30 s */
  maxClockSkewSecs?: number;
}

/** 'stale': not newer than a receipt already held or posted for the lease (kept nothing). */
export type ReceiptOutcome = 'accepted' | 'stale';

/** Lease addresses by what happened to their pending receipt. */
export interface FlushReport {
  posted: string[];
  /** the chain had already proven that time: dropped quietly */
  stale: string[];
  /** refused by the program for another reason (lease closed, ...): dropped */
  dropped: string[];
  /** not due yet, or the chain could not be reached: kept for the next flush */
  kept: string[];
}

interface LeaseParties {
  /** the renter, and its delegate when the lease has one */
  signers: PublicKey[];
}

/** A verified receipt and the key that signed it (what post_proof's Ed25519 check names). */
interface HeldReceipt {
  receipt: Receipt;
  signer: PublicKey;
}

export class ReceiptCollector implements LeaseProofs {
  private readonly pending = new Map<string, HeldReceipt>();
  private readonly posted = new Map<string, bigint>();
  private readonly leases = new Map<string, LeaseParties>();
  private readonly hostAddress: PublicKey;
  private readonly maxSkew: bigint;
  private readonly task: PeriodicTask;

  constructor(private readonly c: ProverComponents, init: ReceiptCollectorInit = {}) {
    checkSignsAsOperator(c);
    this.hostAddress = c.chain.hostAddress(c.operator.publicKey);
    this.maxSkew = BigInt(init.maxClockSkewSecs ?? 30);
    this.task = new PeriodicTask('receipt posting', init.intervalMs ?? 10_000, (signal) => this.flush({ signal }), c.log);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Receipts waiting to be posted, newest per lease. */
  pendingReceipts(): Receipt[] {
    return [...this.pending.values()].map((held) => held.receipt);
  }

  /** Verifies and keeps a receipt. Throws ProverError for a forged, malformed, early or foreign one. */
  async submit(receipt: Receipt, { signal }: Signalled = {}): Promise<ReceiptOutcome> {
    checkReceiptShape(receipt);
    const lease = receipt.lease.toBase58();
    const { signers } = await this.partiesOf(receipt.lease, signal);
    const signer = receiptSigner(receipt, signers);
    if (!signer) {
      this.c.log.warn({ lease, until: receipt.until.toString() }, 'forged receipt refused');
      throw new ProverError('FORGED_RECEIPT', `the receipt for lease ${lease} until ${receipt.until} is not signed by the lease's ${signersText(signers)}: refused, never posted`);
    }
    const latest = nowSecs(this.c) + this.maxSkew;
    if (receipt.until > latest) {
      throw new ProverError('RECEIPT_IN_FUTURE', `the receipt for lease ${lease} vouches until ${receipt.until}, more than ${this.maxSkew} s past this host's clock (${latest - this.maxSkew}): check the renter's and the host's clocks`);
    }
    const newest = maxOf(this.pending.get(lease)?.receipt.until, this.posted.get(lease));
    if (newest !== undefined && receipt.until <= newest) return 'stale';
    this.pending.set(lease, { receipt, signer });
    return 'accepted';
  }

  /** Posts every pending receipt whose time has come, one transaction each. */
  async flush({ signal }: Signalled = {}): Promise<FlushReport> {
    const report: FlushReport = { posted: [], stale: [], dropped: [], kept: [] };
    for (const lease of [...this.pending.keys()]) await this.postPending(lease, report, signal);
    return report;
  }

  /** Posts the pending receipt of a lease that is about to be closed, then forgets the lease. */
  async flushLease(lease: PublicKey, { signal }: Signalled = {}): Promise<FlushReport> {
    const key = lease.toBase58();
    const report: FlushReport = { posted: [], stale: [], dropped: [], kept: [] };
    await this.postPending(key, report, signal);
    this.pending.delete(key);
    this.posted.delete(key);
    this.leases.delete(key);
    return report;
  }

  private async postPending(lease: string, report: FlushReport, signal: AbortSignal | undefined): Promise<void> {
    const held = this.pending.get(lease);
    if (!held) return;
    const { receipt, signer } = held;
    if (receipt.until > nowSecs(this.c)) {
      report.kept.push(lease); // the program refuses time that has not passed yet
      return;
    }
    try {
      await bounded(this.c.chain.postReceipt(receipt.lease, this.c.operator.publicKey, receipt.until, receiptProof(receipt, signer)), signal);
      this.settle(lease, held, 'posted', report);
    } catch (err) {
      if (signal?.aborted) throw err;
      if (!(err instanceof DecloudProgramError)) {
        this.c.log.warn({ lease, err: messageOf(err) }, 'posting a receipt failed; retrying next flush');
        report.kept.push(lease);
      } else if (err.errorName === 'ProofStale') {
        this.c.log.debug({ lease, until: receipt.until.toString() }, 'receipt already covered on-chain');
        this.settle(lease, held, 'stale', report);
      } else if (err.errorName === 'ProofInFuture') {
        report.kept.push(lease); // the chain's clock lags this host's
      } else {
        this.c.log.warn({ lease, err: err.message }, 'receipt refused by the program; dropped');
        this.pending.delete(lease);
        this.posted.delete(lease);
        this.leases.delete(lease);
        report.dropped.push(lease);
      }
    }
  }

  private settle(lease: string, held: HeldReceipt, outcome: 'posted' | 'stale', report: FlushReport): void {
    // A newer receipt may have arrived while this one was in flight: keep that one.
    if (this.pending.get(lease) === held) this.pending.delete(lease);
    this.posted.set(lease, maxOf(this.posted.get(lease), held.receipt.until) ?? held.receipt.until);
    report[outcome].push(lease);
  }

  /** The lease's renter and delegate, read on-chain once (they never change); only leases of this host are accepted. */
  private async partiesOf(lease: PublicKey, signal: AbortSignal | undefined): Promise<LeaseParties> {
    const key = lease.toBase58();
    const known = this.leases.get(key);
    if (known) return known;
    const account = await bounded(this.c.chain.fetchLease(lease), signal);
    if (!account) throw new ProverError('UNKNOWN_LEASE', `no open lease ${key} on-chain: receipts are only taken for open leases`);
    if (!account.host.equals(this.hostAddress)) {
      throw new ProverError('WRONG_HOST', `lease ${key} belongs to host ${account.host.toBase58()}, not this host ${this.hostAddress.toBase58()}: send the receipt to that host`);
    }
    const parties = { signers: leaseSigners(account) };
    this.leases.set(key, parties);
    return parties;
  }
}

function maxOf(a: bigint | undefined, b: bigint | undefined): bigint | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return a > b ? a : b;
}
