/** `decloud-node earnings`: what the host earned, what it holds for the owner (payable), and the owner's balance. */
import type { Command } from 'commander';
import { fields, json, solAndLamports } from './format.js';
import { operatorContext } from './operator-context.js';
import { requireHost } from './require-host.js';

export function earningsCommand(program: Command): void {
  program
    .command('earnings')
    .description('show lease earnings, uptime rewards, what is payable to the owner, and the owner\'s balance')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { operator, chain } = await operatorContext(command.optsWithGlobals<{ data?: string }>().data);
      const host = await requireHost(chain, operator.publicKey);
      const ownerBalance = BigInt(await chain.connection.getBalance(host.owner, 'confirmed'));
      const earnings = {
        earned: host.earned,
        rewardsEarned: host.rewardsEarned,
        payable: host.payable,
        provenEpochs: host.provenEpochs,
        owner: host.owner.toBase58(),
        ownerBalance,
        stake: host.stake,
      };
      if (options.json) {
        process.stdout.write(`${json(earnings)}\n`);
        return;
      }
      process.stdout.write(`${fields([
        ['earned (leases)', solAndLamports(earnings.earned)],
        ['rewards earned', solAndLamports(earnings.rewardsEarned)],
        ['payable', `${solAndLamports(earnings.payable)}${earnings.payable > 0n ? ' (earned, not yet paid out: decloud-node claim)' : ''}`],
        ['proven epochs', earnings.provenEpochs.toString()],
        ['owner', earnings.owner],
        ['owner balance', solAndLamports(ownerBalance)],
        ['stake', solAndLamports(earnings.stake)],
      ])}\n`);
    });
}
