/** `decloud-node claim`: claims the uptime rewards of proven epochs not rewarded yet (paid to the owner). */
import type { Command } from 'commander';
import { pino } from 'pino';
import { hostStatusOf } from '@decloud/sdk/chain/index';
import { RewardClaimer } from '../prover/index.js';
import { CliError } from './cli-error.js';
import { json, solAndLamports } from './format.js';
import { operatorContext } from './operator-context.js';
import { requireHost } from './require-host.js';

export function claimCommand(program: Command): void {
  program
    .command('claim')
    .description('claim uptime rewards for proven epochs (paid to the owner)')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { operator, chain } = await operatorContext(command.optsWithGlobals<{ data?: string }>().data);
      const before = await requireHost(chain, operator.publicKey);
      if (hostStatusOf(before.status) === 'jailed') {
        throw new CliError('HOST_JAILED', 'the host is jailed (penalized for missing uptime proofs) and can claim no rewards: take back what is left of the stake with decloud-node withdraw');
      }
      const claimed = await new RewardClaimer({ chain, operator, clock: Date.now, log: pino({ level: 'silent' }) }).claim();
      const epochs = before.provenEpochs - before.rewardedEpochs;
      if (options.json) {
        process.stdout.write(`${json({ claimed, epochs: claimed > 0n ? epochs : 0n, owner: before.owner.toBase58() })}\n`);
        return;
      }
      process.stdout.write(claimed > 0n
        ? `claimed ${solAndLamports(claimed)} for ${epochs} proven epochs, paid to ${before.owner.toBase58()}\n`
        : `nothing to claim: ${before.provenEpochs} proven epochs, ${before.rewardedEpochs} rewarded already${before.provenEpochs > before.rewardedEpochs ? ' (the reward pool is empty)' : ''}\n`);
    });
}
