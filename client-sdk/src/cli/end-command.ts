/** `decloud end <lease>`: closes the lease on-chain; the proven time goes to the host, the rest comes back. */
import type { Command } from 'commander';
import { fields, solText } from './format.js';
import { withLease } from './lease-session.js';
import { step } from './spinner.js';

export function endCommand(program: Command): void {
  program
    .command('end')
    .description('end a lease: the host is paid for the proven time, the rest of the deposit is refunded')
    .argument('<lease>', 'full lease address (decloud leases lists them)')
    .action(async (address: string, _options: object, command: Command) => {
      await withLease(command, address, { network: false }, async (lease) => {
        const report = await step(`closing lease ${lease.address} on-chain`, () => lease.end(), (r) => `lease closed, ${solText(r.refund)} refunded`);
        process.stdout.write(`${fields([
          ['lease', report.lease],
          ['refund', `${solText(report.refund)} (${solText(report.depositRefund)} unused deposit + ${solText(report.rentReturned)} account rent)`],
          ['paid now', `${solText(report.settled)} for proven time not settled before`],
          ['fee', solText(report.fee)],
          ['transaction', report.signature],
        ])}\n`);
      });
    });
}
