/**
 * Automatic usage receipts: while a lease is in use, every `intervalMs` the renter asks the
 * host for the lease's stats, and when the container answers, signs "it ran until now" and
 * hands the receipt to the host, which posts it on-chain as uptime proof. A round that
 * fails (host unreachable, container down) sends nothing: time nobody vouched for stays
 * unproven and is refunded at the end. Rounds never overlap.
 */
import type { ReceiptOutcome } from '../access/types.js';
import { lifetimeController } from '../net/abort.js';
import { TypedEvents } from '../net/typed-events.js';

export interface ReceiptLoopEvents {
  /** A receipt reached the host; `until` is unix seconds. */
  receipt: { until: bigint; outcome: ReceiptOutcome };
  /** A round sent nothing, and why. */
  skipped: { error: Error };
}

/** One round: checks the container answers, then signs and sends a receipt. */
export type ReceiptRound = (signal: AbortSignal) => Promise<{ until: bigint; outcome: ReceiptOutcome }>;

export const DEFAULT_RECEIPT_INTERVAL_MS = 30_000;

export class ReceiptLoop {
  readonly events = new TypedEvents<ReceiptLoopEvents>();
  private lifetime: AbortController | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly round: ReceiptRound, readonly intervalMs: number = DEFAULT_RECEIPT_INTERVAL_MS) {
    if (!Number.isSafeInteger(intervalMs) || intervalMs < 100) {
      throw new RangeError(`receipt intervalMs must be a whole number of at least 100 ms, got ${String(intervalMs)}`);
    }
  }

  get running(): boolean {
    return this.lifetime !== undefined;
  }

  /** The first round runs after one interval (the container just answered whoever started the loop). */
  start(): void {
    if (this.lifetime) return;
    this.lifetime = lifetimeController();
    this.schedule(this.lifetime.signal);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.lifetime?.abort(new Error('receipts stopped'));
    this.lifetime = undefined;
  }

  private schedule(signal: AbortSignal): void {
    this.timer = setTimeout(() => {
      this.round(signal).then(
        (sent) => { if (!signal.aborted) this.events.emit('receipt', sent); },
        (error: Error) => { if (!signal.aborted) this.events.emit('skipped', { error }); },
      ).finally(() => { if (!signal.aborted) this.schedule(signal); });
    }, this.intervalMs);
  }
}
