/**
 * `decloud-node deactivate` and `withdraw`: leaving the market. Deactivating stops new
 * leases (running ones go on to their end); the stake comes back once no lease is open.
 */
import type { Command } from 'commander';
import { DecloudProgramError, hostStatusOf } from '@decloud/sdk/chain/index';
import { resolveDataDir } from '../config/index.js';
import { DaemonError } from '../daemon/daemon-error.js';
import { runningDaemon } from '../daemon/daemon-state.js';
import { CliError } from './cli-error.js';
import { json, solAndLamports } from './format.js';
import { operatorContext } from './operator-context.js';
import { requireHost } from './require-host.js';

export function deactivateCommand(program: Command): void {
  program
    .command('deactivate')
    .description('take the host off the market: no new leases; open ones run to their end')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const data = command.optsWithGlobals<{ data?: string }>().data;
      // A running node re-activates the host at its next start and keeps publishing offers meanwhile.
      const daemon = await runningDaemon(resolveDataDir(data));
      if (daemon) throw new DaemonError('ALREADY_RUNNING', `the node is running (pid ${daemon.pid}): stop it first (kill -TERM ${daemon.pid}), then deactivate`);
      const { operator, chain } = await operatorContext(data);
      const host = await requireHost(chain, operator.publicKey);
      const status = hostStatusOf(host.status);
      if (status !== 'active') throw new CliError('NOT_ACTIVE', `the host is ${status}, not active: nothing to deactivate${status === 'inactive' ? ' (decloud-node withdraw returns the stake once no lease is open)' : ''}`);
      const signature = await chain.deactivateHost();
      if (options.json) {
        process.stdout.write(`${json({ status: 'inactive', openLeases: host.openLeases, signature })}\n`);
        return;
      }
      process.stdout.write(`host deactivated: it gets no new leases; ${host.openLeases} open leases run to their end.\nOnce none is open: decloud-node withdraw (returns the stake to ${host.owner.toBase58()}). Starting the node again re-activates the host.\n`);
    });
}

export function withdrawCommand(program: Command): void {
  program
    .command('withdraw')
    .description('return the stake to the owner (host deactivated, no open lease)')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { operator, chain } = await operatorContext(command.optsWithGlobals<{ data?: string }>().data);
      const host = await requireHost(chain, operator.publicKey);
      let signature: string;
      try {
        signature = await chain.withdrawStake();
      } catch (err) {
        throw withdrawRefusal(err, host.openLeases) ?? err;
      }
      if (options.json) {
        process.stdout.write(`${json({ withdrawn: host.stake, owner: host.owner.toBase58(), signature })}\n`);
        return;
      }
      process.stdout.write(`withdrew the stake, ${solAndLamports(host.stake)}, to ${host.owner.toBase58()}\n`);
    });
}

function withdrawRefusal(err: unknown, openLeases: number): CliError | undefined {
  if (!(err instanceof DecloudProgramError)) return undefined;
  switch (err.errorName) {
    case 'HostHasOpenLeases':
      return new CliError('OPEN_LEASES', `${openLeases} leases are still open: deactivate stops new ones; withdraw once they have ended`, { cause: err });
    case 'InvalidHostStatus':
      return new CliError('NOT_ACTIVE', 'the host is active: stop the node and run decloud-node deactivate first', { cause: err });
    case 'NothingToClaim':
      return new CliError('NOTHING_TO_WITHDRAW', 'the stake was withdrawn already', { cause: err });
    default:
      return undefined;
  }
}
