/**
 * Settles, on an interval, every open lease of this host with proven time not yet paid: the
 * program moves rate x newly proven seconds out of escrow, the fee into the reward pool and
 * the rest into the host account (payable), which the RewardClaimer pays out to the owner.
 */
import type { PublicKey } from '@solana/web3.js';
import { PeriodicTask } from '../leases/periodic-task.js';
import { bounded, throwIfAborted } from '../leases/signal.js';
import type { Signalled } from '../leases/lease-manager.js';
import { checkSignsAsOperator, messageOf } from './components.js';
import type { ProverComponents } from './components.js';

export interface SettlerInit {
  /** default 60 s */
  intervalMs?: number;
}

export interface Settlement {
  lease: string;
  /** lamports moved out of escrow: rate x newly settled seconds (the host account gets it minus the lease's protocol fee) */
  amount: bigint;
}

export class Settler {
  private readonly hostAddress: PublicKey;
  private readonly task: PeriodicTask;

  constructor(private readonly c: ProverComponents, init: SettlerInit = {}) {
    checkSignsAsOperator(c);
    this.hostAddress = c.chain.hostAddress(c.operator.publicKey);
    this.task = new PeriodicTask('settling', init.intervalMs ?? 60_000, (signal) => this.settleAll({ signal }), c.log);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  async settleAll({ signal }: Signalled = {}): Promise<Settlement[]> {
    const settled: Settlement[] = [];
    for (const { address, account } of await bounded(this.c.chain.listLeases({ host: this.hostAddress }), signal)) {
      const unsettled = account.provenSecs - account.settledSecs;
      if (unsettled <= 0n) continue;
      throwIfAborted(signal);
      try {
        await bounded(this.c.chain.settle(address), signal);
        settled.push({ lease: address.toBase58(), amount: unsettled * account.rate });
      } catch (err) {
        if (signal?.aborted) throw err;
        // Closed in the meantime (closing settles too), or the chain is unreachable: the next run sees.
        this.c.log.warn({ lease: address.toBase58(), err: messageOf(err) }, 'settling a lease failed');
      }
    }
    if (settled.length > 0) this.c.log.info({ leases: settled.length }, 'leases settled');
    return settled;
  }
}
