/** `decloud-node earnings`: what the host earned, claimed and can still claim, and the owner's balance. */
import type { Command } from 'commander';
import { fields, json, solAndLamports } from './format.js';
import { operatorContext } from './operator-context.js';
import { requireHost } from './require-host.js';

export function earningsCommand(program: Command): void {
  program
    .command('earnings')
    .description('show earnings, claimed rewards, unclaimed epochs and the owner\'s balance')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { operator, chain } = await operatorContext(command.optsWithGlobals<{ data?: string }>().data);
      const host = await requireHost(chain, operator.publicKey);
      const ownerBalance = BigInt(await chain.connection.getBalance(host.owner, 'confirmed'));
      const unclaimedEpochs = host.provenEpochs - host.rewardedEpochs;
      const earnings = {
        earned: host.earned,
        rewardsClaimed: host.rewardsClaimed,
        provenEpochs: host.provenEpochs,
        unclaimedEpochs,
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
        ['rewards claimed', solAndLamports(earnings.rewardsClaimed)],
        ['proven epochs', earnings.provenEpochs.toString()],
        ['unclaimed epochs', `${unclaimedEpochs}${unclaimedEpochs > 0n ? ' (decloud-node claim)' : ''}`],
        ['owner', earnings.owner],
        ['owner balance', solAndLamports(ownerBalance)],
        ['stake', solAndLamports(earnings.stake)],
      ])}\n`);
    });
}
