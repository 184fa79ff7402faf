/** `decloud extend <lease> --hours <h>`: more time, paid into the lease's escrow. */
import type { Command } from 'commander';
import { hours } from './argument-parsers.js';
import { fields, solText, unixTime } from './format.js';
import { withLease } from './lease-session.js';
import { step } from './spinner.js';

export function extendCommand(program: Command): void {
  program
    .command('extend')
    .description('extend a lease: pays rate x the extra time into its escrow and moves its end')
    .argument('<lease>', 'full lease address (decloud leases lists them)')
    .requiredOption('--hours <h>', 'extra hours (fractions allowed)', hours)
    .action(async (address: string, options: { hours: number }, command: Command) => {
      await withLease(command, address, { network: false }, async (lease) => {
        const report = await step(`topping up lease ${lease.address} by ${options.hours} h`, () => lease.extend(options.hours), (r) => `paid ${solText(r.amount)} into escrow`);
        process.stdout.write(`${fields([
          ['lease', lease.address],
          ['paid', solText(report.amount)],
          ['deposit', solText(report.deposit)],
          ['ends', unixTime(report.maxEnd)],
          ['transaction', report.signature],
        ])}\n`);
      });
    });
}
