/**
 * A rented container, as its renter holds it: run commands, open a terminal, read logs and
 * stats over libp2p (each call signed by the lease's delegate key, see delegate-key.ts), buy
 * more time, end it (the wallet pays and closes). While receipts run, the renter vouches for
 * the time the container answered, which is what pays the host; everything else is refunded
 * when the lease ends.
 */
import type { Keypair } from '@solana/web3.js';
import { PublicKey } from '@solana/web3.js';
import { AccessError } from '../access/errors.js';
import { execInLease } from '../access/exec-in-lease.js';
import { followLogs } from '../access/follow-logs.js';
import type { FollowLogsOptions } from '../access/follow-logs.js';
import { leaseStats } from '../access/lease-stats.js';
import { openLeaseAccess } from '../access/open-lease-access.js';
import { openShell } from '../access/open-shell.js';
import type { ShellOptions, ShellSession } from '../access/open-shell.js';
import { signReceipt } from '../access/receipt-messages.js';
import { sendReceipt } from '../access/send-receipt.js';
import type { AccessDetails, ExecResult, LeaseStats, ReceiptOutcome } from '../access/types.js';
import { ACCOUNT_LAYOUTS, withBigints } from '../chain/accounts.js';
import type { DecloudChain } from '../chain/client.js';
import type { DecloudNode } from '../net/decloud-node.js';
import { leaseSigner } from './delegate-key.js';
import { secondsOf } from './durations.js';
import type { Duration } from './durations.js';
import { balanceChangesOf, endReportOf } from './end-report.js';
import type { EndReport } from './end-report.js';
import { leaseInfoOf } from './lease-info.js';
import type { LeaseInfo } from './lease-info.js';
import { ReceiptLoop } from './receipt-loop.js';
import { messageOf, RenterError } from './renter-error.js';
import { requireBalance } from './wallet-funds.js';

/** What a lease handle works with: the renter's node, chain client and wallet. */
export interface RenterContext {
  node: DecloudNode;
  chain: DecloudChain;
  wallet: Keypair;
  /** unix ms */
  clock: () => number;
  /** Learns the host's addresses when they are not known yet (its offer); never throws. */
  locate(peerId: string, signal?: AbortSignal): Promise<void>;
}

export interface CallOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface LeaseExecOptions extends CallOptions {
  /** Added to (and over) the lease's environment. */
  env?: Record<string, string>;
}

export type LeaseShellOptions = ShellOptions;
export type LeaseLogsOptions = FollowLogsOptions;

/** A top-up: hours (fractions allowed), or `{ hours }` / `{ durationSecs }`. */
export type ExtendBy = number | Duration;

export interface ExtendReport {
  signature: string;
  extraSecs: bigint;
  /** lamports paid into escrow: rate x extraSecs */
  amount: bigint;
  /** unix seconds */
  maxEnd: bigint;
  /** total escrowed so far */
  deposit: bigint;
}

export interface SentReceipt {
  /** unix seconds the receipt vouches for */
  until: bigint;
  outcome: ReceiptOutcome;
}

export class Lease {
  /** base58 lease account address */
  readonly address: string;
  /** base58 operator key of the host */
  readonly host: string;
  /** libp2p peer id of the host */
  readonly hostPeerId: string;
  /** lamports per second */
  readonly rate: bigint;
  private readonly key: PublicKey;
  /** Signs receipts and access: the lease's delegate, re-derived from the wallet (or the wallet, for a lease without that delegate). */
  private readonly signer: Keypair;
  private receipts: ReceiptLoop | undefined;

  constructor(
    private readonly ctx: RenterContext,
    info: Pick<LeaseInfo, 'address' | 'host' | 'hostPeerId' | 'rate' | 'leaseId' | 'delegate'>,
    private readonly env: Record<string, string> = {},
  ) {
    this.address = info.address;
    this.host = info.host;
    this.hostPeerId = info.hostPeerId;
    this.rate = info.rate;
    this.key = new PublicKey(info.address);
    this.signer = leaseSigner(ctx.wallet, info.leaseId, new PublicKey(info.delegate));
  }

  /** Asks the host to start the container (again); idempotent: a running lease answers its details. */
  activate(options: CallOptions = {}): Promise<AccessDetails> {
    return this.reach('activation', () => openLeaseAccess(this.ctx.node, this.hostPeerId, this.key, this.signer, options), options);
  }

  /** Runs `cmd` in the container; a non-zero exit code is an answer, not an error. */
  exec(cmd: string[], options: LeaseExecOptions = {}): Promise<ExecResult> {
    const env = { ...this.env, ...(options.env ?? {}) };
    return this.reach('exec', () => execInLease(this.ctx.node, this.hostPeerId, this.key, this.signer, cmd, {
      ...options, ...(Object.keys(env).length > 0 ? { env } : {}),
    }), options);
  }

  /** An interactive terminal (default /bin/sh). */
  shell(options: LeaseShellOptions = {}): Promise<ShellSession> {
    const env = { ...this.env, ...(options.env ?? {}) };
    return this.reach('shell', () => openShell(this.ctx.node, this.hostPeerId, this.key, this.signer, {
      ...options, ...(Object.keys(env).length > 0 ? { env } : {}),
    }), options);
  }

