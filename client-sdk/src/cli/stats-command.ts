/** `decloud stats <lease>`: usage and cost so far. */
import type { Command } from 'commander';
import { bytes, duration, fields, solText, unixTime } from './format.js';
import { vouch, withLease } from './lease-session.js';
import { step } from './spinner.js';

export function statsCommand(program: Command): void {
  program
    .command('stats')
    .description('show the container\'s usage (CPU, memory, network) and the lease\'s cost so far')
    .argument('<lease>', 'full lease address (decloud leases lists them)')
    .action(async (address: string, _options: object, command: Command) => {
      await withLease(command, address, { network: true }, async (lease) => {
        const s = await step('measuring', () => lease.stats(), () => 'measured');
        await vouch(lease);
        process.stdout.write(`${fields([
          ['lease', lease.address],
          ['cpu', `${s.cpuPercent.toFixed(1)} % (100 % = one core)`],
          ['memory', `${bytes(s.memoryBytes)} of ${bytes(s.memoryLimit)}`],
          ['network', `${bytes(s.netRx)} in, ${bytes(s.netTx)} out`],
          ['processes', String(s.pids)],
          ['uptime', duration(s.uptimeSecs)],
          ['cost so far', solText(s.costSoFar)],
          ['proven', `${solText(s.provenCost)} (uptime proven until ${unixTime(s.provenUntil)})`],
          ['deposit', solText(s.deposit)],
          ['ends', unixTime(s.maxEnd)],
        ])}\n`);
      });
    });
}
