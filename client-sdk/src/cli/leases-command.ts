/** `decloud leases`: the wallet's open leases, from the chain. */
import type { Command } from 'commander';
import { refundIfClosedNow } from '../renter/lease-info.js';
import { sol } from '../renter/sol-amounts.js';
import { duration, short, table, unixTime } from './format.js';
import { withDeCloud } from './session.js';
import { step } from './spinner.js';

export function leasesCommand(program: Command): void {
  program
    .command('leases')
    .description('list this wallet\'s open leases (as the chain holds them)')
    .action(async (_options: object, command: Command) => {
      await withDeCloud(command, { network: false }, async (decloud) => {
        const leases = await step('reading leases on-chain', () => decloud.leases(), (found) => `${found.length} open lease${found.length === 1 ? '' : 's'}`);
        if (leases.length === 0) {
          process.stderr.write('No open lease. Find a host with `decloud hosts`, then `decloud rent`.\n');
          return;
        }
        const now = BigInt(Math.floor(Date.now() / 1000));
        process.stdout.write(`${table(
          ['lease', 'host', 'SOL/hour', 'deposit SOL', 'started', 'ends', 'proven', 'refund if ended now'],
          leases.map((l) => [
            l.address,
            short(l.hostPeerId),
            sol(l.rate * 3600n),
            sol(l.deposit),
            unixTime(l.start),
            l.maxEnd > now ? `${unixTime(l.maxEnd)} (in ${duration(l.maxEnd - now)})` : `${unixTime(l.maxEnd)} (over)`,
            duration(l.provenSecs),
            sol(refundIfClosedNow(l)),
          ]),
        )}\n`);
      });
    });
}