  /** The container's output; follows new output by default (`follow: false` for what is there). */
  async *logs(options: LeaseLogsOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      await this.ctx.locate(this.hostPeerId, options.signal);
      yield* followLogs(this.ctx.node, this.hostPeerId, this.key, this.signer, options);
    } catch (err) {
      throw this.unreached('logs', err, options);
    }
  }

  /** Usage and cost so far, as the host measures them. */
  stats(options: CallOptions = {}): Promise<LeaseStats> {
    return this.reach('stats', () => leaseStats(this.ctx.node, this.hostPeerId, this.key, this.signer, options), options);
  }

  /** The lease as the chain holds it now. */
  async info(): Promise<LeaseInfo> {
    const account = await this.ctx.chain.fetchLease(this.key);
    if (!account) throw notFound(this.address);
    const host = withBigints(await this.ctx.chain.program.account.host.fetch(account.host));
    return leaseInfoOf(this.key, account, account.host, host);
  }

  /** Buys more time: rate x the extra seconds go into escrow and the max end moves out. */
  async extend(by: ExtendBy): Promise<ExtendReport> {
    const extraSecs = BigInt(secondsOf(typeof by === 'number' ? { hours: by } : by));
    const before = await this.ctx.chain.fetchLease(this.key);
    if (!before) throw notFound(this.address);
    const nowSecs = BigInt(Math.floor(this.ctx.clock() / 1000));
    if (nowSecs >= before.maxEnd) {
      throw new RenterError('FUNDING_FAILED', `lease ${this.address} ended at ${isoOf(before.maxEnd)}: it can no longer be extended; end it (decloud end ${this.address}) and rent again`, { lease: this.address });
    }
    const amount = before.rate * extraSecs;
    await requireBalance(this.ctx.chain.connection, this.ctx.wallet.publicKey, amount, `extending lease ${this.address} by ${extraSecs} s`);
    let signature: string;
    try {
      signature = await this.ctx.chain.topUpLease(this.key, extraSecs);
    } catch (err) {
      throw new RenterError('FUNDING_FAILED', `topping up lease ${this.address} failed: ${messageOf(err)}; nothing was paid`, { lease: this.address, cause: err });
    }
    const after = await this.ctx.chain.fetchLease(this.key);
    return { signature, extraSecs, amount, maxEnd: after?.maxEnd ?? before.maxEnd + extraSecs, deposit: after?.deposit ?? before.deposit + amount };
  }

  /**
   * Ends the lease on-chain: the proven time is paid to the host, the rest of the deposit and
   * the account's rent come back. Stops receipts first, so no new time gets proven.
   */
  async end(): Promise<EndReport> {
    this.stopReceipts();
    const { chain, wallet } = this.ctx;
    if (!(await chain.fetchLease(this.key))) throw notFound(this.address);
    const rentExempt = BigInt(await chain.connection.getMinimumBalanceForRentExemption(ACCOUNT_LAYOUTS.lease.size));
    let signature: string;
    try {
      signature = await chain.closeLease(this.key);
    } catch (err) {
      throw new RenterError('END_FAILED', `closing lease ${this.address} failed: ${messageOf(err)}; the escrow is untouched: run \`decloud end ${this.address}\` again`, { lease: this.address, cause: err });
    }
    return endReportOf(this.key, wallet.publicKey, signature, await balanceChangesOf(chain.connection, signature), rentExempt);
  }

  /**
   * One receipt now: checks the container answers (stats), then signs "it ran until now" (with
   * the delegate key) and hands it to the host. `containerAnswered`: the caller just had an answer from it (an exec), no check needed.
   */
  async sendReceipt(options: CallOptions & { containerAnswered?: boolean } = {}): Promise<SentReceipt> {
    if (options.containerAnswered !== true) await this.stats(options);
    const until = BigInt(Math.floor(this.ctx.clock() / 1000));
    const receipt = signReceipt(this.signer, this.key, until);
    const outcome = await this.reach('receipt', () => sendReceipt(this.ctx.node, this.hostPeerId, receipt, options), options);
    return { until, outcome };
  }

  /** Sends a receipt every `intervalMs` while the container answers, until stopReceipts() or end(). */
  startReceipts(options: { intervalMs?: number } = {}): ReceiptLoop {
    if (this.receipts?.running) return this.receipts;
    this.receipts = new ReceiptLoop((signal) => this.sendReceipt({ signal }), options.intervalMs);
    this.receipts.start();
    return this.receipts;
  }

  stopReceipts(): void {
    this.receipts?.stop();
  }

  /** Access errors carry the host's reason already; anything else means the host was not reached. */
  private async reach<T>(what: string, call: () => Promise<T>, options: CallOptions): Promise<T> {
    try {
      await this.ctx.locate(this.hostPeerId, options.signal);
      return await call();
    } catch (err) {
      throw this.unreached(what, err, options);
    }
  }

  private unreached(what: string, err: unknown, options: CallOptions): unknown {
    if (options.signal?.aborted || err instanceof AccessError || err instanceof RenterError) return err;
    return new RenterError('HOST_UNREACHABLE', `${what} on lease ${this.address}: host ${this.hostPeerId} did not answer (${messageOf(err)}); check that it is online with \`decloud hosts\``, { lease: this.address, cause: err });
  }
}

function isoOf(unixSecs: bigint): string {
  return new Date(Number(unixSecs) * 1000).toISOString();
}

function notFound(address: string): RenterError {
  return new RenterError('LEASE_NOT_FOUND', `no lease account ${address} on-chain: it was closed already (or never opened); list yours with \`decloud leases\``, { lease: address });
}
