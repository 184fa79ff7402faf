/** Claims uptime rewards, on an interval, whenever the host has proven epochs not yet rewarded. */
import { DecloudProgramError, hostStatusOf } from '@decloud/sdk/chain/index';
import { PeriodicTask } from '../leases/periodic-task.js';
import { bounded, throwIfAborted } from '../leases/signal.js';
import type { Signalled } from '../leases/lease-manager.js';
import { checkSignsAsOperator } from './components.js';
import type { ProverComponents } from './components.js';
import { ProverError } from './errors.js';

export interface RewardClaimerInit {
  /** default 10 min */
  intervalMs?: number;
}

export class RewardClaimer {
  private readonly task: PeriodicTask;

  constructor(private readonly c: ProverComponents, init: RewardClaimerInit = {}) {
    checkSignsAsOperator(c);
    this.task = new PeriodicTask('claiming rewards', init.intervalMs ?? 600_000, (signal) => this.claim({ signal }), c.log);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Lamports paid to the owner by this claim; 0 when there was nothing to claim. */
  async claim({ signal }: Signalled = {}): Promise<bigint> {
    const operator = this.c.operator.publicKey;
    const host = await bounded(this.c.chain.fetchHost(operator), signal);
    if (!host) throw new ProverError('NOT_REGISTERED', `no host is registered for operator ${operator.toBase58()}: start the node once to register it`);
    if (host.provenEpochs <= host.rewardedEpochs) return 0n;
    if (hostStatusOf(host.status) === 'jailed') {
      this.c.log.warn('the host is jailed: it can claim no rewards');
      return 0n;
    }
    throwIfAborted(signal);
    try {
      await bounded(this.c.chain.claimRewards(), signal);
    } catch (err) {
      if (err instanceof DecloudProgramError && err.errorName === 'NothingToClaim') return 0n;
      throw err;
    }
    const after = await bounded(this.c.chain.fetchHost(operator), signal);
    const amount = (after?.rewardsClaimed ?? host.rewardsClaimed) - host.rewardsClaimed;
    this.c.log.info({ lamports: amount.toString(), epochs: (host.provenEpochs - host.rewardedEpochs).toString() }, 'rewards claimed');
    return amount;
  }
}
