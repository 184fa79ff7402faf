/**
 * `decloud-node claim`: pays out what the host account holds (settled lease payments and
 * uptime rewards, `payable`) to the owner. The running node does this on its own every
 * few minutes; the command does it now.
 */
import type { Command } from 'commander';
import { pino } from 'pino';
import { RewardClaimer } from '../prover/index.js';
import { chainRefusal } from './chain-refusal.js';
import { json, solAndLamports } from './format.js';
import { operatorContext } from './operator-context.js';
import { requireHost } from './require-host.js';

export function claimCommand(program: Command): void {
  program
    .command('claim')
    .description('pay out the host\'s earnings and uptime rewards (payable) to the owner')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { operator, chain } = await operatorContext(command.optsWithGlobals<{ data?: string }>().data);
      const before = await requireHost(chain, operator.publicKey);
      let claimed: bigint;
      try {
        claimed = await new RewardClaimer({ chain, operator, clock: Date.now, log: pino({ level: 'silent' }) }).claim();
      } catch (err) {
        throw chainRefusal(err, before) ?? err;
      }
      if (options.json) {
        process.stdout.write(`${json({ claimed, owner: before.owner.toBase58() })}\n`);
        return;
      }
      process.stdout.write(claimed > 0n
        ? `paid out ${solAndLamports(claimed)} (lease earnings and uptime rewards) to the owner ${before.owner.toBase58()}\n`
        : `nothing to claim: the host account holds nothing payable (earned ${solAndLamports(before.earned)} from leases and ${solAndLamports(before.rewardsEarned)} of rewards so far, all paid out); settling proven lease time adds to it\n`);
    });
}
