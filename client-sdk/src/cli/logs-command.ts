/** `decloud logs <lease> [-f] [--tail n]`: the container's output; Ctrl+C stops following. */
import type { Command } from 'commander';
import { wholeNumber } from './argument-parsers.js';
import { withLease } from './lease-session.js';
import { note } from './spinner.js';

export function logsCommand(program: Command): void {
  program
    .command('logs')
    .description('print the container\'s output (stdout and stderr)')
    .argument('<lease>', 'full lease address (decloud leases lists them)')
    .option('-f, --follow', 'keep printing new output until Ctrl+C')
    .option('--tail <lines>', 'only the last lines of what is there', wholeNumber)
    .action(async (address: string, options: { follow?: boolean; tail?: number }, command: Command) => {
      await withLease(command, address, { network: true }, async (lease) => {
        const stop = new AbortController();
        const onInterrupt = (): void => stop.abort(new Error('interrupted'));
        process.once('SIGINT', onInterrupt);
        try {
          if (options.follow) note('following the logs (Ctrl+C stops)');
          for await (const chunk of lease.logs({ follow: options.follow === true, signal: stop.signal, ...(options.tail !== undefined ? { tail: options.tail } : {}) })) {
            process.stdout.write(chunk);
          }
        } finally {
          process.off('SIGINT', onInterrupt);
        }
      });
    });
}
