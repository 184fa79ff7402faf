/**
 * Pays out, on an interval, what the host account holds for the owner: settled lease
 * payments and uptime rewards (`host.payable`), moved to the owner by claim_rewards.
 * Nothing payable is the normal case between settlements, never an error.
 */
import { DecloudProgramError } from '@decloud/sdk/chain/index';
import type { HostAccount } from '@decloud/sdk/chain/index';
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
    this.task = new PeriodicTask('claiming earnings', init.intervalMs ?? 600_000, (signal) => this.claim({ signal }), c.log);
  }

  start(): void {
    this.task.start();
  }

  stop(): Promise<void> {
    return this.task.stop();
  }

  /** Lamports paid to the owner by this claim; 0 when nothing was payable. */
  async claim({ signal }: Signalled = {}): Promise<bigint> {
    const operator = this.c.operator.publicKey;
    const host = await bounded(this.c.chain.fetchHost(operator), signal);
    if (!host) throw new ProverError('NOT_REGISTERED', `no host is registered for operator ${operator.toBase58()}: start the node once to register it`);
    if (host.payable === 0n) return 0n;
    throwIfAborted(signal);
    try {
      await bounded(this.c.chain.claimRewards(), signal);
    } catch (err) {
      if (err instanceof DecloudProgramError && err.errorName === 'NothingToClaim') return 0n;
      throw err;
    }
    const after = await bounded(this.c.chain.fetchHost(operator), signal);
    const amount = after ? paidOut(host, after) : host.payable;
    this.c.log.info({ lamports: amount.toString(), owner: host.owner.toBase58() }, 'earnings and rewards paid out to the owner');
    return amount;
  }
}

/**
 * What left the host account for the owner between two reads: payable only grows by
 * earnings and rewards (counted in `earned` and `rewardsEarned`) and only shrinks by claims.
 */
export function paidOut(before: HostAccount, after: HostAccount): bigint {
  return before.payable + (after.earned - before.earned) + (after.rewardsEarned - before.rewardsEarned) - after.payable;
}
