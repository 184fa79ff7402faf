/**
 * The prover's periodic work, run by the daemon so it can count what happened: post pending
 * renter receipts, settle proven time (into the host account), pay out what the host
 * account holds to the owner (settled payments and uptime rewards).
 */
import type { Logger } from 'pino';
import { PeriodicTask } from '../leases/index.js';
import type { NodeMetrics } from '../metrics/index.js';
import type { ReceiptCollector, RewardClaimer, Settler } from '../prover/index.js';

export interface ProverLoopComponents {
  collector: ReceiptCollector;
  settler: Settler;
  claimer: RewardClaimer;
  metrics: NodeMetrics;
  log: Logger;
  /** Told about settlements and claims (the CLI prints them). */
  onPaid?: (event: { kind: 'settled' | 'claimed'; lamports: bigint }) => void;
}

export interface ProverIntervals {
  receiptFlushMs: number;
  settleMs: number;
  claimRewardsMs: number;
}

export class ProverLoops {
  private readonly tasks: PeriodicTask[];

  constructor(c: ProverLoopComponents, intervals: ProverIntervals) {
    this.tasks = [
      new PeriodicTask('posting receipts', intervals.receiptFlushMs, async (signal) => {
        const report = await c.collector.flush({ signal });
        c.metrics.proofsPosted.inc(report.posted.length);
      }, c.log),
      new PeriodicTask('settling', intervals.settleMs, async (signal) => {
        const settled = (await c.settler.settleAll({ signal })).reduce((sum, s) => sum + s.amount, 0n);
        if (settled > 0n) {
          c.metrics.settledLamports.inc(Number(settled));
          c.onPaid?.({ kind: 'settled', lamports: settled });
        }
      }, c.log),
      new PeriodicTask('paying out earnings and rewards', intervals.claimRewardsMs, async (signal) => {
        const claimed = await c.claimer.claim({ signal });
        if (claimed > 0n) {
          c.metrics.claimedLamports.inc(Number(claimed));
          c.onPaid?.({ kind: 'claimed', lamports: claimed });
        }
      }, c.log),
    ];
  }

  start(): void {
    for (const task of this.tasks) task.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.tasks.map((task) => task.stop()));
  }
}
