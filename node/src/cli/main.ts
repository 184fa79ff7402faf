/**
 * `decloud-node`: the host operator's command line.
 *
 *   decloud-node init --country DE --airdrop 2     config + operator key (+ funds on a local chain)
 *   decloud-node start                             run the node in the foreground
 *   decloud-node status | leases | earnings        what the host and its node are doing
 *   decloud-node claim | deactivate | withdraw     payout to the owner, leaving the market, the stake back
 *   decloud-node add-stake <SOL>                   top the stake up, or stake again after withdraw
 */
import { Command } from 'commander';
import { claimCommand } from './claim-command.js';
import { earningsCommand } from './earnings-command.js';
import { addStakeCommand, deactivateCommand, withdrawCommand } from './host-state-commands.js';
import { initCommand } from './init-command.js';
import { leasesCommand } from './leases-command.js';
import { startCommand } from './start-command.js';
import { statusCommand } from './status-command.js';

const program = new Command('decloud-node')
  .description('DeCloud host node: sell this machine\'s spare capacity as containers, paid in SOL through an on-chain escrow')
  .option('--data <dir>', 'data folder (config.json, operator key, lease store); default $DECLOUD_DATA or ~/.decloud-node')
  .showHelpAfterError();

for (const add of [initCommand, startCommand, statusCommand, leasesCommand, earningsCommand, claimCommand, deactivateCommand, withdrawCommand, addStakeCommand]) add(program);

try {
  await program.parseAsync(process.argv);
  // Chain clients keep websockets and timers around for a while; the command is done.
  process.exit(0);
} catch (err) {
  const error = err as Error;
  process.stderr.write(`decloud-node: ${error?.message ?? String(err)}\n`);
  if (process.env.DECLOUD_DEBUG) process.stderr.write(`${error?.stack ?? ''}\n`);
  process.exit(1);
}
